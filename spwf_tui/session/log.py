"""The session's bounded log of what happened, for the front ends to drain in batches."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from spwf_tui.core.events import Event

RX = "rx"
TX = "tx"
NOTE = "note"


@dataclass(frozen=True, slots=True, init=False)
class LogEntry:
    """One thing to show: a decoded RX event, a sent command, or a note from the tool.

    An entry made with an event and no ``text`` takes the event's text when ``text`` is first
    read: the text of a raw payload piece (binary bytes escaped) is costly, and most pieces
    are never shown as text (the RX path makes one entry per line or piece).
    """

    time: float
    """Host time (seconds since 1970)."""
    direction: str
    """``rx``, ``tx`` or ``note``."""
    text: str
    event: Event | None = None
    explain: str | None = None
    payload: bytes | None = None
    """For ``tx``: the data-phase bytes sent after the line."""

    def __init__(self, time: float, direction: str, text: str | None = None, event: Event | None = None,
                 explain: str | None = None, payload: bytes | None = None) -> None:
        # Frozen: the fields are set through their slots (the RX path makes one entry a line).
        _SET_TIME(self, time)
        _SET_DIRECTION(self, direction)
        if text is not None or event is None:
            _SET_TEXT(self, text or "")
        _SET_EVENT(self, event)
        _SET_EXPLAIN(self, explain)
        _SET_PAYLOAD(self, payload)

    def __getattr__(self, name: str) -> str:
        # Only reached for a slot never set: the deferred ``text`` of an event's entry.
        if name != "text":
            raise AttributeError(name)
        text = self.event.text
        _SET_TEXT(self, text)
        return text


_SET_TIME, _SET_DIRECTION, _SET_TEXT, _SET_EVENT, _SET_EXPLAIN, _SET_PAYLOAD = (
    LogEntry.__dict__[name].__set__ for name in ("time", "direction", "text", "event", "explain", "payload"))


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
