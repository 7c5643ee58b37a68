"""Messages that cross panes."""

from __future__ import annotations

from textual.message import Message


class SessionDataReady(Message):
    """The session has new entries to drain. Carries no data, so repeats may merge."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SessionDataReady)
