"""The TUI's everyday-terminal actions: raw mode, AT-aware paste, raw sends (docs/protocol.md §12).

``TerminalActions`` is mixed into ``SpwfApp`` (which stays composition and routing). It needs
from the app: ``session``, ``_tx`` (the ``TxWorker``; None when replaying), ``paste_delay_ms`` and
``_refresh_status``. Its handlers are named ``on_<message>`` (Textual collects ``@on`` handlers
only from classes it builds, not from a mixin). One job at a time (a paste queue or a raw send) runs on a thread worker; its
progress is in the status line (``job_status``), Esc or Ctrl+C cancels it, and an ERROR in a
paste asks whether to go on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from spwf_tui.core.display import visible
from spwf_tui.core.payload import PayloadError, resolve_source
from spwf_tui.core.rawmode import paste_lines
from spwf_tui.session.paste_queue import STOPPED_ON_ERROR, PasteQueue, split_pasted
from spwf_tui.transport.errors import PortError
from spwf_tui.ui.focusing import focus_now
from spwf_tui.ui.messages import JobEnded, JobProgressed
from spwf_tui.ui.screens.choice import Choice
from spwf_tui.ui.widgets.command_builder import CommandBuilder
from spwf_tui.ui.widgets.raw_keys import RawKeys

if TYPE_CHECKING:
    from textual.app import App

    from spwf_tui.session.frontend import FrontSession
    from spwf_tui.session.tx_worker import TxWorker

    _Host = App[None]
    """What the mixin is mixed into, for the type checker: an app (``SpwfApp``)."""
else:
    _Host = object

RAW_CLASS = "-raw"
"""Screen class while raw mode is on: the builder is hidden, ``RawKeys`` shown (app.tcss)."""
COLON_HELP = ":send SOURCE (hex:03, @FILE, \"text\\r\") sends bytes as they are; :raw enters raw mode"


class TerminalActions(_Host):
    """Raw mode, paste queues and raw sends for ``SpwfApp``."""

    if TYPE_CHECKING:  # what ``SpwfApp`` provides (see the module's docstring)
        session: FrontSession
        _tx: TxWorker | None
        paste_delay_ms: int

        def _refresh_status(self) -> None: ...

    raw = False
    """True while every key goes to the port as typed."""
    _job_cancel: threading.Event | None = None
    _job_text: Callable[[], str] | None = None

    # -- status -----------------------------------------------------------------------------

    def terminal_status(self) -> list[tuple[str, str]]:
        """Facts for the status line, each (long, short): raw mode and a running job."""
        facts = []
        if self.raw:
            facts.append((f"RAW ({self.session.line_ends.describe()}; Ctrl+] or F6 leaves)", "RAW"))
        if self._job_text is not None:
            cancelling = self._job_cancel is not None and self._job_cancel.is_set()
            text = self._job_text()
            facts.append((f"{text} ({'cancelling' if cancelling else 'Esc cancels'})",
                          f"{text} (cancelling)" if cancelling else text))
        return facts

    @property
    def job_running(self) -> bool:
        return self._job_text is not None

    def cancel_job(self) -> bool:
        """Esc / Ctrl+C: cancel the running paste or raw send; False when none runs."""
        if self._job_cancel is None:
            return False
        self._job_cancel.set()
        self._refresh_status()
        return True

    def on_job_progressed(self, _message: JobProgressed) -> None:
        self._refresh_status()

    def _start_job(self, text: Callable[[], str], work: Callable[[threading.Event], None]) -> None:
        cancel = threading.Event()
        self._job_cancel, self._job_text = cancel, text
        self.run_worker(lambda: work(cancel), thread=True, group="terminal-job", exit_on_error=False)
        self._refresh_status()

    def _end_job(self) -> None:
        self._job_cancel = self._job_text = None
        self._refresh_status()

    # -- raw mode ---------------------------------------------------------------------------

    def action_toggle_raw(self) -> None:
        """F6: every key to the port as typed, or back to the command builder."""
        if self._tx is None:
            self.notify("replay is read-only: no raw mode", severity="warning")
            return
        self.raw = not self.raw
        self.screen.set_class(self.raw, RAW_CLASS)
        if self.raw:
            self.session.note(f"raw mode on ({self.session.line_ends.describe()}; Ctrl+] or F6 leaves)")
            focus_now(self.query_one(RawKeys))
        else:
            self.session.note("raw mode off")
            focus_now(self.query_one(CommandBuilder).input)
        self._refresh_status()

    def action_leave_raw_or_quit(self) -> None:
        """Ctrl+]: the reserved key leaves raw mode; outside it, quits (telnet, miniterm)."""
        if self.raw:
            self.action_toggle_raw()
        else:
            self.exit()

    def on_raw_keys_leave_requested(self, _message: RawKeys.LeaveRequested) -> None:
        if self.raw:
            self.action_toggle_raw()

    def on_raw_keys_typed(self, message: RawKeys.Typed) -> None:
        if self._tx is not None:
            self._tx.submit_raw(message.data)

    def on_raw_keys_pasted(self, message: RawKeys.Pasted) -> None:
        """A paste in raw mode: bytes as typed, one line at a time, ``paste_delay_ms`` apart."""
        chunks = paste_lines(message.text, self.session.line_ends)
        tx = self._tx
        if not chunks or tx is None:
            return
        if not self.paste_delay_ms or len(chunks) == 1:
            tx.submit_raw(b"".join(chunks))
            return
        if self.job_running:
            self.notify("a paste or send is still running: Esc cancels it", severity="warning")
            return
        done = [0]

        def work(cancel: threading.Event) -> None:
            for chunk in chunks:
                if cancel.is_set():
                    break
                if done[0]:
                    time.sleep(self.paste_delay_ms / 1000)
                tx.submit_raw(chunk)
                done[0] += 1
                self.post_message(JobProgressed())
            self.post_message(JobEnded())

        self._start_job(lambda: f"raw paste {done[0]}/{len(chunks)} lines", work)

    # -- AT-aware paste ---------------------------------------------------------------------

    def on_command_builder_pasted(self, message: CommandBuilder.Pasted) -> None:
        if self._tx is None:
            self.notify("replay is read-only: nothing is sent", severity="warning")
            return
        if self.job_running:
            self.notify("a paste or send is still running: Esc cancels it", severity="warning")
            return
        try:
            queue = PasteQueue(self.session, split_pasted(message.text))
        except PayloadError as exc:
            self.session.note(f"not sent: {exc}")
            self.notify(visible(str(exc)), severity="error", markup=False)
            return
        self._start_paste(queue)

    def _start_paste(self, queue: PasteQueue) -> None:
        def progressed(_queue: PasteQueue) -> None:
            self.post_message(JobProgressed())

        def work(cancel: threading.Event) -> None:
            queue.run(cancel, progressed)
            self.post_message(JobEnded(queue))

        self._start_job(queue.progress_text, work)

    def on_job_ended(self, message: JobEnded) -> None:
        self._end_job()
        queue = message.queue
        if not isinstance(queue, PasteQueue):
            return
        if queue.outcome == STOPPED_ON_ERROR and queue.remaining:
            question = (f"Pasted line {queue.sent}/{queue.total} answered {queue.last_reason}. "
                        f"Send the remaining {queue.remaining} line(s)?")

            def answered(choice: str | None) -> None:
                if choice == "go":
                    self._start_paste(queue)
                else:
                    self.session.note(queue.summary())

            self.push_screen(Choice(question, {"stop": "Stop here", "go": f"Go on ({queue.remaining} more)"}),
                             answered)
            return
        self.session.note(queue.summary())

    # -- raw sends --------------------------------------------------------------------------

    def colon_line(self, line: str) -> None:
        """A ``:`` line typed in the builder: ``:send SOURCE`` or ``:raw``."""
        name, _, argument = line.strip().partition(" ")
        argument = argument.strip()
        if name == ":raw":
            if not self.raw:
                self.action_toggle_raw()
            return
        if name != ":send":
            self.session.note(f"unknown : command {visible(name)!r}; the builder knows {COLON_HELP}")
            return
        if not argument or argument.startswith("ski:"):
            self.session.note(f"not sent: :send wants hex:.., @FILE or \"text\" ({COLON_HELP})")
            return
        try:
            data = resolve_source(argument, self.session.read_file)
        except PayloadError as exc:
            self.session.note(f"not sent: {exc}")
            return
        if not data:
            self.session.note(f"not sent: {visible(argument)} gives no bytes")
            return
        self.send_raw_bytes(data, f":send {argument}")

    def send_raw_bytes(self, data: bytes, label: str) -> None:
        """Send ``data`` as it is, with progress in the status line; Esc cancels."""
        if self._tx is None:
            self.notify("replay is read-only: nothing is sent", severity="warning")
            return
        if self.job_running:
            self.notify("a paste or send is still running: Esc cancels it", severity="warning")
            return
        done = [0]

        def progressed(sent: int, _total: int) -> None:
            done[0] = sent
            self.post_message(JobProgressed())

        def work(cancel: threading.Event) -> None:
            try:
                self.session.send_raw(data, label, cancel=cancel, progress=progressed)
            except PortError:
                pass  # the session noted how much went out
            self.post_message(JobEnded())

        self._start_job(lambda: f"{visible(label)}: {done[0]:,}/{len(data):,} bytes ({100 * done[0] // len(data)} %)",
                        work)

    def offer_file(self, path: Path) -> None:
        """Ctrl+O picked a file: as the payload of a command (``@PATH`` in the builder), or as it is."""
        def answered(choice: str | None) -> None:
            builder = self.query_one(CommandBuilder)
            if choice == "payload":
                builder.input.insert_text_at_cursor(f"@{path}")
                focus_now(builder.input)
            elif choice == "raw":
                try:
                    data = self.session.read_file(str(path))
                except OSError as exc:
                    self.session.note(f"not sent: {visible(str(path))}: {exc.strerror or exc}")
                    return
                if data:
                    self.send_raw_bytes(data, f":send @{path}")
                else:
                    self.session.note(f"not sent: {visible(str(path))} is empty")

        self.push_screen(Choice(f"Send {path}", {"payload": "As the payload of a command (@PATH)",
                                                 "raw": "Send the file as it is", "cancel": "Cancel"}),
                         answered)
