"""The incremental RX decoder: module bytes, in any chunking, to ``Event``s.

Module output is CR LF terminated lines, except for raw payloads that no line framing covers:

* after ``AT-S.Reading:<a>:<b>`` come exactly ``<a>`` raw bytes (SOCKR, SOCKDR, WSOCKR);
* after ``AT-S.Http Server Status Code:<n>`` the HTTP body runs until the final ``AT-S.OK``;
* ``AT+S.FSP`` prints the file's bytes, then ``AT-S.OK``; nothing in the output announces them,
  so the session tells the decoder with ``expect_body()`` when it sends FSP.

Chunking never changes the events: every decision depends on the bytes only (a lone CR at the
end of the input waits for the next byte; payloads are cut into pieces at fixed offsets). The
decoder never raises on device input and its buffers are bounded (``MAX_LINE``, ``DATA_PIECE``).
"""

from __future__ import annotations

import re

from spwf_tui.core.classify import LineClass, classify, strip_host_prefix
from spwf_tui.core.commandline import data_phase_length
from spwf_tui.core.events import DATA, ECHO, OTHER, Event

MAX_LINE = 64 * 1024
"""A line longer than this is cut and delivered in pieces (noise, a missing LF)."""
DATA_PIECE = 4096
"""Raw payloads are delivered in pieces of at most this many bytes."""

_BODY_END_MARKERS = (b"AT-S.OK\r\n", b"AT-S.ERROR:")
_MARKER_SPAN = max(len(m) for m in _BODY_END_MARKERS) - 1
_READING = re.compile(r"(\d+)")
_HTTP_STATUS_LABEL = "Http Server Status Code"

_LINES, _COUNTED, _BODY, _BODY_AFTER_ECHO = range(4)


def bytes_to_text(data: bytes) -> str:
    """Show bytes as text: UTF-8 where valid, ``\\xNN`` escapes elsewhere; never raises."""
    return data.decode("utf-8", errors="backslashreplace")


class RxDecoder:
    """Turns module output into events, one ``feed`` at a time.

    Args:
        lenient: read host logs rather than module bytes: strip timestamps and tags, restore
            an eaten ``AT``, and mark the unrecognised lines that follow a data-phase command
            as payload (the PEM text a host logged after ``TLSCERT=ca,<len>``).
    """

    def __init__(self, *, lenient: bool = False) -> None:
        self.lenient = lenient
        self._buffer = bytearray()
        self._mode = _LINES
        self._remaining = 0
        """Bytes still expected in ``_COUNTED`` mode."""
        self._counted_done = 0
        """Bytes of the current counted payload already delivered (fixes the piece offsets)."""
        self._in_logged_payload = False

    # -- hints from the TX side -------------------------------------------------------------

    def expect_body(self, *, after_echo: bool) -> None:
        """The next output is a raw body ended by the final line (FSP).

        Args:
            after_echo: the module echoes commands, so the body starts after the next echo line.
        """
        self._mode = _BODY_AFTER_ECHO if after_echo else _BODY

    def abandon_payload(self) -> list[Event]:
        """Give up waiting for announced payload bytes (the command timed out).

        Returns what was buffered as events and goes back to line mode.
        """
        events: list[Event] = []
        if self._mode in (_COUNTED, _BODY) and self._buffer:
            self._emit_data(bytes(self._buffer), events)
            self._buffer.clear()
        self._mode = _LINES
        self._remaining = 0
        return events

    # -- input ------------------------------------------------------------------------------

    def feed(self, data: bytes) -> list[Event]:
        """Decode ``data`` (any size, any split) and return the events completed by it."""
        self._buffer += data
        events: list[Event] = []
        progress = True
        while progress and self._buffer:
            if self._mode == _COUNTED:
                progress = self._take_counted(events)
            elif self._mode == _BODY:
                progress = self._take_body(events)
            else:
                progress = self._take_line(events)
        return events

    def flush(self) -> list[Event]:
        """End of input: deliver whatever is buffered (a last line without terminator)."""
        events: list[Event] = []
        if not self._buffer:
            return events
        if self._mode in (_COUNTED, _BODY):
            self._emit_data(bytes(self._buffer), events)
        else:
            self._emit_line(bytes(self._buffer), bytes(self._buffer), events)
        self._buffer.clear()
        return events

    # -- framing ----------------------------------------------------------------------------

    def _take_line(self, events: list[Event]) -> bool:
        buf = self._buffer
        end = _line_end(buf)
        if end is None:
            if len(buf) < MAX_LINE:
                return False
            # No terminator within MAX_LINE: deliver a fixed-size piece so memory stays bounded.
            end = (MAX_LINE, MAX_LINE)
        content_end, next_start = end
        raw = bytes(buf[:next_start])
        content = raw[:content_end]
        del buf[:next_start]
        self._emit_line(raw, content, events)
        return True

    def _take_counted(self, events: list[Event]) -> bool:
        take = min(self._remaining, len(self._buffer), self._piece_room())
        if take < min(self._remaining, self._piece_room()):
            return False  # wait for a whole piece (chunking must not change the events)
        piece = bytes(self._buffer[:take])
        del self._buffer[:take]
        self._remaining -= take
        self._emit_data(piece, events)
        if self._remaining == 0:
            self._mode = _LINES
        return True

    def _piece_room(self) -> int:
        return DATA_PIECE - (self._counted_done % DATA_PIECE)

    def _take_body(self, events: list[Event]) -> bool:
        buf = self._buffer
        found = [i for i in (buf.find(m) for m in _BODY_END_MARKERS) if i >= 0]
        if found:
            end = min(found)
            body = bytes(buf[:end])
            del buf[:end]
            for start in range(0, len(body), DATA_PIECE):
                self._emit_data(body[start:start + DATA_PIECE], events)
            self._mode = _LINES
            return True
        if len(buf) >= DATA_PIECE + _MARKER_SPAN:
            piece = bytes(buf[:DATA_PIECE])
            del buf[:DATA_PIECE]
            self._emit_data(piece, events)
            return True
        return False

    # -- events -----------------------------------------------------------------------------

    def _emit_data(self, piece: bytes, events: list[Event]) -> None:
        if self._mode == _COUNTED:
            self._counted_done += len(piece)
        events.append(Event(DATA, piece, bytes_to_text(piece)))

    def _emit_line(self, raw: bytes, content: bytes, events: list[Event]) -> None:
        if not content.strip():
            return  # blank lines carry nothing; the recording keeps their bytes
        text = bytes_to_text(content)
        if self.lenient:
            text = strip_host_prefix(text)
        cls = classify(text)
        if self.lenient:
            cls = self._lenient_payload(cls, text)
        event = Event(cls.kind, raw, text, cls.code, cls.label, cls.fields)
        events.append(event)
        self._after_line(event)

    def _lenient_payload(self, cls: LineClass, text: str) -> LineClass:
        """In a host log, unrecognised lines right after a data-phase command are its payload."""
        if cls.kind == ECHO:
            self._in_logged_payload = _announces_payload(text)
        elif cls.kind == OTHER and self._in_logged_payload:
            return LineClass(DATA)
        else:
            self._in_logged_payload = False
        return cls

    def _after_line(self, event: Event) -> None:
        if self._mode == _BODY_AFTER_ECHO and event.kind == ECHO:
            self._mode = _BODY
        elif event.label == "Reading" and event.fields:
            match = _READING.fullmatch(event.fields[0].strip())
            if match and int(match.group(1)) > 0:
                self._mode = _COUNTED
                self._remaining = int(match.group(1))
                self._counted_done = 0
        elif event.label == _HTTP_STATUS_LABEL:
            self._mode = _BODY


def _line_end(buf: bytearray) -> tuple[int, int] | None:
    """Where the first line in ``buf`` ends: (end of content, start of the next line).

    LF, CR LF and a lone CR all end a line; a CR that is the last byte waits for the next one.
    """
    lf = buf.find(b"\n", 0, MAX_LINE + 1)
    cr = buf.find(b"\r", 0, MAX_LINE + 1)
    if cr >= 0 and (lf < 0 or cr < lf):
        if cr + 1 >= len(buf):
            return None
        if buf[cr + 1] == 0x0A:
            return cr, cr + 2
        return cr, cr + 1
    if lf >= 0:
        return lf, lf + 1
    return None


def _announces_payload(echo_text: str) -> bool:
    return data_phase_length(echo_text) is not None
