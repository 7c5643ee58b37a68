"""The port picker: shown when spwf-tui starts without a port."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from spwf_tui.core.display import visible
from spwf_tui.transport.ports import ports_and_sim


def available_ports() -> list[tuple[str, str]]:
    """(device, description) of each detected port, then the emulated module."""
    return [(p.device, p.description or p.hwid) for p in ports_and_sim()]


class PortPickerApp(App[str | None]):
    """Choose a port with the arrow keys and Enter; Esc or Ctrl+Q quits."""

    TITLE = "spwf-tui — choose a port"
    BINDINGS = [Binding("escape,ctrl+q,ctrl+right_square_bracket", "quit", "Quit", id="picker.quit")]

    def compose(self) -> ComposeResult:
        yield Label("No port given. Pick one (Enter), or Esc to quit:")
        # Descriptions come from the USB device (its product string): escaped, and never markup.
        yield OptionList(*[Option(Content(visible(f"{device}  {text}")), id=device)
                           for device, text in available_ports()], id="ports")
        yield Footer()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.exit(event.option.id)
