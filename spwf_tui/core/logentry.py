"""One thing a front end shows: ``LogEntry`` (a decoded RX event, a sent command, or a note).

Pure data, in ``core`` so the presentation (``core/present``) can take it; the session makes
entries and buffers them for the front ends (``session/log.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from spwf_tui.core.events import Event, Later

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
    are never shown as text. Likewise an entry made with ``explain=LATER`` explains its event
    when ``explain`` is first read.
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
                 explain: str | None | Later = None, payload: bytes | None = None) -> None:
        # (One per module line on the RX path: the fewest tests for an entry with its text.)
        self.time = time
        self.direction = direction
        self.event = event
        self.payload = payload
        if text is not None:
            self.text = text
        elif event is None:
            self.text = ""
        if not isinstance(explain, Later):
            self.explain = explain
        elif event is None:
            self.explain = None

    def __getattr__(self, name: str) -> str | None:
        # Only reached for a slot never set: the deferred ``text`` or ``explain`` of an event's entry.
        event = self.event
        if name == "text":
            assert event is not None, "only an entry made from an event defers its text"
            text = self.text = event.text
            return text
        if name == "explain":
            from spwf_tui.core.explain import line_explanation  # noqa: PLC0415 - read by a few shown rows only

            assert event is not None, "only an entry made from an event defers its explanation"
            explanation = self.explain = line_explanation(event)
            return explanation
        raise AttributeError(name)
