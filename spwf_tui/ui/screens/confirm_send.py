"""Asks before a line that would repeat a known mistake goes out (``core.authcheck``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class ConfirmSend(ModalScreen[bool]):
    """``warning`` about ``line``: y sends it anyway, n or Esc keeps it unsent."""

    BINDINGS = [
        Binding("y", "answer(True)", "Send anyway", id="confirm.send"),
        Binding("n,escape", "answer(False)", "Do not send", id="confirm.cancel"),
    ]

    def __init__(self, line: str, warning: str) -> None:
        super().__init__()
        self._line = line
        self._warning = warning

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-send"):
            yield Label(f"Send {self._line}?", markup=False)
            yield Static(f"⚠ {self._warning}", id="confirm-warning", markup=False)
            yield Static("y: send anyway   n / Esc: do not send (the line stays in the builder)", markup=False)

    def action_answer(self, send: bool) -> None:
        self.dismiss(send)
