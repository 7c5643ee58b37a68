"""``spwf-tui decode``: classify and explain every line of a captured log (host or module)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.display import visible
from spwf_tui.core.events import Event
from spwf_tui.core.explain import Explainer
from spwf_tui.errors import UserError


CHUNK = 1 << 20
"""Bytes read (and decoded) at a time: memory stays bounded whatever the capture's size."""


def decode_bytes(data: bytes) -> Iterator[tuple[Event, str | None]]:
    """Every event in a capture, with its explanation (the same decoder as live sessions)."""
    return decode_stream([data])


def decode_stream(chunks: Iterable[bytes]) -> Iterator[tuple[Event, str | None]]:
    """``decode_bytes`` over a capture read in pieces (the decoder's events never depend on them)."""
    decoder = RxDecoder(lenient=True)
    explainer = Explainer()
    for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event, explainer.explain(event)
    for event in decoder.flush():
        yield event, explainer.explain(event)


def run_decode(args: argparse.Namespace) -> int:
    """Print the decoded capture as text or JSON lines."""
    source = _open_input(args.file)
    out = sys.stdout
    # ensure_ascii: the JSON keeps the module's exact text, and no control character (ESC, C1,
    # bidi) reaches a terminal the JSON is printed on; one encoder, not one per line.
    encode = json.JSONEncoder(ensure_ascii=True).encode
    pending: list[str] = []
    with source as stream:
        for event, explain in decode_stream(_chunks(stream, out, pending)):
            original = event.raw_text().rstrip("\r\n")
            if args.json:
                record = {"line": original, "kind": event.kind, "code": event.code, "text": event.text,
                          "explain": explain}
                if event.label is not None:
                    record["label"] = event.label
                pending.append(encode(record) + "\n")
            else:
                code = "" if event.code is None else str(event.code)
                pending.append(f"{event.kind:<5} {code:>4}  {visible(event.text)}\n")
                if explain:
                    pending.append(f"{'':11}  = {visible(explain)}\n")
    out.write("".join(pending))
    return 0


def _chunks(source: BinaryIO, out: TextIO, pending: list[str]) -> Iterator[bytes]:
    """The input piece by piece; before reading the next piece, what was decoded is printed."""
    read = getattr(source, "read1", source.read)  # read1: a live pipe's lines show as they come
    while True:
        try:
            chunk = read(CHUNK)
        except OSError as exc:
            raise UserError(f"cannot read the log ({exc.strerror or exc})") from None
        if not chunk:
            return
        yield chunk
        out.write("".join(pending))
        pending.clear()


def _open_input(name: str) -> contextlib.AbstractContextManager[BinaryIO]:
    if name == "-":
        return contextlib.nullcontext(sys.stdin.buffer)
    try:
        path = Path(name).expanduser()
        if path.is_dir():
            raise IsADirectoryError
        return path.open("rb")
    except FileNotFoundError:
        raise UserError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{name}: is a directory; give a log file") from None
    except OSError as exc:
        raise UserError(f"{name}: cannot read ({exc.strerror or exc})") from None
