"""The session's bounded log of what happened, for the front ends to drain in batches."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from spwf_tui.core.events import Event

RX = "rx"
TX = "tx"
NOTE = "note"


@dataclass(slots=True, init=False)
class LogEntry:
    """One thing to show: a decoded RX event, a sent command, or a note from the tool.

    Treated as a value: nothing changes an entry once made (``dataclasses.replace`` makes a
    changed copy). It is not a frozen dataclass because the RX path makes one per line, and a
    frozen one's field setting costs twice the rest of the entry.

    An entry made with an event and no ``text`` takes the event's text when ``text`` is first
    read: the text of a raw payload piece (binary bytes escaped) is costly, and most pieces
    are never shown as text.
    """

    time: float
    """Host time (seconds since 1970)."""
    direction: str
    """``rx``, ``tx`` or ``note``."""
    text: str
    event: Event | None
    explain: str | None
    payload: bytes | None
    """For ``tx``: the data-phase bytes sent after the line."""

    def __init__(self, time: float, direction: str, text: str | None = None, event: Event | None = None,
                 explain: str | None = None, payload: bytes | None = None) -> None:
        self.time = time
        self.direction = direction
        if text is not None or event is None:
            self.text = text or ""
        self.event = event
        self.explain = explain
        self.payload = payload

    def __getattr__(self, name: str) -> str:
        # Only reached for a slot never set: the deferred ``text`` of an event's entry.
        if name != "text":
            raise AttributeError(name)
        text = self.text = self.event.text
        return text


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

    def extend(self, entries: list[LogEntry]) -> None:
        """Add a batch of entries (any thread): one lock for all of them, the RX path's way."""
        with self._lock:
            self.dropped += max(0, len(self._entries) + len(entries) - self._entries.maxlen)
            self._entries.extend(entries)

    def drain(self) -> list[LogEntry]:
        """Take every entry added since the last drain."""
        with self._lock:
            entries = list(self._entries)
            self._entries.clear()
            return entries
