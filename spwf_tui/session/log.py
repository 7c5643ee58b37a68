"""The session's bounded log of what happened, for the front ends to drain in batches."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from spwf_tui.core.events import Event

RX = "rx"
TX = "tx"
NOTE = "note"


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One thing to show: a decoded RX event, a sent command, or a note from the tool."""

    time: float
    """Host time (seconds since 1970)."""
    direction: str
    """``rx``, ``tx`` or ``note``."""
    text: str
    event: Event | None = None
    explain: str | None = None
    payload: bytes | None = None
    """For ``tx``: the data-phase bytes sent after the line."""


class EntryBuffer:
    """A bounded FIFO between the RX thread and one front end.

    When the front end falls behind by more than ``max_entries``, the oldest entries are dropped
    from the view and counted in ``dropped``; the recording, not this buffer, keeps everything.
    """

    def __init__(self, max_entries: int = 50_000) -> None:
        self._entries: deque[LogEntry] = deque(maxlen=max_entries)
        self._lock = threading.Lock()
        self.dropped = 0

    def append(self, entry: LogEntry) -> None:
        """Add one entry (any thread)."""
        with self._lock:
            if len(self._entries) == self._entries.maxlen:
                self.dropped += 1
            self._entries.append(entry)

    def drain(self) -> list[LogEntry]:
        """Take every entry added since the last drain."""
        with self._lock:
            entries = list(self._entries)
            self._entries.clear()
            return entries
