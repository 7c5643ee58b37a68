"""One thing a front end shows: ``LogEntry`` (a decoded RX event, a sent command, or a note).

Pure data, in ``core`` so the presentation (``core/present``) can take it; the session makes
entries and buffers them for the front ends (``session/log.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from spwf_tui.core.events import LATER, Event, Later

RX = "rx"
"""Received: a decoded event of what the module sent (also a recording's ``dir``)."""
TX = "tx"
"""Sent: a command line, and its payload (also a recording's ``dir``)."""
NOTE = "note"
"""A note from the tool or a marker from the user (also a recording's ``dir``)."""


@dataclass(init=False)
class LogEntry:
    """One thing to show: a decoded RX event, a sent command, or a note from the tool.

    Treated as a value: nothing changes an entry once made (``dataclasses.replace`` makes a
    changed copy; its fields are ``dataclasses.fields``', compared and shown by them). It is not
    a frozen dataclass because the RX path makes one per line, and a frozen one's field setting
    costs twice the rest of the entry.

    An entry made with an event and no ``text`` takes the event's text when ``text`` is first
    read: the text of a raw payload piece (binary bytes escaped) is costly, and most pieces
    are never shown as text. Likewise an entry made with ``explain=LATER`` explains its event
    when ``explain`` is first read. The two are properties over private slots, set after the
    class is made (below): a ``__getattr__`` for them would cost every read of every attribute
    of every entry CPython's specialised attribute access, in every consumer
    (docs/architecture.md §2).
    """

    __slots__ = ("time", "direction", "event", "payload", "_text", "_explain")

    time: float
    """Host time (seconds since 1970)."""
    direction: str
    """``rx``, ``tx`` or ``note``."""
    text: str
    """The line, the command or the note (an event's entry: its event's text unless given)."""
    event: Event | None
    explain: str | None
    payload: bytes | None
    """For ``tx``: the data-phase bytes sent after the line."""

    def __init__(self, time: float, direction: str, text: str | None = None, event: Event | None = None,
                 explain: str | None | Later = None, payload: bytes | None = None) -> None:
        # One per module line on the RX path: stores only, the deferred fields sorted out when read.
        self.time = time
        self.direction = direction
        self.event = event
        self.payload = payload
        self._text = text
        self._explain = explain


def _text(entry: LogEntry) -> str:
    text: str | None = entry._text  # noqa: SLF001 - the property's own slot
    if text is None:
        event = entry.event
        text = entry._text = event.text if event is not None else ""  # noqa: SLF001
    return text


def _explain(entry: LogEntry) -> str | None:
    explanation: str | None | Later = entry._explain  # noqa: SLF001 - the property's own slot
    if explanation is LATER:
        from spwf_tui.core.explain import line_explanation  # noqa: PLC0415 - read by a few shown rows only

        event = entry.event
        explanation = entry._explain = line_explanation(event) if event is not None else None  # noqa: SLF001
    return explanation  # type: ignore[return-value]  # (LATER is the one Later there is)


# The dataclass took ``text`` and ``explain`` as fields (for replace, equality, repr); reading
# them goes through these. Set here, not in the class body: there the names are the fields'.
setattr(LogEntry, "text", property(_text, doc="The line, the command or the note (an event's entry: its event's text unless given)."))  # noqa: B010
setattr(LogEntry, "explain", property(_explain, doc="Why the line matters, or None; an ``explain=LATER`` entry's is made on first read."))  # noqa: B010
