"""The ``cast`` export: an asciicast v2 file (``asciinema play``/``cat`` replay it).

Format: a header object on the first line (``version`` 2, ``width``, ``height``, ``timestamp``,
``title``), then one ``[seconds, "o", text]`` array per recording event. What the module sent is
shown as it came, UTF-8 decoded incrementally (a character split between two reads survives);
what the host sent is shown after a ``> `` mark at each line start, notes after ``# ``, in the
looks every front end gives them (``core/present/styles.py``: sent cyan and bold, notes blue and
italic). Bytes that are not valid UTF-8 and control characters other than CR, LF and TAB appear as
``\\xNN`` escapes, so nothing in a recording can drive the viewer's terminal.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable, Iterator

from spwf_tui.core.present import styles
from spwf_tui.session.recording.format import NOTE, RX, TX
from spwf_tui.session.recording.reader import RecordedEvent, Recording, RecordingStream

WIDTH = 120
HEIGHT = 40
_TX_COLOUR = styles.sgr(styles.TX)
_NOTE_COLOUR = styles.sgr(styles.NOTE)
_ESCAPE_COLOUR = "\x1b[2m"
_RESET = styles.SGR_RESET


def format_cast(recording: Recording | RecordingStream) -> str:
    """The whole cast file."""
    return "".join(iter_cast(recording, recording.events))


def iter_cast(recording: Recording | RecordingStream, events: Iterable[RecordedEvent]) -> Iterator[str]:
    """The cast file in pieces: the header line, then about 64 KiB of event lines at a time."""
    header = {
        "version": 2,
        "width": WIDTH,
        "height": HEIGHT,
        "timestamp": int(recording.started_epoch),
        "title": f"spwf-tui: {recording.settings.port} {recording.settings.describe()}",
        "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"},
    }
    yield json.dumps(header) + "\n"
    screen = _Screen()
    piece: list[str] = []
    size = 0
    for event in events:
        if event.dir == RX:
            text = screen.stream(RX, event.data, "")
        elif event.dir == TX:
            text = screen.stream(TX, event.data, _TX_COLOUR)
        elif event.dir == NOTE:
            text = screen.note(event.text)
        else:
            continue
        if text:
            # what json.dumps([t, "o", text]) writes, without its encoder's walk of the list
            line = f'[{round(event.t, 6)!r}, "o", {_json_string(text)}]'
            piece.append(line)
            size += len(line)
            if size >= _PIECE:
                piece.append("")
                yield "\n".join(piece)
                piece, size = [], 0
    if piece:
        piece.append("")
        yield "\n".join(piece)


class _Screen:
    """Turns each direction's bytes into terminal output, tracking where lines start.

    The module ends its lines with CR LF and the host ends a command line at CR: module output
    keeps CR and turns a lone LF into CR LF; host output turns CR, LF and CR LF each into one
    CR LF and marks each line it starts with ``> ``. A whole event is done with a few ``str``
    and ``re`` calls (not a Python step per character: a 100 MB recording is 70 million of them).
    """

    def __init__(self) -> None:
        # surrogateescape: undecodable bytes become U+DC80..U+DCFF at C speed; shown as \\xNN
        self._decoders = {d: codecs.getincrementaldecoder("utf-8")(errors="surrogateescape") for d in (RX, TX)}
        self._after_cr = {RX: False, TX: False}
        self._at_line_start = True

    def stream(self, direction: str, data: bytes, colour: str) -> str:
        text = self._decoders[direction].decode(data)
        if not text:
            return ""
        body = self._tx(text, colour) if direction == TX else self._rx(text, colour)
        self._after_cr[direction] = text.endswith("\r")
        if not body:
            return ""
        return f"{colour}{body}{_RESET}" if colour else body

    def _rx(self, text: str, colour: str) -> str:
        lead = ""
        if text.startswith("\n") and self._after_cr[RX]:
            lead, text = "\n", text[1:]  # the LF of a CR LF cut between two reads
        # a lone LF becomes CR LF, a CR LF stays (str.replace: a lookbehind regex is slow);
        # before the escapes, which neither make nor take a CR or LF: on a third of the text
        body = lead + _escape_controls(text.replace("\r\n", "\n").replace("\n", "\r\n"), colour)
        self._at_line_start = text.endswith(("\r", "\n")) if text else True
        return body

    def _tx(self, text: str, colour: str) -> str:
        if text.startswith("\n") and self._after_cr[TX]:
            text = text[1:]  # CR LF: the CR already ended the line
            self._at_line_start = True
            if not text:
                return ""
        lines = _LINE_BREAK.split(text)
        out = []
        for index, line in enumerate(lines):
            if line:
                if self._at_line_start:
                    out.append("> ")
                out.append(_escape_controls(line, colour))
                self._at_line_start = False
            if index < len(lines) - 1:
                out.append("\r\n")
                self._at_line_start = True
        return "".join(out)

    def note(self, text: str) -> str:
        prefix = "" if self._at_line_start else "\r\n"
        self._at_line_start = True
        return f"{prefix}{_NOTE_COLOUR}# {_ESCAPED_IN_NOTES.sub(_escaper(_NOTE_COLOUR), text)}{_RESET}\r\n"


_PIECE = 64 * 1024
_json_string = json.encoder.encode_basestring_ascii
"""``json.dumps``'s own string encoder (C, ASCII only: the cast holds no raw control or
non-ASCII character)."""
_ESCAPED_IN_NOTES = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
"""In a note, which is one line, LF and CR too."""
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _escaper(colour: str) -> Callable[[re.Match[str]], str]:
    return lambda match: f"{_ESCAPE_COLOUR}\\x{ord(match.group()):02x}{_RESET}{colour}"


_C0 = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NOT_C0 = bytes(b for b in range(256) if b not in _C0)
_C1_BYTES = re.compile(b"\xc2[\x80-\x9f]")
"""C1 controls as UTF-8."""
_REPLACEMENTS: dict[str, tuple[dict[int, bytes], dict[bytes, bytes]]] = {}


def _replacements(colour: str) -> tuple[dict[int, bytes], dict[bytes, bytes]]:
    if colour not in _REPLACEMENTS:
        def shown(code: int) -> bytes:
            return f"{_ESCAPE_COLOUR}\\x{code:02x}{_RESET}{colour}".encode("utf-8")

        _REPLACEMENTS[colour] = ({b: shown(b) for b in _C0},
                                 {chr(code).encode("utf-8"): shown(code) for code in range(0x80, 0xA0)})
    return _REPLACEMENTS[colour]


def _escape_controls(text: str, colour: str) -> str:
    """``text`` (decoded with ``surrogateescape``) with each byte that was not UTF-8 shown as
    ``\\xNN`` and each control but TAB, LF and CR as a dimmed ``\\xNN``.

    Done on the UTF-8 bytes with C-speed calls: ``backslashreplace`` writes an undecodable
    byte's surrogate as ``\\udcNN``, which becomes ``\\xNN``; each control byte present is
    replaced in one ``bytes.replace`` (ESC first: the others' replacements contain ESC). A text
    that itself contains ``\\udc`` takes the per-match path, so that it is not changed.
    """
    if "\\udc" in text:
        return _ESCAPED_OR_UNDECODABLE.sub(_slow_escaper(colour), text)
    data = text.encode("utf-8", "backslashreplace")
    if b"\\udc" in data:
        data = data.replace(b"\\udc", b"\\x")
    c0, c1 = _replacements(colour)
    present = set(data.translate(None, _NOT_C0))
    if present:
        if 0x1B in present:
            data = data.replace(b"\x1b", c0[0x1B])
            present.discard(0x1B)
        for byte in present:
            data = data.replace(bytes((byte,)), c0[byte])
    if b"\xc2" in data:
        for sequence in set(_C1_BYTES.findall(data)):  # one scan for which of the 32 are there
            data = data.replace(sequence, c1[sequence])
    return data.decode("utf-8")


_ESCAPED_OR_UNDECODABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\udc80-\udcff]")


def _slow_escaper(colour: str) -> Callable[[re.Match[str]], str]:
    controls = _escaper(colour)
    return lambda match: (f"\\x{ord(match.group()) - 0xDC00:02x}" if match.group() >= "\udc80"
                          else controls(match))
