"""The interactive REPL: ``PromptSession.prompt_async`` inside ``patch_stdout`` (docs/architecture.md §6.2).

Who calls what: the transport's reader thread calls ``Repl._wake`` (through the session's
listener); that only schedules ``_drain`` on the event loop, at most once per ``BATCH_SECONDS``.
``_drain`` takes every new log entry and prints them in one ``print_formatted_text`` call, which
prompt-toolkit draws above the prompt and then redraws the line being typed, untouched. Writes to
the port run in the default executor so a long payload never freezes the prompt's event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.application import get_app
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.patch_stdout import patch_stdout
from prompt_toolkit.styles import Style

from spwf_tui.core.payload import Outgoing, PayloadError, with_typed_payload
from spwf_tui.repl.commands import ColonCommands
from spwf_tui.repl.completer import AtCompleter, hint_text
from spwf_tui.repl.history import open_history
from spwf_tui.repl.payload import payload_prompt
from spwf_tui.repl.printer import PRINT_SLICE, STYLE_RULES, Fragments, View, batch_fragments, message, problem
from spwf_tui.session.session import Session
from spwf_tui.transport.errors import PortWriteError
from spwf_tui.transport.serial_transport import CONNECTED

PROMPT = "spwf> "
BATCH_SECONDS = 0.03
"""Output that arrives within this time is printed in one go (one redraw of the prompt)."""
BANNER = "Tab completes, :help lists the : commands, Ctrl+] or Ctrl+D quits."


def run_interactive(session: Session) -> int:
    """Run the REPL on an open session until the user quits; returns the exit status."""
    return asyncio.run(Repl(session).run())


class Repl:
    """One interactive console on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.view = View(show_typed_tx=False)  # the prompt line already shows what was typed
        self.colon = ColonCommands(session, self.view, self.show, self._send_file)
        self._style = Style.from_dict(STYLE_RULES)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._scheduled = False
        self._closing = False
        self._background: asyncio.Future[Any] | None = None
        history, self._history_warning = open_history()
        bindings = KeyBindings()

        @bindings.add("c-]", eager=True)  # eager: emacs mode also has Ctrl+] <char> (jump to char)
        def _quit(event) -> None:  # telnet's and miniterm's escape key
            event.app.exit(exception=EOFError())

        self._prompt: PromptSession[str] = PromptSession(
            PROMPT, history=history, completer=AtCompleter(session.state), complete_while_typing=False,
            bottom_toolbar=self._toolbar, key_bindings=bindings, style=self._style,
        )
        self._payload_prompt: PromptSession[str] = PromptSession(history=InMemoryHistory(), style=self._style)

    async def run(self) -> int:
        """The prompt loop; 0 when the user quits (:quit, Ctrl+], Ctrl+D)."""
        self._loop = asyncio.get_running_loop()
        self.session.add_listener(self._wake)
        try:
            with patch_stdout(raw=True):
                self.show(message(BANNER))
                if self._history_warning:
                    self.show(problem(self._history_warning))
                self._drain()
                while not self.colon.quit:
                    try:
                        line = await self._prompt.prompt_async()
                    except KeyboardInterrupt:
                        continue
                    except EOFError:
                        break
                    await self._submit(line)
        finally:
            self._closing = True
        self._drain()
        return 0

    def show(self, fragments: Fragments) -> None:
        """Print above the prompt (on the event loop's thread)."""
        if fragments:
            print_formatted_text(FormattedText(fragments), style=self._style, end="",
                                 include_default_pygments_style=False)

    # -- input ------------------------------------------------------------------------------

    async def _submit(self, line: str) -> None:
        stripped = line.strip()
        if not stripped:
            return
        if stripped.startswith(":"):
            self.colon.run(stripped)
            if self._background is not None:
                background, self._background = self._background, None
                await background
            return
        try:
            outgoing = self.session.prepare(line)
            if outgoing.awaiting_payload is not None:
                outgoing = await self._ask_payload(outgoing)
        except PayloadError as exc:
            self.show(problem(str(exc)))
            return
        if outgoing is not None:
            await self._write(self.session.send_outgoing, outgoing)

    async def _ask_payload(self, outgoing: Outgoing) -> Outgoing | None:
        try:
            typed = await self._payload_prompt.prompt_async(payload_prompt(outgoing))
        except (KeyboardInterrupt, EOFError):
            self.show(problem("payload cancelled; nothing sent"))
            return None
        return with_typed_payload(outgoing, typed, self.session.read_file)

    def _send_file(self, data: bytes, label: str) -> None:
        self._background = asyncio.ensure_future(self._write(self.session.send_raw, data, label))

    async def _write(self, send: Callable[..., Any], *args: Any) -> None:
        try:
            await self._loop.run_in_executor(None, send, *args)
        except PortWriteError as exc:
            self.show(problem(f"not sent: {exc}"))

    def _toolbar(self) -> str:
        hint = hint_text(get_app().current_buffer.document.text_before_cursor, self.session.state)
        link = self.session.link_state
        return hint if link == CONNECTED else f"[port {link}] {hint}"

    # -- output (RX thread -> event loop) -----------------------------------------------------

    def _wake(self) -> None:
        """Any thread: make sure a drain is scheduled; cheap when one already is."""
        if self._scheduled or self._closing or self._loop is None:
            return
        self._scheduled = True
        try:
            self._loop.call_soon_threadsafe(self._loop.call_later, BATCH_SECONDS, self._drain)
        except RuntimeError:  # the loop closed while the port was still delivering
            pass

    def _drain(self) -> None:
        self._scheduled = False  # first: entries added from here on schedule another drain
        entries = self.session.entries.drain()
        # Lines the console fell behind on come as one note in their place (EntryBuffer).
        # In slices: what is made for printing stays small however far behind the console is.
        for start in range(0, len(entries), PRINT_SLICE):
            self.show(batch_fragments(entries[start:start + PRINT_SLICE], self.view))
