"""A single thread that sends queued commands in order, so front ends never block on a write.

A large upload at 115200 baud takes seconds; the UI thread only queues it. One thread keeps the
order of what the user typed; the session's TX lock keeps each data-phase upload whole.
"""

from __future__ import annotations

import queue
import threading

from spwf_tui.core.payload import Outgoing
from spwf_tui.session.frontend import FrontSession
from spwf_tui.transport.errors import PortError


class TxWorker:
    """Sends ``Outgoing`` commands for a session, one after the other."""

    def __init__(self, session: FrontSession) -> None:
        self._session = session
        self._queue: queue.Queue[Outgoing | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="tx", daemon=False)

    def start(self) -> None:
        self._thread.start()

    def submit(self, outgoing: Outgoing) -> None:
        """Queue one command (any thread)."""
        self._queue.put(outgoing)

    def stop(self) -> None:
        """Finish what is queued, then stop the thread."""
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while (outgoing := self._queue.get()) is not None:
            try:
                self._session.send_outgoing(outgoing)
            except PortError as exc:
                self._session.note(f"not sent: {outgoing.line}: {exc}")
