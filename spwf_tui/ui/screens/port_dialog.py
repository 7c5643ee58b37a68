"""The port settings dialog (F7, or "Port settings" in the palette): change them while open.

The same ``NAME=VALUE`` words as the REPL's ``:port`` and the ``port`` script step, started with
the port's current settings (or the speed the module switched to, when there is one to follow);
each keystroke is checked, Enter applies, Esc leaves everything as it was.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from spwf_tui.transport.settings import SETTING_NAMES, PortSettings, SettingsError, as_changes, parse_changes


class PortDialog(ModalScreen[dict[str, object] | None]):
    """Ask for new port settings; dismissed with ``PortSettings`` field changes, or None."""

    DEFAULT_CSS = """
    PortDialog { align: center middle; }
    #port-dialog { width: 80%; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="port.cancel")]

    def __init__(self, settings: PortSettings, follow: int | None = None) -> None:
        super().__init__()
        self._settings = settings
        self._start = as_changes(settings)
        if follow:
            self._start = self._start.replace(f"baud={settings.baudrate}", f"baud={follow}", 1)

    def compose(self) -> ComposeResult:
        with Vertical(id="port-dialog"):
            yield Label(f"{self._settings.port}: {self._settings.describe()}", markup=False)
            yield Static(f"Change any of: {', '.join(SETTING_NAMES)} (parity N E O M S; on/off for "
                         "rtscts and xonxoff). Enter applies, Esc cancels.", markup=False)
            yield Input(self._start, id="port-input")
            yield Static("", id="port-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        try:
            parse_changes(event.value)
        except SettingsError as exc:
            self.query_one("#port-status", Static).update(f"✗ {exc}")
            return
        self.query_one("#port-status", Static).update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            changes = parse_changes(event.value)
        except SettingsError as exc:
            self.query_one("#port-status", Static).update(f"✗ {exc}")
            return
        self.dismiss(changes)

    def action_cancel(self) -> None:
        self.dismiss(None)
