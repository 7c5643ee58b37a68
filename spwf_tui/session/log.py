"""The session's bounded log of what happened (``LogEntry``s), for the front ends to drain in batches."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

# The entry is pure data (core/logentry.py), its directions the recording's (session/recording/format.py
# takes them from there); importers of session.log keep their names.
from spwf_tui.core.logentry import NOTE as NOTE, RX as RX, TX as TX, LogEntry as LogEntry


MAX_BYTES = 8 * 1024 * 1024
"""Bytes of module output (and payloads sent) an ``EntryBuffer`` holds at most for a front end
that does not drain it (a blocked pipe after ``run``, a stopped terminal): 50,000 lines of line
noise cut at the decoder's 64 KiB bound would otherwise be 3 GB, and their text up to four times
that. Ordinary output reaches ``max_entries`` first (about 5 MB of it)."""


class EntryBuffer:
    """A bounded FIFO between the RX thread and one front end.

    When the front end falls behind by more than ``max_entries`` (or ``max_bytes`` of the entries'
    bytes), the oldest lines are dropped
    from the view (the recording, not this buffer, keeps everything) but never silently: each run
    of dropped lines comes out of ``drain`` as one note in its place (``50,001 lines not shown:
    ...``), and notes (warnings such as a full disk, the tool's own messages) are never dropped
    while lines around them are. ``dropped`` counts the dropped lines.
    """

    def __init__(self, max_entries: int = 50_000, max_bytes: int = MAX_BYTES) -> None:
        self._entries: deque[LogEntry] = deque()
        self._max = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        """The waiting entries' bytes (``entry_size``), at least: a batch from the RX path counts
        the read it came from, which may hold more (blank lines make no entry). Back to 0 when
        drained."""
        self._uncounted = 0
        """Bytes of reads added since the entries' own bytes were last counted: how far ``_bytes``
        may be over (the RX path cannot afford to count each entry; see ``_evict``)."""
        self._lock = threading.Lock()
        self.dropped = 0
        """Lines dropped from the view since the buffer was made."""
        self._evicted: list[LogEntry] = []
        """What takes the place of evicted entries, oldest first: the notes among them, and
        a gap note for each run of lines dropped before a note (the last run is ``_gap``)."""
        self._gap = 0
        self._gap_time = 0.0
        self.tap: Callable[[list[LogEntry]], None] | None = None
        """Also given every batch as it is added, after the lock (``--log``: ``session.text_log``);
        a subclass's display copies (redacted) are what it gets."""

    def append(self, entry: LogEntry) -> None:
        """Add one entry (any thread)."""
        with self._lock:
            self._entries.append(entry)
            self._bytes += entry_size(entry)
            if len(self._entries) > self._max or self._bytes > self._max_bytes:
                self._evict()
        if self.tap is not None:
            self.tap([entry])

    def extend(self, entries: list[LogEntry], *, received: bool = False, size: int | None = None) -> None:
        """Add a batch of entries (any thread): one lock for all of them, the RX path's way.
        ``received``: every entry is a module event's (the RX path says so; a subclass may use it).
        ``size``: the batch's bytes when the caller knows them (the read they were decoded from),
        else they are counted here."""
        with self._lock:
            self._entries.extend(entries)
            if size is None:
                self._bytes += sum(map(entry_size, entries))
            else:
                self._bytes += size
                self._uncounted += size
            if len(self._entries) > self._max or self._bytes > self._max_bytes:
                self._evict()
        if self.tap is not None:
            self.tap(entries)

    @property
    def waiting(self) -> int:
        """Entries added and not drained yet (no lock: a deque's length is read atomically)."""
        return len(self._entries)

    def drain(self) -> list[LogEntry]:
        """Take every entry added since the last drain, gap notes where lines were dropped."""
        with self._lock:
            self._close_gap()
            entries = self._evicted + list(self._entries) if self._evicted else list(self._entries)
            self._evicted = []
            self._entries.clear()
            self._bytes = self._uncounted = 0
            return entries

    # -- overflow (under the lock) ----------------------------------------------------------

    def _evict(self) -> None:
        entries, evicted = self._entries, self._evicted
        if self._bytes > self._max_bytes and self._uncounted > self._max_bytes // 8:
            # Reads counted whole may have run ahead of the entries' bytes: count them (at most
            # once per an eighth of the bound of input), so the buffer never keeps less than
            # seven eighths of what it may. (A line the decoder still holds was in a read
            # counted before and is not counted again: the bound is kept to within a line and
            # two reads, under 200 KiB: a read hands on up to 64 KiB.)
            self._bytes = sum(map(entry_size, entries))
            self._uncounted = 0
        # Notes are kept up to max_entries too: a buffer nobody drains stays bounded.
        keep_notes = len(evicted) < self._max
        # The newest entry stays whatever its size: a front end sees at least the latest thing.
        while len(entries) > self._max or (self._bytes > self._max_bytes and len(entries) > 1):
            entry = entries.popleft()
            self._bytes -= entry_size(entry)
            if entry.direction == NOTE and keep_notes:
                self._close_gap()
                evicted.append(entry)
                keep_notes = len(evicted) < self._max
            else:
                self._gap += 1
                self._gap_time = entry.time
                self.dropped += 1

    def _close_gap(self) -> None:
        if self._gap:
            self._evicted.append(LogEntry(self._gap_time, NOTE, lines_not_shown(self._gap)))
            self._gap = 0


def entry_size(entry: LogEntry) -> int:
    """The bytes an entry stands for: a module event's raw bytes, else its text and payload."""
    event = entry.event
    if event is not None:
        return len(event.raw)
    return len(entry.text) + (len(entry.payload) if entry.payload else 0)


def lines_not_shown(count: int) -> str:
    """The note that stands for ``count`` lines dropped from a view."""
    return (f"{count:,} {'line' if count == 1 else 'lines'} not shown: they came faster than this view "
            "took them (a recording of the session keeps every byte)")
