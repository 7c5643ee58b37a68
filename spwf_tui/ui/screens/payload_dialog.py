"""The payload dialog: a data-phase command typed with a plain length asks for its bytes here."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from spwf_tui.core.payload import PayloadError, is_source, resolve_source


class PayloadDialog(ModalScreen[bytes | None]):
    """Ask for exactly ``length`` payload bytes: a source (@FILE, hex:, ski:, "...") or plain text."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="payload.cancel")]

    def __init__(self, line: str, length: int, read_file: Callable[[str], bytes]) -> None:
        super().__init__()
        self._line = line
        self._length = length
        self._read_file = read_file

    def compose(self) -> ComposeResult:
        with Vertical(id="payload-dialog"):
            yield Label(f"{self._line} needs {self._length} payload bytes", markup=False)
            yield Static('Type text, or a source: @FILE  hex:3e f1 ..  ski:CA.pem  "text with \\r\\n"', markup=False)
            yield Input(id="payload-input")
            yield Static("", id="payload-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _bytes_of(self, text: str) -> bytes:
        return resolve_source(text, self._read_file) if is_source(text) else text.encode("utf-8")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        status = self.query_one("#payload-status", Static)
        try:
            count = len(self._bytes_of(event.value))
        except PayloadError as exc:
            status.update(f"✗ {exc}")
            return
        status.update(f"{count} of {self._length} bytes" + ("" if count == self._length else " — must match"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            payload = self._bytes_of(event.value)
        except PayloadError as exc:
            self.query_one("#payload-status", Static).update(f"✗ {exc}")
            return
        if len(payload) != self._length:
            self.query_one("#payload-status", Static).update(
                f"✗ {len(payload)} bytes given, {self._length} announced: nothing sent")
            return
        self.dismiss(payload)

    def action_cancel(self) -> None:
        self.dismiss(None)
