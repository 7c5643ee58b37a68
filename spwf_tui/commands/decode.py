"""``spwf-tui decode``: classify and explain every line of a captured log (host or module)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from spwf_tui.core.decoder import RxDecoder, bytes_to_text
from spwf_tui.core.events import Event
from spwf_tui.core.explain import Explainer
from spwf_tui.errors import UserError


def decode_bytes(data: bytes) -> Iterator[tuple[Event, str | None]]:
    """Every event in a capture, with its explanation (the same decoder as live sessions)."""
    decoder = RxDecoder(lenient=True)
    explainer = Explainer()
    for event in [*decoder.feed(data), *decoder.flush()]:
        yield event, explainer.explain(event)


def run_decode(args: argparse.Namespace) -> int:
    """Print the decoded capture as text or JSON lines."""
    data = _read_input(args.file)
    out = sys.stdout
    for event, explain in decode_bytes(data):
        original = bytes_to_text(event.raw).rstrip("\r\n")
        if args.json:
            record = {"line": original, "kind": event.kind, "code": event.code, "text": event.text,
                      "explain": explain}
            if event.label is not None:
                record["label"] = event.label
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            code = "" if event.code is None else str(event.code)
            out.write(f"{event.kind:<5} {code:>4}  {event.text}\n")
            if explain:
                out.write(f"{'':11}  = {explain}\n")
    return 0


def _read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).expanduser().read_bytes()
    except FileNotFoundError:
        raise UserError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{name}: is a directory; give a log file") from None
    except OSError as exc:
        raise UserError(f"{name}: cannot read ({exc.strerror or exc})") from None
