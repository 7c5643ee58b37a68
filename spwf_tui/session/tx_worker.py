"""A single thread that sends queued commands in order, so front ends never block on a write.

A large upload at 115200 baud takes seconds; the UI thread only queues it. One thread keeps the
order of what the user typed; the session's TX lock keeps each data-phase upload whole. A run of
``Steps`` (the certificate inspector's upload) is one item of that queue: each command goes once
the one before has its final reply, and what the user types meanwhile waits its turn.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from spwf_tui.core.payload import Outgoing
from spwf_tui.session.frontend import FrontSession
from spwf_tui.session.pending import PendingCommand
from spwf_tui.transport.errors import PortError


@dataclass(frozen=True)
class Steps:
    """Commands sent one after the other, each after the previous one's final reply; the first
    that fails, times out or cannot be sent ends the run."""

    commands: tuple[Outgoing, ...]
    on_result: Callable[[Outgoing, PendingCommand | None, str | None], None]
    """Called on the TX thread after each command: its pending entry (replies and outcome), or
    None and why it was not sent. It may only hand the result on (post a message)."""


class TxWorker:
    """Sends ``Outgoing`` commands (and runs of ``Steps``) for a session, one after the other."""

    def __init__(self, session: FrontSession) -> None:
        self._session = session
        self._queue: queue.Queue[Outgoing | bytes | Steps | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="tx", daemon=False)

    def start(self) -> None:
        self._thread.start()

    def submit(self, outgoing: Outgoing) -> None:
        """Queue one command (any thread)."""
        self._queue.put(outgoing)

    def submit_steps(self, steps: Steps) -> None:
        """Queue a run of commands that wait for each other's replies (any thread)."""
        self._queue.put(steps)

    def submit_raw(self, data: bytes) -> None:
        """Queue bytes typed in raw mode (``Session.send_keys``), in order with the commands."""
        self._queue.put(data)

    def stop(self) -> None:
        """Finish what is queued, then stop the thread."""
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if isinstance(item, Steps):
                self._run_steps(item)
                continue
            try:
                if isinstance(item, bytes):
                    self._session.send_keys(item)
                else:
                    self._session.send_outgoing(item)
            except PortError as exc:
                what = "raw keys" if isinstance(item, bytes) else item.line
                self._session.note(f"not sent: {what}: {exc}")

    def _run_steps(self, steps: Steps) -> None:
        for outgoing in steps.commands:
            try:
                command = self._session.wait(self._session.send_outgoing(outgoing))
            except PortError as exc:
                steps.on_result(outgoing, None, str(exc))
                return
            steps.on_result(outgoing, command, None)
            if not command.succeeded:
                return
