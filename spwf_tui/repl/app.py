"""The interactive REPL: ``PromptSession.prompt_async`` inside ``patch_stdout`` (docs/architecture.md §6.2).

Who calls what: the transport's reader thread calls ``Repl._wake`` (through the session's
listener); that only schedules ``_drain`` on the event loop, ``BATCH_SECONDS`` later (while the
module streams and nobody waits for an answer, ``STREAM_BATCH_SECONDS``). ``_drain`` takes every
new log entry and prints them above the prompt in one go (``_print_above``: the prompt erased,
the text written, the line being typed redrawn untouched); on a VT100 terminal each slice of
entries is one string (``repl/rendered.py``), written by a thread of its own while the next slice
is made. Writes to the port go through one sending thread (``Repl._sender``, thread ``repl-tx``):
a long payload never freezes the prompt's event loop, and every send (a command, ``:send-file``,
a pasted block, raw keys) waits for the one before it, so two never interleave on the wire.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable
from typing import Any

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.application import get_app, get_app_or_none, in_terminal
from prompt_toolkit.application.current import get_app_session
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import Output
from prompt_toolkit.output.vt100 import Vt100_Output
from prompt_toolkit.patch_stdout import patch_stdout
from prompt_toolkit.renderer import print_formatted_text as render_fragments
from prompt_toolkit.styles import Style, default_ui_style, merge_styles

from spwf_tui.core import authcheck
from spwf_tui.core.logentry import LogEntry
from spwf_tui.core.payload import Outgoing, PayloadError, with_typed_payload
from spwf_tui.repl.commands import ColonCommands
from spwf_tui.repl.completer import AtCompleter, hint_text
from spwf_tui.repl.history import open_history
from spwf_tui.repl.keyline import run_job, run_raw
from spwf_tui.repl.payload import CONFIRM_PROMPT, confirmed, payload_prompt
from spwf_tui.repl.printer import (BEHIND, CATCH_UP_SECONDS, PRINT_SLICE, STYLE_RULES, Fragments, View,
                                   batch_fragments, entry_fragments, message, problem)
from spwf_tui.repl.rendered import BatchRenderer
from spwf_tui.repl.terminal_looks import terminal_looks
from spwf_tui.session.paste_queue import STOPPED_ON_ERROR, PasteQueue, is_multi_line, split_pasted
from spwf_tui.session.session import RAW_CHUNK, Session
from spwf_tui.transport.errors import PortWriteError
from spwf_tui.transport.serial_transport import CONNECTED

PROMPT = "spwf> "
BATCH_SECONDS = 0.03
"""Output that arrives within this time is printed in one go (one redraw of the prompt)."""
STREAM_BATCH_SECONDS = 0.1
"""While the module streams (a batch printed less than this ago), output gathers this long:
each batch erases and redraws the prompt, and 33 batches a second took a quarter of a core at
921600 baud (10 a second: 15 %). Not while the user waits: ``QUICK_SECONDS``."""
QUICK_SECONDS = 1.0
"""After the user sends a line (and in raw mode, and while a reply is awaited) batches stay at
``BATCH_SECONDS``: an answer is never held back for a stream's sake."""
SMALL_RAW_SEND = 4 * RAW_CHUNK
"""Raw sends up to this size go out without a progress line."""
BANNER = "Tab completes, :help lists the : commands, F6 raw mode, Ctrl+] or Ctrl+D quits."


class _EnterRaw(Exception):
    """F6 at the prompt: leave the line prompt for raw mode."""


class _Pasted(Exception):
    """A paste of several lines at the prompt: it becomes a queue (``session.paste_queue``)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def run_interactive(session: Session, *, paste_delay_ms: int = 0) -> int:
    """Run the REPL on an open session until the user quits; returns the exit status."""
    return asyncio.run(Repl(session, paste_delay_ms=paste_delay_ms).run())


class Repl:
    """One interactive console on one session."""

    def __init__(self, session: Session, *, paste_delay_ms: int = 0) -> None:
        self.session = session
        self.paste_delay_ms = paste_delay_ms
        self.view = View(show_typed_tx=False)  # the prompt line already shows what was typed
        self.colon = ColonCommands(session, self.view, self.show, self._send_file, self._enter_raw)
        self._raw = False
        self._style = Style.from_dict(STYLE_RULES)
        self._merged_style = merge_styles([default_ui_style(), self._style])
        """What ``print_formatted_text`` draws with (its default UI style, then ours)."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: threading.Thread | None = None
        self._scheduled = False
        self._due = 0.0
        """When the scheduled drain runs (``time.monotonic``)."""
        self._last_batch = 0.0
        """When the last batch began to print (``time.monotonic``)."""
        self._quick_until = 0.0
        """Until then batches gather only ``BATCH_SECONDS`` (``_batch_delay``)."""
        self._printing: asyncio.Future[None] | None = None
        """The batch being printed above the prompt (``_print_above``), if one is."""
        self._renderer: tuple[Output, BatchRenderer] | None = None
        """Makes the log's text for a VT100 terminal (``_slice_text``), with the output it is for."""
        self._caught_up = threading.Event()
        self._closing = False
        self._background: asyncio.Future[Any] | None = None
        self._sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="repl-tx")
        """The one thread that writes to the port: sends queue in the order they were asked for."""
        self._terminal_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="repl-terminal")
        """Writes the log's slices to the terminal while the next is made (``_print_above``)."""
        history, self._history_warning = open_history()
        bindings = KeyBindings()

        @bindings.add("c-]", eager=True)  # eager: emacs mode also has Ctrl+] <char> (jump to char)
        def _quit(event: KeyPressEvent) -> None:  # telnet's and miniterm's escape key
            event.app.exit(exception=EOFError())

        self._partial: Fragments = []
        """The line still arriving (docs/protocol.md §2.9), drawn above the prompt until complete."""
        @bindings.add("f6")
        def _raw(event: KeyPressEvent) -> None:
            event.app.exit(exception=_EnterRaw())

        @bindings.add(Keys.BracketedPaste)
        def _paste(event: KeyPressEvent) -> None:
            # Several lines pasted become a queue; one line is typed into the prompt as usual.
            buffer = event.current_buffer
            text = buffer.text[:buffer.cursor_position] + event.data + buffer.text[buffer.cursor_position:]
            if is_multi_line(text):
                buffer.reset()
                event.app.exit(exception=_Pasted(text))
            else:
                buffer.insert_text(event.data.replace("\r\n", "\n").replace("\r", "").replace("\n", ""))

        self._prompt: PromptSession[str] = PromptSession(
            self._prompt_message, history=history, completer=AtCompleter(session.state), complete_while_typing=False,
            bottom_toolbar=self._toolbar, key_bindings=bindings, style=self._style,
        )
        self._payload_prompt: PromptSession[str] = PromptSession(history=InMemoryHistory(), style=self._style)

    async def run(self) -> int:
        """The prompt loop; 0 when the user quits (:quit, Ctrl+], Ctrl+D)."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.current_thread()
        self.session.add_listener(self._wake)
        try:
            with patch_stdout(raw=True):
                self.show(message(BANNER))
                if self._history_warning:
                    self.show(problem(self._history_warning))
                self._drain()
                while not self.colon.quit:
                    if self._raw:
                        await self._raw_mode()
                        continue
                    try:
                        line = await self._prompt.prompt_async()
                    except KeyboardInterrupt:
                        continue
                    except EOFError:
                        break
                    except _EnterRaw:
                        self._enter_raw()
                        continue
                    except _Pasted as paste:
                        await self._paste(paste.text)
                        continue
                    await self._submit(line)
        finally:
            self._closing = True
            # What is still queued is dropped; a send under way ends first (the port stays whole).
            self._sender.shutdown(wait=True, cancel_futures=True)
        if self._printing is not None:
            await self._printing  # a batch under way ends first: the last lines follow it
        self._drain()
        self._terminal_writer.shutdown(wait=True)
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
        self._quick_until = time.monotonic() + QUICK_SECONDS  # its answer is printed at once
        if is_multi_line(line):  # a terminal without bracketed paste, or a line edited into several
            await self._paste(line)
            return
        if stripped.startswith(":"):
            self.colon.run(stripped)
            if self._background is not None:
                background, self._background = self._background, None
                await background
            return
        outgoing: Outgoing | None
        try:
            outgoing = self.session.prepare(line)
            if outgoing.awaiting_payload is not None:
                outgoing = await self._ask_payload(outgoing)
        except PayloadError as exc:
            self.show(problem(str(exc)))
            return
        if outgoing is not None and await self._confirmed(outgoing):
            await self._write(self.session.send_outgoing, outgoing)

    async def _confirmed(self, outgoing: Outgoing) -> bool:
        """True unless the line repeats the seed mistake and the user does not say y."""
        warning = authcheck.check(outgoing.line, outgoing.payload, self.session.state.ca_file)
        if warning is None:
            return True
        self.show(problem(warning))
        try:
            answer = await self._payload_prompt.prompt_async(CONFIRM_PROMPT)
        except (KeyboardInterrupt, EOFError):
            answer = ""
        if confirmed(answer):
            return True
        self.show(problem(f"not sent: {outgoing.line}"))
        return False

    async def _ask_payload(self, outgoing: Outgoing) -> Outgoing | None:
        try:
            typed = await self._payload_prompt.prompt_async(payload_prompt(outgoing))
        except (KeyboardInterrupt, EOFError):
            self.show(problem("payload cancelled; nothing sent"))
            return None
        return with_typed_payload(outgoing, typed, self.session.read_file)

    def _send_file(self, data: bytes, label: str) -> None:
        """``:send`` / ``:send-file``: a job with progress, cancelled by Esc or Ctrl+C (a few
        pieces' worth goes out at once: a progress line that flashes by would only eat the keys
        typed meanwhile)."""
        if len(data) <= SMALL_RAW_SEND:
            self._background = asyncio.ensure_future(self._write(self.session.send_raw, data, label))
            return
        done = [0]

        def work(cancel: threading.Event) -> None:
            try:
                self.session.send_raw(data, label, progress=lambda sent, _total: done.__setitem__(0, sent),
                                      cancel=cancel)
            except PortWriteError as exc:
                self._call_soon(self.show, problem(f"not sent: {exc}"))

        def status() -> str:
            return f"{label}: {done[0]:,}/{len(data):,} bytes ({100 * done[0] // len(data)} %)"

        self._background = asyncio.ensure_future(run_job(work, status, self._style, self._sender))

    def _call_soon(self, function: Callable[..., Any], *args: Any) -> None:
        """From a worker thread: run ``function`` on the event loop."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(function, *args)

    # -- paste and raw mode ------------------------------------------------------------------

    async def _paste(self, text: str) -> None:
        """Several pasted lines: each sent after the previous one's final reply (docs/protocol.md §12)."""
        lines = split_pasted(text)
        try:
            queue = PasteQueue(self.session, lines)
        except PayloadError as exc:
            self.show(problem(str(exc)))
            return
        while True:
            outcome = await run_job(queue.run, queue.progress_text, self._style, self._sender)
            if outcome != STOPPED_ON_ERROR or not queue.remaining:
                break
            question = (f"line {queue.sent}/{queue.total} answered {queue.last_reason}: "
                        f"send the remaining {queue.remaining}? [y/N] ")
            try:
                answer = await self._payload_prompt.prompt_async(question)
            except (KeyboardInterrupt, EOFError):
                answer = ""
            if answer.strip().lower() not in ("y", "yes"):
                break
        self.session.note(queue.summary())

    def _enter_raw(self) -> None:
        self._raw = True

    async def _raw_mode(self) -> None:
        ends = self.session.line_ends

        def status() -> str:
            return f"RAW  keys go to the port as typed  ·  Enter sends {ends.eol.upper()}  ·  Ctrl+] or F6 leaves"

        self.session.note(f"raw mode on ({ends.describe()}; Ctrl+] or F6 leaves)")
        try:
            await run_raw(self.session, self._style, status, lambda text: self._call_soon(self.show, problem(text)),
                          self.paste_delay_ms, self._sender)
        finally:
            self._raw = False
            self.session.note("raw mode off")

    async def _write(self, send: Callable[..., Any], *args: Any) -> None:
        try:
            await asyncio.get_running_loop().run_in_executor(self._sender, send, *args)
        except PortWriteError as exc:
            self.show(problem(f"not sent: {exc}"))

    def _prompt_message(self) -> FormattedText:
        """The prompt, under the line still arriving when there is one: prompt-toolkit redraws
        both, so the complete line, printed above, takes the partial one's place."""
        return FormattedText([*self._partial, ("", PROMPT)])

    def _show_partial(self) -> None:
        """Draw the session's line still arriving (or none) above the prompt."""
        partial = self.session.partial_line()
        fragments = entry_fragments(partial, self.view) if partial is not None else []
        if fragments != self._partial:
            self._partial = fragments
            app = self._prompt.app
            if app.is_running:
                app.invalidate()

    def _toolbar(self) -> str:
        hint = hint_text(get_app().current_buffer.document.text_before_cursor, self.session.state)
        link = self.session.link_state
        return hint if link == CONNECTED else f"[port {link}] {hint}"

    # -- output (RX thread -> event loop) -----------------------------------------------------

    def _wake(self) -> None:
        """Any thread: make sure a drain is scheduled; cheap when one already is.

        The port's reader, when the printer is far behind (a flood faster than the terminal
        draws), waits for it as the plain console's does (``CATCH_UP_SECONDS`` at a time) rather
        than let the entry buffer drop lines from view; the bytes wait in the port meanwhile."""
        if not (self._closing or self._loop is None):
            delay = self._batch_delay()
            due = time.monotonic() + delay
            # A drain due later than this one would be (a stream's) does not hold back this output.
            if not self._scheduled or due < self._due - 0.005:
                self._scheduled, self._due = True, due
                try:
                    self._loop.call_soon_threadsafe(self._loop.call_later, delay, self._drain)
                except RuntimeError:  # the loop closed while the port was still delivering
                    return
        if self.session.entries.waiting > BEHIND and threading.current_thread() is not self._loop_thread:
            self._caught_up.clear()
            self._caught_up.wait(CATCH_UP_SECONDS)

    def _batch_delay(self) -> float:
        """How long output waits to be printed with what follows it (any thread)."""
        now = time.monotonic()
        if self._raw or now < self._quick_until or self.session.awaiting_reply():
            return BATCH_SECONDS
        return STREAM_BATCH_SECONDS if now - self._last_batch < STREAM_BATCH_SECONDS else BATCH_SECONDS

    def _drain(self) -> None:
        self._scheduled = False  # first: entries added from here on schedule another drain
        if self._printing is not None:
            return  # the batch being printed drains again when it is done
        app = get_app_or_none()
        if app is None or not app.is_running:
            self._print_now()
        else:
            self._printing = asyncio.ensure_future(self._print_above())

    def _print_now(self) -> None:
        """No prompt on the screen (before and after it): print what waits, as it is."""
        output = get_app_session().output
        entries = self.session.entries.drain()
        for start in range(0, len(entries), PRINT_SLICE):
            self._write_slice(output, self._slice_text(output, entries[start:start + PRINT_SLICE]))
        self._caught_up.set()
        self._show_partial()

    def _slice_text(self, output: Output, entries: list[LogEntry]) -> str | Fragments:
        """What ``entries`` print as: on a VT100 terminal (every one but the legacy Windows
        console) one string, the looks in it (``repl/rendered.py``: a repeated line's text is
        made once); elsewhere fragments for prompt-toolkit to draw."""
        if not isinstance(output, Vt100_Output):
            return batch_fragments(entries, self.view)
        if self._renderer is None or self._renderer[0] is not output:
            starts, reset = terminal_looks(output, self._merged_style)
            self._renderer = (output, BatchRenderer(starts, reset, line_end="\r\n"))
        return self._renderer[1].batch(entries, self.view.presentation())

    def _write_slice(self, output: Output, text: str | Fragments) -> None:
        """Write one slice's text to the terminal (any thread, one at a time)."""
        if isinstance(text, str):
            output.reset_attributes()
            output.enable_autowrap()
            output.write_raw(text)
        else:
            render_fragments(output, FormattedText(text), self._merged_style)
        output.flush()

    async def _print_above(self) -> None:
        """Print what waits above the prompt: the prompt erased once, every slice printed, the
        prompt drawn again, like a TUI frame. Then the next batch: at once if a full slice came
        meanwhile, else after the usual wait (``_batch_delay``).

        ``show`` per slice queued one erase-print-redraw each (``print_formatted_text`` above a
        running application), and under a flood they piled up faster than the terminal took
        them: every queued slice held its text (a 100 MB flood in tmux peaked at 522 MiB) and
        each paid a prompt redraw. One batch at a time, what waits stays in the entry buffer
        (bounded; the reader waits beyond ``BEHIND``).

        Each slice is written by the writing thread (``_terminal_writer``) while the next one is
        made into text here: a terminal takes a flood's text no faster than it draws it (tmux
        about 8 MB/s here), and the write waits in the kernel without the interpreter's lock,
        so the drawing and the making overlap instead of taking turns. One slice is written
        while at most one more waits, made.
        """
        self._last_batch = time.monotonic()
        try:
            entries = self.session.entries.drain()
            # Lines the console fell behind on come as one note in their place (EntryBuffer).
            if entries:
                async with in_terminal():
                    output = get_app_session().output
                    loop = asyncio.get_running_loop()
                    writing: asyncio.Future[None] | None = None
                    try:
                        for start in range(0, len(entries), PRINT_SLICE):
                            text = self._slice_text(output, entries[start:start + PRINT_SLICE])
                            if writing is not None:
                                await writing
                            writing = loop.run_in_executor(self._terminal_writer, self._write_slice, output, text)
                    finally:
                        if writing is not None:
                            await writing
        finally:
            self._printing = None
            self._caught_up.set()
        self._show_partial()
        waiting = self.session.entries.waiting
        if waiting >= PRINT_SLICE and not self._scheduled:
            # A flood: what came while this batch was printed is a full slice already, printed
            # next without waiting for more.
            self._scheduled, self._due = True, time.monotonic()
            asyncio.get_running_loop().call_soon(self._drain)
        elif waiting:
            self._wake()  # what came while this batch was printed, gathered as usual
