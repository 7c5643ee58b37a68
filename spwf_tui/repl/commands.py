"""The REPL's ``:`` commands: what the console does that is not an AT command.

``ColonCommands.run(line)`` handles one ``:...`` line. Output goes through the ``show``
function the front end passes (fragments from ``printer``); ``send_file`` does the raw write
(the interactive front end moves it off its event loop). Both front ends share this class.
"""

from __future__ import annotations

from collections.abc import Callable

from spwf_tui.core.display import visible
from spwf_tui.core.payload import PayloadError, resolve_source
from spwf_tui.core.present.clock import clock_text, offset_text, utc_text
from spwf_tui.repl.port_commands import COMMANDS as PORT_COMMANDS
from spwf_tui.repl.port_commands import NAMES as PORT_NAMES
from spwf_tui.repl.port_commands import PortCommands
from spwf_tui.repl.printer import Fragments, View, message, problem
from spwf_tui.session.session import Session

COMMANDS = {
    ":help": "this list",
    ":hex on|off": "show data payloads (received and sent) as a hex dump",
    ":time": "the module's clock (as last set or read) and the host's",
    ":note TEXT": "put a marker in the log and the recording",
    ":send SOURCE": "send bytes as they are, no command: :send hex:03, :send @fw.bin, :send \"text\\r\"",
    ":send-file PATH": "send a file's bytes exactly as they are (no CR added, no length)",
    ":raw": "raw mode: every key goes to the port as typed (F6 too; Ctrl+] or F6 leaves)",
    ":reopen": "open the port again after it vanished (when it is not reopened by itself)",
    **PORT_COMMANDS,
    ":quit": "leave (Ctrl+] and Ctrl+D too)",
}
"""Usage and one-line description of every ``:`` command."""

NAMES = tuple(usage.split()[0] for usage in COMMANDS)

HELP_FOOTER = (
    "Anything else is sent to the module. Data-phase commands take a payload source in place of "
    "<len>: @FILE, hex:3E F1.., ski:CA_FILE, \"text\\r\\n\"; a plain number asks for the payload. "
    "Tab completes, Up/Down and Ctrl+R search the history."
)


class ColonCommands:
    """Parses and runs ``:`` lines for one session."""

    def __init__(self, session: Session, view: View, show: Callable[[Fragments], None],
                 send_file: Callable[[bytes, str], None], enter_raw: Callable[[], None] | None = None) -> None:
        """``send_file(data, label)`` sends bytes raw; ``enter_raw`` switches to raw mode (None:
        this front end has none)."""
        self.session = session
        self.view = view
        self._show = show
        self._send_file = send_file
        self._enter_raw = enter_raw
        self.quit = False
        """Set by ``:quit``; the front end leaves when it sees it."""
        self._port = PortCommands(session, show)

    def run(self, line: str) -> None:
        """Run one ``:`` line (leading ``:`` included)."""
        name, _, argument = line.strip().partition(" ")
        if name.lower() in PORT_NAMES:
            self._port.run(name.lower(), argument.strip())
            return
        handler = {
            ":help": self._help, ":hex": self._hex, ":time": self._time, ":note": self._note,
            ":send-file": self._send, ":send": self._send_source, ":raw": self._raw, ":reopen": self._reopen, ":quit": self._quit, ":q": self._quit, ":exit": self._quit,
        }.get(name.lower())
        if handler is None:
            self._show(problem(f"unknown command {name!r}: :help lists the : commands"))
            return
        handler(argument.strip())

    def _help(self, _: str) -> None:
        width = max(len(usage) for usage in COMMANDS)
        lines = [f"  {usage:<{width}}  {text}" for usage, text in COMMANDS.items()]
        self._show(message("\n".join([*lines, HELP_FOOTER])))

    def _hex(self, argument: str) -> None:
        choice = argument.lower()
        if choice not in ("on", "off", ""):
            self._show(problem(":hex wants on or off"))
            return
        if choice:
            self.view.hex = choice == "on"
        self._show(message(f"hex display of payloads is {'on' if self.view.hex else 'off'}"))

    def _time(self, _: str) -> None:
        host = self.session.clock()
        module = self.session.state.module_time()
        lines = [f"host   {utc_text(host)}", f"module {clock_text(module)}"]
        if module is not None:
            lines[-1] += f" ({offset_text(module - host)})"
        self._show(message("\n".join(lines)))

    def _note(self, argument: str) -> None:
        if not argument:
            self._show(problem(":note wants a text (:note TEXT)"))
            return
        self.session.note(argument)

    def _send(self, path: str) -> None:
        if not path:
            self._show(problem(":send-file wants a file path"))
            return
        try:
            data = self.session.read_file(path)
        except FileNotFoundError:
            self._show(problem(f"{path}: no such file; nothing sent"))
            return
        except IsADirectoryError:
            self._show(problem(f"{path}: is a directory; nothing sent"))
            return
        except OSError as exc:
            self._show(problem(f"{path}: cannot read ({exc.strerror or exc}); nothing sent"))
            return
        if not data:
            self._show(problem(f"{path}: the file is empty; nothing sent"))
            return
        self._send_file(data, f":send-file {path}")

    def _send_source(self, source: str) -> None:
        if not source:
            self._show(problem(':send wants a payload source: hex:03, @FILE or "text\\r" (nothing sent)'))
            return
        if source.startswith("ski:"):
            self._show(problem(":send takes hex:.., @FILE or \"text\"; ski: belongs in TLSCERT=auth (nothing sent)"))
            return
        try:
            data = resolve_source(source, self.session.read_file)
        except PayloadError as exc:
            self._show(problem(f"{exc}; nothing sent"))
            return
        if not data:
            self._show(problem(f"{visible(source)}: no bytes to send; nothing sent"))
            return
        self._send_file(data, f":send {source}")

    def _raw(self, _: str) -> None:
        if self._enter_raw is None:
            self._show(problem(":raw needs the interactive REPL (a terminal on both ends)"))
            return
        self._enter_raw()

    def _reopen(self, _: str) -> None:
        self.session.reopen()  # says how it went in a note

    def _quit(self, _: str) -> None:
        self.quit = True
