"""The session's bounded log of what happened (``LogEntry``s), for the front ends to drain in batches."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

# The entry is pure data (core/logentry.py), its directions the recording's (session/recording/format.py
# takes them from there); importers of session.log keep their names.
from spwf_tui.core.logentry import NOTE as NOTE, RX as RX, TX as TX, LogEntry as LogEntry


class EntryBuffer:
    """A bounded FIFO between the RX thread and one front end.

    When the front end falls behind by more than ``max_entries``, the oldest lines are dropped
    from the view (the recording, not this buffer, keeps everything) but never silently: each run
    of dropped lines comes out of ``drain`` as one note in its place (``50,001 lines not shown:
    ...``), and notes (warnings such as a full disk, the tool's own messages) are never dropped
    while lines around them are. ``dropped`` counts the dropped lines.
    """

    def __init__(self, max_entries: int = 50_000) -> None:
        self._entries: deque[LogEntry] = deque()
        self._max = max_entries
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
            if len(self._entries) > self._max:
                self._evict()
        if self.tap is not None:
            self.tap([entry])

    def extend(self, entries: list[LogEntry]) -> None:
        """Add a batch of entries (any thread): one lock for all of them, the RX path's way."""
        with self._lock:
            self._entries.extend(entries)
            if len(self._entries) > self._max:
                self._evict()
        if self.tap is not None:
            self.tap(entries)

    def drain(self) -> list[LogEntry]:
        """Take every entry added since the last drain, gap notes where lines were dropped."""
        with self._lock:
            self._close_gap()
            entries = self._evicted + list(self._entries) if self._evicted else list(self._entries)
            self._evicted = []
            self._entries.clear()
            return entries

    # -- overflow (under the lock) ----------------------------------------------------------

    def _evict(self) -> None:
        entries, evicted = self._entries, self._evicted
        # Notes are kept up to max_entries too: a buffer nobody drains stays bounded.
        keep_notes = len(evicted) < self._max
        for _ in range(len(entries) - self._max):
            entry = entries.popleft()
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


def lines_not_shown(count: int) -> str:
    """The note that stands for ``count`` lines dropped from a view."""
    return (f"{count:,} {'line' if count == 1 else 'lines'} not shown: they came faster than this view "
            "took them (a recording of the session keeps every byte)")
