"""``spwf-tui decode``: classify and explain every line of a captured log (host or module).

What a capture file can be (docs/protocol.md §2.7): the module's bytes as a terminal program
saved them (UTF-8 or ASCII, a UTF-8 BOM in front when an editor saved it), a UTF-16 file (a
Windows tool's "Unicode" log: converted, with a warning), or a spwf-tui recording (``.jsonl``:
its received bytes are decoded). Warnings go to stderr, one line each.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import codecs
import contextlib
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.display import visible, visible_decoded
from spwf_tui.core.events import DATA, Event
from spwf_tui.core.explain import Explainer
from spwf_tui.core.present.entries import EXPLANATION_MARK
from spwf_tui.errors import UserError

CHUNK = 1 << 20
"""Bytes read (and decoded) at a time: memory stays bounded whatever the capture's size."""
SNIFF = 4
"""Bytes looked at to tell UTF-8 with BOM and UTF-16 from a plain capture."""
_RECORDING_MARK = re.compile(rb'\{\s*"format"\s*:\s*"spwf-tui-recording"')
"""How a spwf-tui recording's header line starts (``session.recording.writer.header``)."""
MAX_RECORDING_LINE = 64 * 1024 * 1024
"""Longest recording line read (a recorded read is at most a few MB of base64)."""
OUTPUT_CACHE = 4096
"""Printed forms of repeated events kept (a line the decoder saw before is the same object)."""

_encode_string = json.encoder.encode_basestring_ascii
"""The JSON encoder's own string encoder (C): ASCII only, so no control character (ESC, C1,
bidi) reaches a terminal the JSON is printed on."""


def decode_bytes(data: bytes) -> Iterator[tuple[Event, str | None]]:
    """Every event in a capture, with its explanation (the same decoder as live sessions)."""
    return decode_stream([data])


def decode_stream(chunks: Iterable[bytes], decoder: RxDecoder | None = None) -> Iterator[tuple[Event, str | None]]:
    """``decode_bytes`` over a capture read in pieces (the decoder's events never depend on them)."""
    decoder = decoder or RxDecoder(lenient=True)
    explain = Explainer().explain
    for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event, explain(event)
    for event in decoder.flush():
        yield event, explain(event)


DESCRIPTION = "Classify and explain every line of a captured log."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", default="-", help="log file, or - for stdin (default)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")


def run(args: argparse.Namespace) -> int:
    """Print the decoded capture as text or JSON lines."""
    source = _open_input(args.file)
    out = sys.stdout
    name = "stdin" if args.file == "-" else args.file
    decoder = RxDecoder(lenient=True)
    pending: list[str] = []
    printer = _Printer(_json_line if args.json else _text_lines)
    with source as stream:
        # Each piece read is printed as a batch: ``_chunks`` writes what is pending before the
        # next read, so a live pipe's lines show as they come.
        for chunk in _input(stream, name, out, pending, decoder):
            printer.add(decoder.feed(chunk), pending)
        printer.add(decoder.flush(), pending)
    out.write("".join(pending))
    _warn(name, decoder)
    return 0


class _Printer:
    """Events to their printed lines, in order, each explained after the ones before it.

    A line's output depends on its event and its explanation alone, so a repeated line prints
    the same way: its output is kept by event object (the decoder hands out one object per
    distinct line it has seen recently) with the explanation it was made with. Most repeated
    lines (``AT-S.OK``, WINDs, ``Reading``) are explained from the line alone
    (``Explainer.explains_line_alone``): for those the explainer is not asked again. Others
    (echoes, errors) are explained again, as the explainer follows the TLS context, and their
    kept output used when the explanation is the same. Payload pieces are never repeated
    objects: they are not kept.
    """

    def __init__(self, format_event: Callable[[Event, str | None], str]) -> None:
        self._format = format_event
        self._explainer = Explainer()
        self._kept: dict[int, tuple[Event, object, str]] = {}

    def add(self, events: list[Event], pending: list[str]) -> None:
        """Append the printed lines of ``events`` to ``pending``."""
        kept = self._kept
        get = kept.get
        explain = self._explainer.explain
        alone = self._explainer.explains_line_alone
        format_event = self._format
        add = pending.append
        for event in events:
            hit = get(id(event))
            if hit is not None and hit[0] is event:
                if hit[1] is _LINE_ALONE:
                    add(hit[2])
                    continue
                explanation = explain(event)
                if hit[1] == explanation:
                    add(hit[2])
                    continue
            else:
                explanation = explain(event)
                if event.kind == DATA:
                    add(format_event(event, explanation))
                    continue
            shown = format_event(event, explanation)
            if len(kept) >= OUTPUT_CACHE:
                kept.clear()
            kept[id(event)] = (event, _LINE_ALONE if alone(event) else explanation, shown)
            add(shown)


_LINE_ALONE = object()
"""Kept with a line explained from itself (``_Printer``): its output is the same in any context."""


def _json_line(event: Event, explain: str | None) -> str:
    """One JSON line (the keys and their order as ``decode --json`` always printed them)."""
    if event.kind == DATA:
        # The original of a payload piece is its text without the line end: encoded once, the
        # line end's escapes appended for "text" (a JSON string's quotes cut and joined).
        whole = event.text
        stripped = whole.rstrip("\r\n")
        original = _encode_string(stripped)
        text = original if len(stripped) == len(whole) else original[:-1] + _encode_string(whole[len(stripped):])[1:]
    else:
        text = _encode_string(event.text)
        original = _encode_string(event.raw_text().rstrip("\r\n"))
    code = "null" if event.code is None else str(event.code)
    why = "null" if explain is None else _encode_string(explain)
    label = "" if event.label is None else f', "label": {_encode_string(event.label)}'
    return f'{{"line": {original}, "kind": "{event.kind}", "code": {code}, "text": {text}, "explain": {why}{label}}}\n'


def _text_lines(event: Event, explain: str | None) -> str:
    code = "" if event.code is None else str(event.code)
    # a payload piece's text made and escaped in one step (binary payloads: see visible_decoded)
    shown = visible_decoded(event.raw) if event.kind == DATA and event.text_is_raw else visible(event.text)
    text = f"{event.kind:<5} {code:>4}  {shown}\n"
    if explain:
        text += f"{'':11}  {EXPLANATION_MARK} {visible(explain)}\n"
    return text


def _warn(name: str, decoder: RxDecoder) -> None:
    for warning in decoder.warnings:
        print(f"spwf-tui decode: warning: {visible(name)}: {warning}", file=sys.stderr)
    if decoder.warnings_dropped:
        print(f"spwf-tui decode: warning: {decoder.warnings_dropped} more warnings like these", file=sys.stderr)


def _input(source: BinaryIO, name: str, out: TextIO, pending: list[str], decoder: RxDecoder) -> Iterator[bytes]:
    """The capture's module bytes, piece by piece, whatever the file holds (see the module doc)."""
    chunks = _chunks(source, out, pending)
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= SNIFF or head.startswith(b"{"):
            break
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8):]  # an editor's mark, not the module's bytes
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(head):
        print(f"spwf-tui decode: warning: {visible(name)} is UTF-16 text, not the module's bytes (a "
              "Windows tool saved it as \"Unicode\"); it is decoded as UTF-16 converted to UTF-8", file=sys.stderr)
        yield from _from_utf16(head, chunks)
        return
    elif _RECORDING_MARK.match(head):
        yield from _recorded_rx(head, chunks, name)
        return
    if head:
        yield head
    yield from chunks


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM: ASCII text with a NUL after (LE) or before (BE) every character."""
    return len(head) >= SNIFF and ((head[1] == 0 and head[3] == 0 and head[0] != 0 and head[2] != 0)
                                   or (head[0] == 0 and head[2] == 0 and head[1] != 0 and head[3] != 0))


def _from_utf16(head: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    # With a BOM "utf-16" reads it and the byte order; without one, the NULs told the order.
    encoding = "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else (
        "utf-16-le" if head[1:2] == b"\0" else "utf-16-be")
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    yield decoder.decode(head).encode("utf-8", "surrogatepass")
    for chunk in chunks:
        yield decoder.decode(chunk).encode("utf-8", "surrogatepass")
    yield decoder.decode(b"", final=True).encode("utf-8", "surrogatepass")


def _recorded_rx(head: bytes, chunks: Iterator[bytes], name: str) -> Iterator[bytes]:
    """The received bytes of a spwf-tui recording, in order (its sent bytes and notes are
    what ``export`` and ``replay`` show)."""
    number = 0
    for line in _lines_of(head, chunks):
        number += 1
        if number == 1:
            continue  # the header
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a cut last line (the recorder was killed)
        if not isinstance(event, dict) or event.get("dir") != "rx":
            continue
        if isinstance(event.get("text"), str):
            yield event["text"].encode("utf-8", "surrogatepass")
        elif isinstance(event.get("b64"), str):
            try:
                yield base64.b64decode(event["b64"], validate=True)
            except (binascii.Error, ValueError):
                raise UserError(f"{name}, line {number}: corrupt base64 in a received event") from None


def _lines_of(head: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    buffer = b""
    for chunk in _prepend(head, chunks):
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        yield from lines
        if len(buffer) > MAX_RECORDING_LINE:
            raise UserError("a recording line is longer than 64 MiB: this is no spwf-tui recording")
    if buffer:
        yield buffer


def _prepend(first: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from chunks


def _chunks(source: BinaryIO, out: TextIO, pending: list[str]) -> Iterator[bytes]:
    """The input piece by piece; before reading the next piece, what was decoded is printed."""
    read: Callable[[int], bytes] = getattr(source, "read1", source.read)  # read1: a live pipe's lines show as they come
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
