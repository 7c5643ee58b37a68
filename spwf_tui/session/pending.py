"""Which reply belongs to which command: the pending-command tracker.

The module answers commands in order and ends each with ``AT-S.OK`` or ``AT-S.ERROR``; WINDs
come in between and belong to no command. The tracker keeps the commands sent and not yet
answered, gives each the lines that arrive while it is at the head, and completes it on its final
line, on a timeout, on a module reset or when the port vanishes.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from spwf_tui.core.events import ECHO, WIND, Event

DONE_OK = "ok"
DONE_ERROR = "error"
TIMED_OUT = "timeout"
INTERRUPTED = "interrupted"
"""The port vanished or the module reset before the final reply."""
MAX_REPLY_BYTES = 8 * 1024 * 1024
"""Bytes of reply lines one command keeps (``PendingCommand.replies``), as the log view keeps
(``session.log.MAX_BYTES``): a module that streams without a final line (a hostile one, a flood,
an FSP of a large file) at a pty's 100 MB/s made the reply list grow by that much until the
timeout. Past it, lines are counted (``replies_dropped``), not kept; the final line always is."""

_ids = itertools.count(1)


@dataclass(eq=False)
class PendingCommand:
    """A command sent to the module and, once done, its outcome."""

    line: str
    sent_at: float
    """``time.monotonic()`` when it was handed to the port (once written, its last byte)."""
    id: int = field(default_factory=lambda: next(_ids))
    replies: list[Event] = field(default_factory=list)
    """Every non-WIND event that arrived for it, echo included, final line last; up to
    ``MAX_REPLY_BYTES`` of them (then the final line only)."""
    reply_bytes: int = 0
    """The kept replies' bytes."""
    replies_dropped: int = 0
    """Reply lines past ``MAX_REPLY_BYTES``, counted and not kept."""
    outcome: str | None = None
    reason: str = ""
    """For ``timeout`` and ``interrupted``: why, in words."""
    deadline: float | None = None
    """``time.monotonic()`` after which the session gives up on it; None: never."""
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def done(self) -> bool:
        """True once the command has an outcome."""
        return self._done.is_set()

    @property
    def succeeded(self) -> bool:
        """True when the module answered ``AT-S.OK``."""
        return self.outcome == DONE_OK

    @property
    def final(self) -> Event | None:
        """The final ``AT-S.OK`` / ``AT-S.ERROR`` event, if one came."""
        return self.replies[-1] if self.replies and self.replies[-1].is_final else None

    def wait(self, timeout: float | None) -> bool:
        """Block until done or ``timeout`` seconds; True when done."""
        return self._done.wait(timeout)

    def _finish(self, outcome: str, reason: str = "") -> None:
        self.outcome = outcome
        self.reason = reason
        self._done.set()


class PendingTracker:
    """The queue of commands awaiting their final reply; thread-safe."""

    def __init__(self) -> None:
        self._queue: deque[PendingCommand] = deque()
        self._lock = threading.Lock()

    def add(self, line: str, timeout: float | None = None) -> PendingCommand:
        """Register ``line`` as sent now; it is overdue ``timeout`` seconds from now."""
        now = time.monotonic()
        command = PendingCommand(line, now, deadline=None if timeout is None else now + timeout)
        with self._lock:
            self._queue.append(command)
        return command

    def __bool__(self) -> bool:
        """True while a command awaits its reply (no lock: a deque's length is read atomically)."""
        return bool(self._queue)

    @property
    def head(self) -> PendingCommand | None:
        """The command the next reply line belongs to."""
        with self._lock:
            return self._queue[0] if self._queue else None

    def attribute(self, event: Event) -> PendingCommand | None:
        """Give ``event`` to the command it answers; returns that command (None: unsolicited)."""
        if event.kind == WIND:
            return None
        with self._lock:
            if not self._queue:
                return None
            if event.kind == ECHO:
                self._skip_to_echoed(event.text)
            command = self._queue[0]
            if command.reply_bytes < MAX_REPLY_BYTES or event.is_final:
                command.replies.append(event)
                command.reply_bytes += len(event.raw)
            else:
                command.replies_dropped += 1
            if event.is_final:
                self._queue.popleft()
                command._finish(DONE_OK if event.kind == "ok" else DONE_ERROR)
        return command

    def overdue(self, now: float) -> list[PendingCommand]:
        """The commands whose deadline has passed at ``now`` (monotonic), oldest first."""
        with self._lock:
            return [c for c in self._queue if c.deadline is not None and c.deadline <= now]

    def next_deadline(self) -> float | None:
        """The earliest deadline of a pending command (monotonic), or None: nothing to time out."""
        with self._lock:
            return min((c.deadline for c in self._queue if c.deadline is not None), default=None)

    def find(self, line: str) -> PendingCommand | None:
        """The oldest pending command sent as ``line`` (a replay repeating a recorded timeout)."""
        with self._lock:
            return next((command for command in self._queue if command.line == line), None)

    def expire(self, command: PendingCommand, reason: str) -> None:
        """Give up on ``command`` (and drop it from the queue)."""
        with self._lock:
            if command in self._queue:
                self._queue.remove(command)
        if not command.done:
            command._finish(TIMED_OUT, reason)

    def interrupt_all(self, reason: str) -> list[PendingCommand]:
        """Fail every pending command with ``reason`` (port gone, module reset)."""
        with self._lock:
            dropped = list(self._queue)
            self._queue.clear()
        for command in dropped:
            command._finish(INTERRUPTED, reason)
        return dropped

    def _skip_to_echoed(self, echo: str) -> None:
        """An echo for a later command means the earlier ones will get no reply any more."""
        wanted = echo.strip().upper()
        for index, command in enumerate(self._queue):
            if command.line.strip().upper() == wanted:
                for _ in range(index):
                    self._queue.popleft()._finish(INTERRUPTED, "no reply before the next command's echo")
                return
