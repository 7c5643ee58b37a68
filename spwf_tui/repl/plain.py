"""The REPL without a terminal to draw on: stdin piped, stdout redirected, or ``TERM=dumb``.

Reads one line at a time from stdin and answers in plain text lines (the ``run`` transcript's
``> < # =`` prefixes, no escape sequences). Each command is sent and its final reply (or timeout)
awaited before the next line is read, so ``printf 'AT\\n' | spwf-tui repl PORT`` prints the reply
and exits at the end of input. Output that arrives on its own (WINDs) is printed by a small
thread as it comes.
"""

from __future__ import annotations

import threading
from typing import TextIO

from spwf_tui.core import authcheck
from spwf_tui.core.payload import PayloadError, with_typed_payload
from spwf_tui.repl.commands import ColonCommands
from spwf_tui.repl.payload import CONFIRM_PROMPT, confirmed, payload_prompt
from spwf_tui.repl.printer import BEHIND, CATCH_UP_SECONDS, PRINT_SLICE, Fragments, View, problem, to_plain
from spwf_tui.repl.rendered import BatchRenderer
from spwf_tui.session.quiet import wait_until_idle
from spwf_tui.session.session import Session
from spwf_tui.transport.errors import PortWriteError

PROMPT = "spwf> "
CTRL_RIGHT_BRACKET = "\x1d"
"""What Ctrl+] gives on a cooked terminal: a line holding it ends the session."""


class PlainConsole:
    """Line in, lines out, for one session."""

    def __init__(self, session: Session, stdin: TextIO, stdout: TextIO, *, prompt: bool) -> None:
        self.session = session
        self._stdin = stdin
        self._stdout = stdout
        self._prompt = prompt
        self.view = View(show_typed_tx=not prompt)  # a terminal echoes what was typed; a pipe does not
        self.colon = ColonCommands(session, self.view, self.show, self._send_file)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._printer = threading.Thread(target=self._print_loop, name="spwf-repl-printer")
        self._caught_up = threading.Event()
        self._renderer = BatchRenderer()
        """Entries to plain text (a repeated line's made once); used under ``_lock``."""

    def run(self) -> int:
        """Until end of input or :quit; returns 0."""
        self.session.add_listener(self._entries_added)
        self._printer.start()
        try:
            wait_until_idle(self.session)
            self.flush()
            while not self.colon.quit:
                line = self._read_line(PROMPT)
                if line is None or line.strip() == CTRL_RIGHT_BRACKET:
                    break
                self._submit(line)
        finally:
            wait_until_idle(self.session)  # what the last command set off (WINDs) is shown too
            self._stop.set()
            self._wake.set()
            self._printer.join()
            self.flush()
        return 0

    def show(self, fragments: Fragments) -> None:
        """Write plain lines (any thread)."""
        if fragments:
            with self._lock:
                self._stdout.write(to_plain(fragments))
                self._stdout.flush()

    def flush(self) -> None:
        """Print every entry not printed yet."""
        with self._lock:
            entries = self.session.entries.drain()
            # In slices: what is made for printing stays small however far behind the console is.
            presentation = self.view.presentation()
            for start in range(0, len(entries), PRINT_SLICE):
                text = self._renderer.batch(entries[start:start + PRINT_SLICE], presentation)
                if text:
                    self._stdout.write(text)
            self._stdout.flush()
        self._caught_up.set()

    def _read_line(self, prompt: str) -> str | None:
        if self._prompt:
            self.show([("", prompt)])
        line = self._stdin.readline()
        return None if line == "" else line.rstrip("\r\n")

    def _submit(self, line: str) -> None:
        stripped = line.strip()
        if not stripped:
            return
        if stripped.startswith(":"):
            self.colon.run(stripped)
            return
        try:
            outgoing = self.session.prepare(line)
            if outgoing.awaiting_payload is not None:
                typed = self._read_line(payload_prompt(outgoing))
                outgoing = with_typed_payload(outgoing, typed or "", self.session.read_file)
            warning = authcheck.check(outgoing.line, outgoing.payload, self.session.state.ca_file)
            if warning is not None:
                self.show(problem(warning))
                if not confirmed(self._read_line(CONFIRM_PROMPT)):
                    self.show(problem(f"not sent: {outgoing.line}"))
                    return
            command = self.session.send_outgoing(outgoing)
        except PayloadError as exc:
            self.show(problem(str(exc)))
            return
        except PortWriteError as exc:
            self.show(problem(f"not sent: {exc}"))
            return
        self.session.wait(command)
        self.flush()

    def _send_file(self, data: bytes, label: str) -> None:
        try:
            self.session.send_raw(data, label)
        except PortWriteError as exc:
            self.show(problem(f"not sent: {exc}"))
            return
        # Raw bytes have no final reply to wait for: let the module's answer (if any) pass, so it
        # is not taken for the answer of the next line.
        wait_until_idle(self.session)
        self.flush()

    def _entries_added(self) -> None:
        """The session's listener (the port's reader, mostly): wake the printer; when it is far
        behind (a flood faster than a pipe takes the text), give it the time to catch up rather
        than let the entry buffer drop lines from view. The bytes wait in the port's buffer
        meanwhile; at a UART's rate the printer is never that far behind."""
        self._wake.set()
        if self.session.entries.waiting > BEHIND and threading.current_thread() is not self._printer:
            self._caught_up.clear()
            self._caught_up.wait(CATCH_UP_SECONDS)

    def _print_loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if not self._stop.is_set():
                self.flush()
