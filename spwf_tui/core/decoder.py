"""The incremental RX decoder: module bytes, in any chunking, to ``Event``s.

Module output is CR LF terminated lines, except for raw payloads that no line framing covers:

* after ``AT-S.Reading:<a>:<b>`` come exactly ``<a>`` raw bytes (SOCKR, SOCKDR, WSOCKR);
* after ``AT-S.Http Server Status Code:<n>`` the HTTP body runs until the final ``AT-S.OK``;
* ``AT+S.FSP`` prints the file's bytes, then ``AT-S.OK``; nothing in the output announces them,
  so the session tells the decoder with ``expect_body()`` when it sends FSP.

Chunking never changes the events: every decision depends on the bytes only (a lone CR at the
end of the input waits for the next byte; a line with no terminator is cut only once the byte
after ``MAX_LINE`` is known not to end it; payloads are cut into pieces at fixed offsets). The
decoder never raises on device input and its buffers are bounded (``MAX_LINE``, ``DATA_PIECE``).

This is the RX hot path (docs/architecture.md §2): ``feed`` works on the whole chunk with ``bytes.find``
and slices rather than byte by byte, keeps only the unfinished tail between calls, and leaves
the text of raw payload pieces to be computed when someone shows them (``Event.text``).
"""

from __future__ import annotations

from spwf_tui.core.classify import classify_parts, strip_host_prefix
from spwf_tui.core.commandline import data_phase_length
from spwf_tui.core.digits import ascii_int
from spwf_tui.core.events import DATA, ECHO, OTHER, Event, bytes_to_text

__all__ = ["DATA_PIECE", "MAX_LINE", "RxDecoder", "bytes_to_text"]

MAX_LINE = 64 * 1024
"""A line longer than this is cut and delivered in pieces (noise, a missing LF)."""
DATA_PIECE = 4096
"""Raw payloads are delivered in pieces of at most this many bytes."""

_BODY_END_MARKERS = (b"AT-S.OK\r\n", b"AT-S.ERROR:")
_MARKER_SPAN = max(len(m) for m in _BODY_END_MARKERS) - 1
_HTTP_STATUS_LABEL = "Http Server Status Code"
_MODE_LABELS = frozenset({"Reading", _HTTP_STATUS_LABEL})
"""Labels of the lines after which raw bytes follow."""
_BLANK = Event(OTHER, b"")
"""Stands for a line of whitespace only in the known-lines table (no event is made for it)."""
KNOWN_LINES = 1024
"""Distinct lines whose event is kept for reuse: module output repeats (``AT-S.OK``, WIND 55
for the same socket and size, ``Reading`` lines, configuration dumps) and an ``Event`` is an
immutable value, so the same line gives the same object. When the table is full it becomes the
previous one (looked up second; a line found there comes back), and a new one starts: the lines
that keep coming back stay, one-off lines (scan results, noise) age out."""

_LINES, _COUNTED, _BODY, _BODY_AFTER_ECHO = range(4)


class RxDecoder:
    """Turns module output into events, one ``feed`` at a time.

    Args:
        lenient: read host logs rather than module bytes: strip timestamps and tags, restore
            an eaten ``AT``, and mark the unrecognised lines that follow a data-phase command
            as payload (the PEM text a host logged after ``TLSCERT=ca,<len>``).
    """

    def __init__(self, *, lenient: bool = False) -> None:
        self.lenient = lenient
        self._rest = b""
        """Input not decoded yet: an unfinished line, or less than a whole payload piece."""
        self._mode = _LINES
        self._remaining = 0
        """Bytes still expected in ``_COUNTED`` mode."""
        self._counted_done = 0
        """Bytes of the current counted payload already delivered (fixes the piece offsets)."""
        self._in_logged_payload = False
        self._known: dict[bytes, Event] = {}
        """Line bytes (terminator included) -> their event (``_BLANK`` for a blank line)."""
        self._known_before: dict[bytes, Event] = {}
        """The previous ``_known`` table (see ``KNOWN_LINES``)."""

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
        if self._mode in (_COUNTED, _BODY) and self._rest:
            events.append(Event(DATA, self._rest))
            self._rest = b""
        self._mode = _LINES
        self._remaining = 0
        return events

    # -- input ------------------------------------------------------------------------------

    def feed(self, data: bytes) -> list[Event]:
        """Decode ``data`` (any size, any split) and return the events completed by it."""
        buf = self._rest + data if self._rest else bytes(data)
        events: list[Event] = []
        pos = 0
        end = len(buf)
        while pos < end:
            mode = self._mode
            if mode == _COUNTED:
                taken = self._take_counted(buf, pos, events)
            elif mode == _BODY:
                taken = self._take_body(buf, pos, events)
            else:
                taken = self._take_lines(buf, pos, events)
            if taken == pos and self._mode == mode:
                break  # the rest needs more input
            pos = taken
        self._rest = buf[pos:] if pos < end else b""
        return events

    def flush(self) -> list[Event]:
        """End of input: deliver whatever is buffered (a last line without terminator)."""
        events: list[Event] = []
        rest, self._rest = self._rest, b""
        if not rest:
            return events
        if self._mode in (_COUNTED, _BODY):
            events.append(Event(DATA, rest))
        else:
            self._line(rest, rest, events)
        return events

    def unfinished_line(self) -> bytes:
        """The bytes of a line still arriving (no terminator yet: a prompt such as ``>>> ``),
        or ``b""``. A read-only look for the front ends (docs/protocol.md §2.9): the line stays
        buffered and comes out of ``feed`` as usual once its end arrives. Raw payload bytes are
        no line and give ``b""``."""
        if self._mode == _COUNTED or self._mode == _BODY:
            return b""
        return self._rest

    # -- framing ----------------------------------------------------------------------------

    def _take_lines(self, buf: bytes, pos: int, events: list[Event]) -> int:
        """Lines from ``pos`` on, until the input ends or a line switches the mode; returns
        where decoding stopped."""
        end = len(buf)
        find = buf.find
        append = events.append
        known = self._known
        while pos < end:
            limit = pos + MAX_LINE + 1
            lf = find(b"\n", pos, limit)
            cr = find(b"\r", pos, lf if lf >= 0 else limit)
            if cr >= 0:
                # The CR ends the line (alone or as CR LF); as the last byte it must wait.
                stop = cr + 1
                if stop >= end:
                    return pos
                if buf[stop] == 0x0A:
                    stop += 1
                content_end = cr
            elif lf >= 0:
                content_end = lf
                stop = lf + 1
            elif end - pos > MAX_LINE:
                # No terminator within MAX_LINE: deliver a fixed-size piece so memory stays bounded.
                content_end = stop = pos + MAX_LINE
            else:
                return pos
            raw = buf[pos:stop]
            event = known.get(raw)
            if event is None:
                event = self._known_before.get(raw) or self._line_event(raw, buf[pos:content_end])
                if len(known) >= KNOWN_LINES:
                    self._known_before, known = known, {}
                    self._known = known
                known[raw] = event
            pos = stop
            if event is _BLANK:
                continue  # blank lines carry nothing; the recording keeps their bytes
            if self.lenient:
                event = self._lenient_payload(event)
            append(event)
            if event.label in _MODE_LABELS or (event.kind == ECHO and self._mode == _BODY_AFTER_ECHO):
                self._after_line(event)
                if self._mode != _LINES and self._mode != _BODY_AFTER_ECHO:
                    return pos
        return pos

    def _take_counted(self, buf: bytes, pos: int, events: list[Event]) -> int:
        want = min(self._remaining, DATA_PIECE - (self._counted_done % DATA_PIECE))
        if len(buf) - pos < want:
            return pos  # wait for a whole piece (chunking must not change the events)
        stop = pos + want
        events.append(Event(DATA, buf[pos:stop]))
        self._counted_done += want
        self._remaining -= want
        if self._remaining == 0:
            self._mode = _LINES
        return stop

    def _take_body(self, buf: bytes, pos: int, events: list[Event]) -> int:
        found = [i for i in (buf.find(m, pos) for m in _BODY_END_MARKERS) if i >= 0]
        if found:
            stop = min(found)
            self._mode = _LINES
        else:
            # No end marker yet: only whole pieces that no marker can still overlap go out.
            pieces = (len(buf) - pos - _MARKER_SPAN) // DATA_PIECE
            if pieces <= 0:
                return pos
            stop = pos + pieces * DATA_PIECE
        for start in range(pos, stop, DATA_PIECE):
            events.append(Event(DATA, buf[start:min(start + DATA_PIECE, stop)]))
        return stop

    # -- events -----------------------------------------------------------------------------

    def _line(self, raw: bytes, content: bytes, events: list[Event]) -> None:
        """One line outside ``_take_lines`` (the end of the input)."""
        event = self._line_event(raw, content)
        if event is _BLANK:
            return
        if self.lenient:
            event = self._lenient_payload(event)
        events.append(event)
        self._after_line(event)

    def _line_event(self, raw: bytes, content: bytes) -> Event:
        """The event of one line (before the host-log payload rule), or ``_BLANK``."""
        if not content or content.isspace():
            return _BLANK
        text = content.decode("utf-8", "backslashreplace")
        if self.lenient:
            text = strip_host_prefix(text)
        kind, code, label, fields = classify_parts(text)
        return Event(kind, raw, text, code, label, fields)

    def _after_line(self, event: Event) -> None:
        """The mode a line leads to: a raw body after FSP's echo, a counted payload, an HTTP body."""
        if self._mode == _BODY_AFTER_ECHO and event.kind == ECHO:
            self._mode = _BODY
        elif event.label == "Reading" and event.fields:
            # ASCII and at most 32 bits (``core.digits``): anything else is no announcement.
            length = ascii_int(event.fields[0].strip())
            if length:
                self._mode = _COUNTED
                self._remaining = length
                self._counted_done = 0
        elif event.label == _HTTP_STATUS_LABEL:
            self._mode = _BODY

    def _lenient_payload(self, event: Event) -> Event:
        """In a host log, unrecognised lines right after a data-phase command are its payload."""
        if event.kind == ECHO:
            self._in_logged_payload = data_phase_length(event.text) is not None
        elif event.kind == OTHER and self._in_logged_payload:
            return Event(DATA, event.raw, event.text)
        else:
            self._in_logged_payload = False
        return event
