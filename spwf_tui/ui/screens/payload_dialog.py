"""The payload dialog: a data-phase command typed with a plain length asks for its bytes here.

The field is read by ``core.payload.with_typed_payload``, as the REPL reads its payload line:
the same typing gives the same bytes, and anything but exactly the announced count is refused.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from spwf_tui.core.payload import Outgoing, PayloadError, typed_payload_bytes, with_typed_payload


class PayloadDialog(ModalScreen[Outgoing | None]):
    """Ask for exactly the payload bytes ``outgoing`` announces: a source (@FILE, hex:, ski:,
    "...") or plain text. Dismissed with the complete command, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="payload.cancel")]

    def __init__(self, outgoing: Outgoing, read_file: Callable[[str], bytes]) -> None:
        super().__init__()
        self._outgoing = outgoing
        self._length = outgoing.awaiting_payload
        self._read_file = read_file

    def compose(self) -> ComposeResult:
        with Vertical(id="payload-dialog"):
            yield Label(f"{self._outgoing.line} needs {self._length} payload bytes", markup=False)
            yield Static('Type text, or a source: @FILE  hex:3e f1 ..  ski:CA.pem  "text with \\r\\n"', markup=False)
            yield Input(id="payload-input")
            yield Static("", id="payload-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        status = self.query_one("#payload-status", Static)
        if not event.value:
            status.update(f"0 of {self._length} bytes")
            return
        try:
            count = len(typed_payload_bytes(event.value, self._read_file))
        except PayloadError as exc:
            status.update(f"✗ {exc}")
            return
        status.update(f"{count} of {self._length} bytes" + ("" if count == self._length else " — must match"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            outgoing = with_typed_payload(self._outgoing, event.value, self._read_file)
        except PayloadError as exc:
            self.query_one("#payload-status", Static).update(f"✗ {exc}")
            return
        self.dismiss(outgoing)

    def action_cancel(self) -> None:
        self.dismiss(None)
