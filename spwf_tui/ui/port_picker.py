"""The port picker: shown when spwf-tui starts without a port."""

from __future__ import annotations

from serial.tools import list_ports
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

SIM = "sim://"


def available_ports() -> list[tuple[str, str]]:
    """(device, description) of each detected port, then the emulated module."""
    found = [(p.device, p.description or p.hwid or "") for p in sorted(list_ports.comports())]
    return [*found, (SIM, "emulated SPWF04SA (built in)")]


class PortPickerApp(App[str | None]):
    """Choose a port with the arrow keys and Enter; Esc or Ctrl+Q quits."""

    TITLE = "spwf-tui — choose a port"
    BINDINGS = [Binding("escape,ctrl+q,ctrl+right_square_bracket", "quit", "Quit", id="picker.quit")]

    def compose(self) -> ComposeResult:
        yield Label("No port given. Pick one (Enter), or Esc to quit:")
        yield OptionList(*[Option(f"{device}  {text}", id=device) for device, text in available_ports()],
                         id="ports")
        yield Footer()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.exit(event.option.id)
