"""The incremental RX decoder: module bytes, in any chunking, to ``Event``s.

Module output is CR LF terminated lines, except for raw payloads that no line framing covers:

* after ``AT-S.Reading:<a>:<b>`` come exactly ``<a>`` raw bytes (SOCKR, SOCKDR, WSOCKR);
* after ``AT-S.Http Server Status Code:<n>`` the HTTP body runs until the module's next status
  line (``AT-S.OK`` with any line end, ``AT-S.ERROR``, ``AT-S.Http Server Error``);
* ``AT+S.FSP`` prints the file's bytes, then ``AT-S.OK``; nothing in the output announces them,
  so the session tells the decoder with ``expect_body()`` when it sends FSP.

Chunking never changes the events: every decision depends on the bytes only (a lone CR at the
end of the input waits for the next byte; a line with no terminator is cut only once the byte
after ``MAX_LINE`` is known not to end it; payloads are cut at the last line end of each
``DATA_PIECE`` window, which is known once the window's bytes are). The decoder never raises on
device input and its buffers are bounded (``MAX_LINE``).

Payload pieces end at line ends (docs/protocol.md §2.6): a body line of any length up to
``MAX_LINE`` is one piece, so no front end shows it as two lines; a longer one is cut at the
bound and its piece marked ``continued``.

This is the RX hot path (docs/architecture.md §2): ``feed`` works on the whole chunk with ``bytes.find``
and slices rather than byte by byte, frames the runs of lines between payload headers in bulk
(docs/protocol.md §2.6: one ``splitlines``, one table lookup for the lot), keeps only the
unfinished tail between calls, and leaves the text of raw payload pieces to be computed when
someone shows them (``Event.text``).
"""

from __future__ import annotations

import re
from itertools import compress, repeat
from operator import is_

from spwf_tui.core.classify import ECHO_PARTS, classify_module_line, classify_parts, classify_wind, strip_host_prefix
from spwf_tui.core.commandline import data_phase_length
from spwf_tui.core.digits import ascii_int
from spwf_tui.core.events import DATA, ECHO, OTHER, WIND, Event, bytes_to_text

__all__ = ["DATA_PIECE", "MAX_LINE", "RxDecoder", "bytes_to_text"]

MAX_LINE = 64 * 1024
"""A line longer than this is cut and delivered in pieces (noise, a missing LF, a minified body)."""
DATA_PIECE = 4096
"""Raw payloads are delivered in pieces of whole lines, each at most this long unless one line is
longer (then that line, up to ``MAX_LINE``)."""

_BODY_END = re.compile(rb"AT-S\.(?:OK[\r\n]|ERROR|Http Server Error:)")
"""Where an HTTP or FSP body ends: the module's status lines, with any line end (forum pastes
are LF only)."""
_BODY_END_SPAN = len(b"AT-S.Http Server Error:") - 1
"""Bytes at the end of the input that may still be the start of a body end."""
_RESYNC = re.compile(rb"AT-S\.|\+WIND:[0-9]{1,3}(?=:|\Z)")
"""Where a module line starts inside a line of noise (one garbage byte before ``+WIND:``): the
prefix of a line that ``classify`` takes for a module line (an ``AT-S.`` line, a WIND number)."""
_READING_HINT = b"Reading"
_HTTP_HINT = b"Http Server Status Code"
"""Somewhere in every line that can switch to a payload mode (``AT-S.Reading:``, ``AT-S.Http
Server Status Code:``, with noise or a host log's prefix before them): the lines up to the next
such hint are framed in bulk (``_take_run``). Found with ``bytes.find``, each kept until passed:
a regular expression of the two (``Reading|Http...``) scanned ~40 ns a byte, ten times a find."""
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
MAX_WARNINGS = 100
"""Warnings kept for ``decode`` (lenient mode); later ones are counted only."""

_LINES, _COUNTED, _BODY, _BODY_AFTER_ECHO = range(4)


class RxDecoder:
    """Turns module output into events, one ``feed`` at a time.

    Args:
        lenient: read host logs rather than module bytes: strip timestamps and tags, restore
            an eaten ``AT``, mark the unrecognised lines that follow a data-phase command
            as payload (the PEM text a host logged after ``TLSCERT=ca,<len>``), and collect
            ``warnings`` (a ``Reading`` count the capture contradicts).
        piece, max_line: the bounds (``DATA_PIECE``, ``MAX_LINE``); tests make them small.
    """

    def __init__(self, *, lenient: bool = False, piece: int = DATA_PIECE, max_line: int = MAX_LINE) -> None:
        self.lenient = lenient
        self._piece = piece
        self._max_line = max(max_line, piece)
        self._rest = b""
        """Input not decoded yet: an unfinished line, or payload bytes not cut into a piece yet."""
        self._base = 0
        """Offset in the whole input of ``_rest``'s first byte (for warnings)."""
        self._mode = _LINES
        self._remaining = 0
        """Bytes still expected in ``_COUNTED`` mode."""
        self._check_count: tuple[int, int] | None = None
        """After a counted payload (lenient mode): (its announced length, where it ended); the
        next line must be the final ``AT-S.OK`` or the count disagrees with the capture."""
        self._in_logged_payload = False
        self._echo_phases: dict[int, tuple[Event, bool]] = {}
        """Echo events (by object) and whether each starts a data phase (lenient mode)."""
        self._known: dict[bytes, Event] = {}
        """Line bytes (terminator included) -> their event (``_BLANK`` for a blank line)."""
        self._known_before: dict[bytes, Event] = {}
        """The previous ``_known`` table (see ``KNOWN_LINES``)."""
        self.warnings: list[str] = []
        """What a capture contradicts (lenient mode only; at most ``MAX_WARNINGS``)."""
        self.warnings_dropped = 0
        self.bulk = True
        """Frame runs of lines in bulk (``_take_run``); False: line by line, the slower way the
        tests compare the bulk path with."""

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
            self._base += len(self._rest)
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
        self._base += pos
        return events

    def flush(self) -> list[Event]:
        """End of input: deliver whatever is buffered (a last line without terminator)."""
        events: list[Event] = []
        rest, self._rest = self._rest, b""
        if not rest:
            return events
        if self._mode == _BODY:
            # The input may end right after the body's final line: it has no line end to find.
            found = _BODY_END.search(rest) or re.search(rb"AT-S\.OK\Z", rest)
            stop = found.start() if found else len(rest)
            if stop:
                events.append(Event(DATA, rest[:stop]))
            rest = rest[stop:]
            self._mode = _LINES
        elif self._mode == _COUNTED:
            events.append(Event(DATA, rest))
            rest = b""
        if rest:
            # Only a lone CR can end the input's last line here (it waited for the next byte).
            self._line(rest, rest[:-1] if rest.endswith(b"\r") else rest, events)
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
        where decoding stopped.

        The lines up to and including the next one that may switch the mode (``_READING_HINT``,
        ``_HTTP_HINT``) are framed in bulk (``_take_run``): nearly all module output. When that last line does
        switch, a counted payload that is all in ``buf`` and fits one piece (most socket reads)
        is cut here and framing goes on after it (docs/protocol.md §2.6). Lines of more than
        ``max_line`` and everything while FSP's echo is awaited go through ``_take_each``.
        """
        end = len(buf)
        find = buf.find
        reading = http = -2  # where the next hint of each kind is (-1: none in the rest of buf)
        while pos < end:
            if self._mode == _BODY_AFTER_ECHO or not self.bulk:
                return self._take_each(buf, pos, events)
            if reading < pos and reading != -1:
                reading = find(_READING_HINT, pos)
            if http < pos and http != -1:
                http = find(_HTTP_HINT, pos)
            if reading < 0 and http < 0:
                at = -1
            elif http < 0 or 0 <= reading < http:
                at = reading + len(_READING_HINT)
            else:
                at = http + len(_HTTP_HINT)
            if at < 0:
                stop = end
            else:
                # The run ends with the hinted line: at its first CR or LF (CR LF as one).
                lf = find(b"\n", at)
                cr = find(b"\r", at, lf if lf >= 0 else end)
                if cr >= 0:
                    stop = cr + 2 if cr + 1 < end and buf[cr + 1] == 0x0A else cr + 1
                else:
                    stop = lf + 1 if lf >= 0 else end
            taken = self._take_run(buf, pos, stop, events)
            if taken is None:  # a line longer than max_line: cut the per-line way
                return self._take_each(buf, pos, events)
            if taken < stop or at < 0:
                return taken  # an unfinished line waits for more input, or the input is used up
            pos = taken
            # The hinted line was the run's last: its event (after a host log's payload rule)
            # is the last one out, as ``_take_each`` would have handed it on.
            last = events[-1]
            if last.label not in _MODE_LABELS:
                continue
            self._after_line(last)
            mode = self._mode
            if mode == _COUNTED:
                remaining = self._remaining
                if remaining <= self._piece and pos + remaining <= end:
                    # ``_take_counted`` of a payload that is here whole and is one piece.
                    pos += remaining
                    events.append(Event(DATA, buf[pos - remaining:pos]))
                    self._mode = _LINES
                    self._remaining = 0
                    if self.lenient:
                        self._check_count = (remaining, self._base + pos)
                    continue
                return pos
            if mode != _LINES:
                return pos
        return pos

    def _take_run(self, buf: bytes, pos: int, stop: int, events: list[Event]) -> int | None:
        """The lines of ``buf[pos:stop]`` (only the last may switch the mode), at C speed where
        the line was seen before: split at every line end at once, looked up in the known-lines
        table at once, only new lines classified one by one. Returns where decoding stopped (an
        unfinished last line, or a lone CR at the end of the input, waits), or None when a
        line is longer than ``max_line`` (``_take_each`` cuts it)."""
        lines = buf[pos:stop].splitlines(True)
        last = lines[-1]
        if last[-1] != 0x0A and (stop == len(buf) or last[-1] != 0x0D):
            # No terminator yet, or a CR whose LF may be the next byte: not a line yet, unless
            # it is already longer than max_line (cut the per-line way).
            if len(last) - (last[-1] == 0x0D) > self._max_line:
                return None
            lines.pop()
            stop -= len(last)
            if not lines:
                return pos
        max_line = self._max_line
        if stop - pos > max_line and max(map(len, lines)) > max_line:
            return None  # (a terminated line of max_line content has 1-2 bytes more: cut the slow way too)
        known = self._known
        found: list[Event | tuple[Event, Event] | None] = list(map(known.get, lines))
        noise = False
        if any(map(is_, found, repeat(None))):
            before = self._known_before.get
            line_event = self._line_event
            for index in compress(range(len(found)), map(is_, found, repeat(None))):
                raw = lines[index]
                event: Event | tuple[Event, Event] | None = before(raw)
                if event is None:
                    event = line_event(raw, raw.rstrip(b"\r\n"))  # (a line holds no CR or LF but its end)
                    if event.__class__ is tuple:
                        noise = True  # noise before a module line: two events, neither kept
                        found[index] = event
                        continue
                if len(known) >= KNOWN_LINES:
                    self._known_before, known = known, {}
                    self._known = known
                    before = self._known_before.get
                known[raw] = event  # type: ignore[assignment]
                found[index] = event
        if noise or self.lenient or any(map(is_, found, repeat(_BLANK))):
            self._append_each(found, events)
        else:
            events.extend(found)  # type: ignore[arg-type]  # (every None was replaced above)
        return stop

    def _append_each(self, found: list[Event | tuple[Event, Event] | None], events: list[Event]) -> None:
        """``_take_run``'s events one by one: blank lines dropped, noise split off, a host
        log's payload rule applied (what ``_take_each`` does per line)."""
        append = events.append
        if not self.lenient:
            for item in found:
                if isinstance(item, tuple):
                    noise, item = item
                    append(noise)
                if item is not _BLANK:
                    append(item)  # type: ignore[arg-type]  # (_take_run replaced every None)
            return
        position, count = 0, len(found)
        while position < count:
            if self._check_count is None and not self._in_logged_payload:
                # A host log's usual lines (no count to check, no payload being logged) pass as
                # they are, up to the next echo (which may start a logged payload) or noise;
                # after it, the same again (a socket read's echo comes every few lines).
                for position in range(position, count):
                    item = found[position]
                    if isinstance(item, tuple) or item is None or item.kind == ECHO:
                        break
                    if item is not _BLANK:
                        append(item)
                else:
                    return
            item = found[position]
            position += 1
            if isinstance(item, tuple):
                noise, event = item
                append(self._lenient_payload(noise))
            else:
                assert item is not None, "_take_run replaced every unknown line"
                event = item
            if event is _BLANK:
                continue
            event = self._lenient_payload(event)
            if self._check_count is not None:
                self._check_reading(event)
            append(event)

    def _take_each(self, buf: bytes, pos: int, events: list[Event]) -> int:
        """``_take_lines`` one line at a time."""
        end = len(buf)
        find = buf.find
        append = events.append
        known = self._known
        max_line = self._max_line
        while pos < end:
            limit = pos + max_line + 1
            lf = find(b"\n", pos, limit)
            cr = find(b"\r", pos, lf if lf >= 0 else limit)
            cut = False
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
            elif end - pos > max_line:
                # No terminator within MAX_LINE: deliver a fixed-size piece so memory stays bounded.
                content_end = stop = pos + max_line
                cut = True
            else:
                return pos
            raw = buf[pos:stop]
            event = known.get(raw)
            if event is None:
                found = self._known_before.get(raw) or self._line_event(raw, buf[pos:content_end])
                if isinstance(found, tuple):
                    # Noise before a module line: two events, neither worth keeping.
                    noise, event = found
                    append(self._lenient_payload(noise) if self.lenient else noise)
                elif cut:
                    event = _continued(found)
                else:
                    event = found
                    if len(known) >= KNOWN_LINES:
                        self._known_before, known = known, {}
                        self._known = known
                    known[raw] = event
            pos = stop
            if event is _BLANK:
                continue  # blank lines carry nothing; the recording keeps their bytes
            if self.lenient:
                event = self._lenient_payload(event)
                if self._check_count is not None:
                    self._check_reading(event)
            append(event)
            if event.label in _MODE_LABELS or (event.kind == ECHO and self._mode == _BODY_AFTER_ECHO):
                self._after_line(event)
                if self._mode != _LINES and self._mode != _BODY_AFTER_ECHO:
                    return pos
        return pos

    def _take_counted(self, buf: bytes, pos: int, events: list[Event]) -> int:
        available = len(buf) - pos
        final = self._remaining <= available
        stop = pos + (self._remaining if final else available)
        taken = self._cut_pieces(buf, pos, stop, final, events)
        self._remaining -= taken - pos
        if self._remaining == 0:
            self._mode = _LINES
            if self.lenient:
                self._check_count = (taken - pos, self._base + taken)
        return taken

    def _take_body(self, buf: bytes, pos: int, events: list[Event]) -> int:
        found = _BODY_END.search(buf, pos)
        if found:
            taken = self._cut_pieces(buf, pos, found.start(), True, events)
            self._mode = _LINES
            return taken
        # No end yet: only bytes that no end can still overlap may go out.
        return self._cut_pieces(buf, pos, len(buf) - _BODY_END_SPAN, False, events)

    def _cut_pieces(self, buf: bytes, pos: int, stop: int, final: bool, events: list[Event]) -> int:
        """Payload ``buf[pos:stop]`` as pieces of whole lines; returns where cutting stopped.

        ``final``: ``stop`` is the payload's end (else more of it may follow). A piece is the
        lines that end in the next ``piece`` bytes; when none does, the one long line up to
        ``max_line`` (then cut and marked ``continued``). Each decision looks only at bytes
        before ``stop``, and waits when they cannot decide: chunking never changes the pieces.
        """
        piece, max_line = self._piece, self._max_line
        rfind, find = buf.rfind, buf.find
        append = events.append
        while pos < stop:
            size = stop - pos
            if size <= piece:
                if final:
                    append(Event(DATA, buf[pos:stop]))
                    return stop
                return pos
            window = pos + piece
            # The last line end in the window (a CR only when the byte after it is in the window:
            # CR LF must not be cut in two).
            cut = max(rfind(b"\n", pos, window), rfind(b"\r", pos, window - 1)) + 1
            if cut:
                append(Event(DATA, buf[pos:cut]))
                pos = cut
                continue
            # One line longer than a piece: up to its end, or cut at the bound.
            limit = min(stop, pos + max_line)
            lf = find(b"\n", window, limit)
            # from the window's last byte on: a CR there was left out above (its LF may follow)
            cr = find(b"\r", window - 1, (lf if lf >= 0 else limit) - 1)
            if cr >= 0:
                cut = cr + 2 if buf[cr + 1] == 0x0A else cr + 1
            elif lf >= 0:
                cut = lf + 1
            elif pos + max_line <= stop:
                append(Event(DATA, buf[pos:pos + max_line], continued=True))
                pos += max_line
                continue
            elif final:
                append(Event(DATA, buf[pos:stop]))
                return stop
            else:
                return pos
            append(Event(DATA, buf[pos:cut]))
            pos = cut
        return pos

    # -- events -----------------------------------------------------------------------------

    def _line(self, raw: bytes, content: bytes, events: list[Event]) -> None:
        """One line outside ``_take_lines`` (the end of the input)."""
        found = self._line_event(raw, content)
        if isinstance(found, tuple):
            noise, event = found
            events.append(self._lenient_payload(noise) if self.lenient else noise)
        else:
            event = found
        if event is _BLANK:
            return
        if self.lenient:
            event = self._lenient_payload(event)
            if self._check_count is not None:
                self._check_reading(event)
        events.append(event)
        self._after_line(event)

    def _line_event(self, raw: bytes, content: bytes) -> Event | tuple[Event, Event]:
        """The event of one line (before the host-log payload rule), or ``_BLANK``; for noise
        before a module line (``\\x00+WIND:1:...``), the noise's event and the line's."""
        if not content or content.isspace():
            return _BLANK
        text = content.decode("utf-8", "backslashreplace")
        if self.lenient:
            text = strip_host_prefix(text)
            kind, code, label, fields = classify_parts(text)
        else:
            # ``classify_parts`` on the first bytes (a third of a flood's lines are new: WINDs
            # and AT-S. lines first, by the bytes, without its general dispatch).
            head = content[:6]
            if head == b"+WIND:":
                kind, code, label, fields = classify_wind(text[6:])
            elif head[:5] == b"AT-S.":
                kind, code, label, fields = classify_module_line(text[5:])
            elif head[:3] == b"AT+":
                kind, code, label, fields = ECHO_PARTS  # (what classify_parts finds: a command's echo)
            else:
                kind, code, label, fields = classify_parts(text)
        if kind == OTHER and (content.find(b"AT-S.", 1) >= 0 or content.find(b"+WIND:", 1) >= 0):
            # Where a module line starts after the noise (one search: the pattern only matches
            # what classifies as a module line, so a line of many false "+WIND:" costs no more;
            # the two finds skip it for the many lines, scan results above all, that hold neither).
            found = _RESYNC.search(content, 1)
            if found:
                start = found.start()
                rest = content[start:].decode("utf-8", "backslashreplace")
                parts = classify_parts(rest)
                if parts[0] != OTHER:
                    head = raw[:start]
                    return Event(OTHER, head, bytes_to_text(head)), Event(parts[0], raw[start:], rest, *parts[1:])
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
        elif event.label == _HTTP_STATUS_LABEL:
            self._mode = _BODY

    def _check_reading(self, event: Event) -> None:
        """The first line after a counted payload: anything but the final line (or a WIND,
        which may come at any time) says that the count and the capture disagree."""
        check = self._check_count
        if check is None:
            return
        length, where = check
        self._check_count = None
        if event.is_final or event.kind == WIND:
            return
        self._warn(f"byte {where:,}: AT-S.Reading announced {length:,} bytes, but the line after them is not "
                   "AT-S.OK: the capture lost or added bytes (a paste that turned CR LF into LF?), so the "
                   "payload and the lines around it may be cut in the wrong place")

    def _warn(self, text: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(text)
        else:
            self.warnings_dropped += 1

    def _lenient_payload(self, event: Event) -> Event:
        """In a host log, unrecognised lines right after a data-phase command are its payload."""
        if event.kind == ECHO:
            # An echo comes back as the same object (the known lines): its answer is kept.
            known = self._echo_phases.get(id(event))
            if known is None or known[0] is not event:
                if len(self._echo_phases) >= KNOWN_LINES:
                    self._echo_phases.clear()
                known = self._echo_phases[id(event)] = (event, data_phase_length(event.text) is not None)
            self._in_logged_payload = known[1]
        elif event.kind == OTHER and self._in_logged_payload:
            return Event(DATA, event.raw, event.text)
        else:
            self._in_logged_payload = False
        return event


def _continued(event: Event) -> Event:
    """``event`` marked as cut at the bound (its line goes on in the next event)."""
    return Event(event.kind, event.raw, event.text, event.code, event.label, event.fields, continued=True)
