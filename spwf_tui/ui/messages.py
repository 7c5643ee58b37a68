"""Messages that cross panes."""

from __future__ import annotations

from textual.message import Message


class SessionDataReady(Message):
    """The session has new entries to drain. Carries no data, so repeats may merge."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SessionDataReady)


class JobProgressed(Message):
    """A paste queue or a raw send moved on: refresh the status line. No data, so repeats merge."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JobProgressed)


class JobEnded(Message):
    """A paste queue or a raw send ended (its worker thread is done with it)."""

    def __init__(self, queue: object | None = None) -> None:
        super().__init__()
        self.queue = queue
        """The ``PasteQueue`` for a paste; None for a raw send."""
