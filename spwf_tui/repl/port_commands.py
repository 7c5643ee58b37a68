"""The REPL's port commands: ``:port``, ``:break``, ``:dtr``, ``:rts`` (docs/protocol.md §9.1, §9.2).

Kept apart from ``commands.py`` (the other ``:`` commands): both front ends route these names
here. A pulse or a BREAK blocks for its length, so it runs on a short-lived thread and reports
in the log (a note) like every port change; a mistake is one line and changes nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from spwf_tui.core.present.status import modem_lines_text, speed_offer_text
from spwf_tui.repl.printer import Fragments, message, problem
from spwf_tui.session.session import Session
from spwf_tui.transport.errors import PortError
from spwf_tui.transport.modem import LineAction, parse_line_action
from spwf_tui.transport.settings import SettingsError, parse_changes

COMMANDS = {
    ":port [NAME=VALUE...]": "show the port settings and modem lines, or change them while open: "
                             "baud, bytesize, parity (N E O M S), stopbits, rtscts, xonxoff (on/off)",
    ":break [MS]": "send a BREAK (default 250 ms)",
    ":dtr on|off|pulse [MS]": "set, clear or pulse DTR (pulse: default 100 ms; boards wire it to reset)",
    ":rts on|off|pulse [MS]": "the same for RTS",
}
NAMES = (":port", ":break", ":dtr", ":rts")


class PortCommands:
    """Runs the port ``:`` commands for one session; ``show`` prints fragments."""

    def __init__(self, session: Session, show: Callable[[Fragments], None]) -> None:
        self.session = session
        self._show = show

    def run(self, name: str, argument: str) -> None:
        """``name`` is one of ``NAMES`` (lower case)."""
        try:
            if name == ":port":
                self._port(argument)
            else:
                self._line(parse_line_action(name, argument))
        except (SettingsError, PortError) as exc:
            self._show(problem(f"{exc}; nothing changed"))

    def _port(self, argument: str) -> None:
        port = self.session.port
        if not argument:
            settings = self.session.settings
            text = f"{settings.port}: {settings.describe()}; modem lines: {modem_lines_text(port.lines())}"
            if port.speed_offer:
                text += "\n" + speed_offer_text(port.speed_offer, f":port baud={port.speed_offer}")
            self._show(message(text))
            return
        port.change(**parse_changes(argument))  # says so in a note

    def _line(self, action: LineAction) -> None:
        if action.action == "pulse":
            threading.Thread(target=self._act, args=(action,), daemon=True, name="port-line").start()
        else:
            self.session.port.act(action)

    def _act(self, action: LineAction) -> None:
        try:
            self.session.port.act(action)
        except PortError as exc:
            self.session.note(f"{action.describe()} not sent: {exc}")
