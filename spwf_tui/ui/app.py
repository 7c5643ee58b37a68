"""The Textual application shell: the UART log and a command line on one session.

This is the foundation's minimal front end; the four-pane workbench grows from here (issue 3).
The session's reader thread only posts ``SessionDataReady``; the app drains the session's entry
buffer on the UI thread and writes each batch with one ``write_lines`` call.
"""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, Log, Static

from spwf_tui.core.payload import PayloadError
from spwf_tui.session.log import LogEntry
from spwf_tui.session.session import Session
from spwf_tui.session.transcript import format_entry
from spwf_tui.transport.errors import PortError
from spwf_tui.ui.messages import SessionDataReady

LOG_MAX_LINES = 10_000
"""The widget keeps this many lines; the recording keeps the whole session."""


class SpwfApp(App):
    """spwf-tui on one open session."""

    TITLE = "spwf-tui"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="quit", priority=True)]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(self._status_text(), id="status")
        yield Log(max_lines=LOG_MAX_LINES, id="uart-log")
        yield Input(placeholder="AT command (payload sources: @FILE, hex:.., ski:FILE, \"text\")", id="command")
        yield Footer()

    def on_mount(self) -> None:
        self.session.add_listener(lambda: self.post_message(SessionDataReady()))
        self.query_one("#command", Input).focus()
        self._drain()

    @on(SessionDataReady)
    def _drain(self) -> None:
        lines = [line for entry in self.session.entries.drain() for line in _render(entry)]
        if lines:
            self.query_one("#uart-log", Log).write_lines(lines)
        self.query_one("#status", Static).update(self._status_text())

    @on(Input.Submitted, "#command")
    def _send(self, event: Input.Submitted) -> None:
        line = event.value.strip()
        if not line:
            return
        try:
            self.session.send(line)
        except (PayloadError, PortError) as exc:
            self.query_one("#uart-log", Log).write_line(f"!! {exc}")
            return
        event.input.value = ""

    def _status_text(self) -> str:
        s = self.session
        facts = [s.settings.port, s.settings.describe(), s.link_state]
        if s.state.firmware:
            facts.append(f"fw {s.state.firmware}")
        if s.state.model:
            facts.append(s.state.model)
        return "  ·  ".join(facts)


def _render(entry: LogEntry) -> list[str]:
    return format_entry(entry).rstrip("\n").split("\n")
