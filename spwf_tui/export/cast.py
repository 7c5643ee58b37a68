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

from spwf_tui.session.recording import NOTE, RX, TX, Recording

WIDTH = 120
HEIGHT = 40
_TX_COLOUR = "\x1b[36m"
_NOTE_COLOUR = "\x1b[33m"
_ESCAPE_COLOUR = "\x1b[2m"
_RESET = "\x1b[0m"


def format_cast(recording: Recording) -> str:
    """The whole cast file."""
    header = {
        "version": 2,
        "width": WIDTH,
        "height": HEIGHT,
        "timestamp": int(recording.started_epoch),
        "title": f"spwf-tui: {recording.settings.port} {recording.settings.describe()}",
        "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"},
    }
    screen = _Screen()
    lines = [json.dumps(header)]
    for event in recording.events:
        if event.dir == RX:
            text = screen.stream(RX, event.data, "")
        elif event.dir == TX:
            text = screen.stream(TX, event.data, _TX_COLOUR)
        elif event.dir == NOTE:
            text = screen.note(event.text)
        else:
            continue
        if text:
            lines.append(json.dumps([round(event.t, 6), "o", text]))
    return "\n".join(lines) + "\n"


class _Screen:
    """Turns each direction's bytes into terminal output, tracking where lines start."""

    def __init__(self) -> None:
        self._decoders = {d: codecs.getincrementaldecoder("utf-8")(errors="backslashreplace") for d in (RX, TX)}
        self._after_cr = {RX: False, TX: False}
        self._at_line_start = True

    def stream(self, direction: str, data: bytes, colour: str) -> str:
        text = self._decoders[direction].decode(data)
        out = [colour] if colour else []
        for ch in text:
            if ch == "\n":
                if not (self._after_cr[direction] and direction == TX):
                    out.append("\n" if self._after_cr[direction] else "\r\n")
                self._at_line_start = True
            elif ch == "\r":
                # The module ends a host line at CR; its own lines end with CR LF.
                out.append("\r\n" if direction == TX else "\r")
                self._at_line_start = True
            else:
                if self._at_line_start and direction == TX:
                    out.append("> ")
                out.append(_shown(ch, colour))
                self._at_line_start = False
            self._after_cr[direction] = ch == "\r"
        if colour:
            out.append(_RESET)
        return "".join(out) if len(out) > (2 if colour else 0) else ""

    def note(self, text: str) -> str:
        prefix = "" if self._at_line_start else "\r\n"
        self._at_line_start = True
        return f"{prefix}{_NOTE_COLOUR}# {''.join(_shown(ch, _NOTE_COLOUR) for ch in text)}{_RESET}\r\n"


def _shown(ch: str, colour: str) -> str:
    code = ord(ch)
    if ch == "\t" or (0x20 <= code < 0x7F) or code > 0x9F:
        return ch
    return f"{_ESCAPE_COLOUR}\\x{code:02x}{_RESET}{colour}"
