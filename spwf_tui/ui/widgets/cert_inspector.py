"""The certificate inspector pane: what the module will make of a certificate or key file, and a
one-step upload (CA plus the 20-byte ``auth`` when needed, cert or key) checked with
``TLSCERT=content,1``.

The facts and warnings come from ``ui/cert_report.py`` (a thin view over the core certificate
logic), the upload's commands from ``core.certs.plan`` (as ``cert plan``). They are sent by the app's
``TxWorker`` like typed commands, each after the previous one's reply, so they are logged and
recorded and keep their place among what the user types.
"""

from __future__ import annotations

from pathlib import Path

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Static

from spwf_tui.core.display import visible
from spwf_tui.core.payload import Outgoing
from spwf_tui.session.frontend import FrontSession
from spwf_tui.session.pending import PendingCommand
from spwf_tui.session.tx_worker import Steps
from spwf_tui.ui.widgets.path_suggester import PathSuggester


class CertInspector(Vertical):
    """Path input, report, upload buttons and the upload's step results."""

    class StepDone(Message):
        """One upload step finished (posted from the upload thread)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, session: FrontSession, send_steps: Callable[[Steps], None] | None = None,
                 id: str | None = None) -> None:
        """``send_steps`` queues a run of commands on the app's TX worker (None: read-only)."""
        super().__init__(id=id)
        self._session = session
        self._send_steps = send_steps
        self._path: Path | None = None
        self._judged_offset: float | None = None
        """The module clock offset the report was made with."""
        self._step_lines: list[str] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder="cert/key file; → completes, Enter inspects", id="cert-path",
                    suggester=PathSuggester(), compact=True)
        with VerticalScroll(id="cert-report-scroll"):
            yield Static("", id="cert-report", markup=False)
        with Horizontal(id="cert-actions"):
            yield Button("CA", id="upload-ca", compact=True, tooltip="upload as CA (+ auth when needed)")
            yield Button("Cert", id="upload-cert", compact=True, tooltip="upload as own certificate")
            yield Button("Key", id="upload-key", compact=True, tooltip="upload as private key")
            yield Button("List", id="upload-list", compact=True, tooltip="AT+S.TLSCERT=content,1")
        yield Static("", id="cert-steps", markup=False)

    def inspect(self, path: Path) -> None:
        """Show the report for ``path``."""
        self._path = path
        self._judged_offset = self._session.state.clock_offset
        from spwf_tui.ui.cert_report import describe_file  # cryptography: on first use, not at start-up

        text, _ = describe_file(path, self._session.state.module_time(), self._session.clock())
        # The report quotes the file (subject, SAN, URIs) and its name: escaped, line by line.
        self.query_one("#cert-report", Static).update(visible(text, keep="\n"))

    def module_state_changed(self) -> None:
        """The module clock may have changed: re-judge validity.

        Called after every batch the session delivers; the file is read and judged again only
        when the module's clock was set, read or lost since (a flood would re-read it per batch).
        """
        offset = self._session.state.clock_offset
        if self._path is not None and offset != self._judged_offset:
            self.inspect(self._path)

    @on(Input.Submitted, "#cert-path")
    def _path_entered(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.inspect(Path(event.value.strip()).expanduser())

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        role = (event.button.id or "").removeprefix("upload-")
        if self._session.read_only or self._send_steps is None:
            self.notify("replay is read-only: nothing is sent", severity="warning")
            return
        if role != "list" and self._path is None:
            self.notify("give a file first (type its path, Enter)", severity="warning")
            return
        self._step_lines = []
        self.query_one("#cert-steps", Static).update("")
        try:
            from spwf_tui.ui.cert_report import upload_commands

            commands = upload_commands(self._path, role, self._session.read_file,
                                       self._session.state.module_time(), self._session.clock())
        except ValueError as exc:
            self._step_done(self.StepDone(f"✗ {exc}"))
            return
        self._send_steps(Steps(commands, self._step_result))

    def _step_result(self, outgoing: Outgoing, command: PendingCommand | None, problem: str | None) -> None:
        """One step's outcome (on the TX thread: only posts)."""
        if command is None:
            self.post_message(self.StepDone(f"✗ {outgoing.line}: {problem}"))
            return
        replies = [event.text for event in command.replies]
        final = command.final.text if command.final else f"{command.outcome}: {command.reason}"
        detail = [r for r in replies[1:-1] if r]
        self.post_message(self.StepDone(f"{'✓' if command.succeeded else '✗'} {command.line}  → "
                                        + "  ".join([*detail, final])))

    @on(StepDone)
    def _step_done(self, message: StepDone) -> None:
        self._step_lines.append(message.text)
        # Each step quotes the module's replies: escaped.
        self.query_one("#cert-steps", Static).update("\n".join(map(visible, self._step_lines)))
