"""One thing a front end shows: ``LogEntry`` (a decoded RX event, a sent command, or a note).

Pure data, in ``core`` so the presentation (``core/present``) can take it; the session makes
entries and buffers them for the front ends (``session/log.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from spwf_tui.core.events import Event

RX = "rx"
"""Received: a decoded event of what the module sent (also a recording's ``dir``)."""
TX = "tx"
"""Sent: a command line, and its payload (also a recording's ``dir``)."""
NOTE = "note"
"""A note from the tool or a marker from the user (also a recording's ``dir``)."""


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
        event = self.event
        assert event is not None, "only an entry made from an event defers its text"
        text = self.text = event.text
        return text
