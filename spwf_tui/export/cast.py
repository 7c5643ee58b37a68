"""The ``cast`` export: an asciicast v2 file (``asciinema play``/``cat`` replay it).

Format: a header object on the first line (``version`` 2, ``width``, ``height``, ``timestamp``,
``title``), then one ``[seconds, "o", text]`` array per recording event. What the module sent is
shown as it came, UTF-8 decoded incrementally (a character split between two reads survives);
what the host sent is shown in cyan after a ``> `` mark at each line start, notes in yellow after
``# ``. Bytes that are not valid UTF-8 and control characters other than CR, LF and TAB appear as
``\\xNN`` escapes, so nothing in a recording can drive the viewer's terminal.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator

from spwf_tui.session.recording import NOTE, RX, TX, RecordedEvent, Recording, RecordingStream

WIDTH = 120
HEIGHT = 40
_TX_COLOUR = "\x1b[36m"
_NOTE_COLOUR = "\x1b[33m"
_ESCAPE_COLOUR = "\x1b[2m"
_RESET = "\x1b[0m"


def format_cast(recording: Recording) -> str:
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
            line = json.dumps([round(event.t, 6), "o", text])
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
        self._decoders = {d: codecs.getincrementaldecoder("utf-8")(errors="backslashreplace") for d in (RX, TX)}
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
        body = lead + _LONE_LF.sub("\r\n", _escape_controls(text, colour))
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
_ESCAPED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""What is shown as ``\\xNN`` in module and host output: controls but TAB, LF and CR (which the
line handling places), DEL and C1."""
_ESCAPED_IN_NOTES = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
"""In a note, which is one line, LF and CR too."""
_LONE_LF = re.compile(r"(?<!\r)\n")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _escaper(colour: str):
    return lambda match: f"{_ESCAPE_COLOUR}\\x{ord(match.group()):02x}{_RESET}{colour}"


_ESCAPERS: dict[str, object] = {}


def _escape_controls(text: str, colour: str) -> str:
    if not _ESCAPED.search(text):
        return text
    escaper = _ESCAPERS.get(colour) or _ESCAPERS.setdefault(colour, _escaper(colour))
    return _ESCAPED.sub(escaper, text)
