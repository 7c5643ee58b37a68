"""AT-aware paste: a pasted block of command lines sent one at a time (docs/protocol.md §12).

The module has no type-ahead worth the name: a second command sent before the first one's final
reply is at best answered late, and a pasted block joined into one line is one command
(``SSIDTXT=Lab`` + LF + ``SSIDTXT`` set the SSID to ``Lab`` LF ``AT+S.SSIDTXT``). So a paste becomes
a queue: every line is encoded first (payload sources resolved: a bad line means nothing is sent),
then each is sent after the previous one's final reply (OK, ERROR, the timeout). An ERROR stops
the queue; ``run`` again goes on with the next line. ``cancel`` stops it between lines, or while
a line waits for its reply (that reply still arrives and is shown; the rest is not sent).

Who calls what: a front end builds ``PasteQueue(session, lines)`` on its UI thread (it raises
``PayloadError`` for a bad line) and calls ``run`` on a thread of its own, which blocks while the
module answers; ``progress`` is called on that thread after each line is sent and answered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from spwf_tui.core.display import visible
from spwf_tui.core.payload import Outgoing, PayloadError
from spwf_tui.core.redact import redact_text
from spwf_tui.session.frontend import FrontSession
from spwf_tui.session.pending import DONE_ERROR, INTERRUPTED
from spwf_tui.transport.errors import PortError

DONE = "done"
"""Every line was sent and answered."""
STOPPED_ON_ERROR = "error"
"""A line answered ERROR; ``run`` again goes on with the next one."""
CANCELLED = "cancelled"
LOST = "lost"
"""The port vanished (or the module reset) while a line waited, or a write failed."""

POLL_SECONDS = 0.05
"""How often a waiting queue looks at ``cancel`` (its reaction time to Esc / Ctrl+C)."""


def split_pasted(text: str) -> list[str]:
    """The command lines of a pasted block: CR LF, CR and LF all end a line; blank lines go."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line for line in lines if line.strip()]


def is_multi_line(text: str) -> bool:
    """True when a paste holds more than one command line (one line is typed, not queued)."""
    return len(split_pasted(text)) > 1


class PasteQueue:
    """The lines of one paste, encoded, and how far sending them has got."""

    def __init__(self, session: FrontSession, lines: list[str]) -> None:
        """Encode every line now.

        Raises:
            PayloadError: a line's payload source is bad, or a line gives a plain data-phase
                length (there is no dialog per pasted line): the message names the line.
        """
        self.session = session
        self.outgoing: list[Outgoing] = []
        for number, line in enumerate(lines, 1):
            if line.lstrip().startswith(":"):
                raise PayloadError(f"pasted line {number} is a : command; paste AT commands only, "
                                   "nothing was sent")
            try:
                outgoing = session.prepare(line.strip())
            except PayloadError as exc:
                raise PayloadError(f"pasted line {number}: {exc}; nothing was sent") from None
            if outgoing.awaiting_payload is not None:
                raise PayloadError(
                    f"pasted line {number}: {outgoing.line} announces {outgoing.awaiting_payload} payload "
                    "bytes; give a source in place of the length (@FILE, hex:.., ski:FILE, \"text\"); "
                    "nothing was sent")
            self.outgoing.append(outgoing)
        self.sent = 0
        """Lines sent so far (the one waiting for its reply included)."""
        self.answered = 0
        """Lines whose final reply came (or whose time ran out)."""
        self.errors = 0
        self.outcome: str | None = None
        """The last ``run``'s result (``DONE``, ``STOPPED_ON_ERROR``, ``CANCELLED``, ``LOST``)."""
        self.last_reason = ""
        """For ``STOPPED_ON_ERROR`` and ``LOST``: the reply or the reason, in words."""

    @property
    def total(self) -> int:
        return len(self.outgoing)

    @property
    def remaining(self) -> int:
        """Lines not sent yet."""
        return self.total - self.sent

    def current_line(self) -> str:
        """The line sent last, secrets redacted (for a progress line)."""
        if not self.sent:
            return ""
        return visible(redact_text(self.outgoing[self.sent - 1].line)[0])

    def progress_text(self) -> str:
        """``paste 3/12: AT+S.STS`` (secrets redacted)."""
        return f"paste {self.sent}/{self.total}: {self.current_line()}"

    def run(self, cancel: threading.Event, progress: Callable[[PasteQueue], None] | None = None) -> str:
        """Send the lines not sent yet, each after the previous one's final reply; returns the outcome."""
        self.outcome = None
        while self.sent < self.total:
            if cancel.is_set():
                return self._end(CANCELLED)
            outgoing = self.outgoing[self.sent]
            try:
                command = self.session.send_outgoing(outgoing)
            except PortError as exc:
                self.sent += 1
                return self._end(LOST, str(exc))
            self.sent += 1
            if progress is not None:
                progress(self)
            while not command.wait(POLL_SECONDS):
                if cancel.is_set():
                    return self._end(CANCELLED)
            self.answered += 1
            if progress is not None:
                progress(self)
            if command.outcome == DONE_ERROR:
                self.errors += 1
                final = command.final
                return self._end(STOPPED_ON_ERROR, final.text if final is not None else "ERROR")
            if command.outcome == INTERRUPTED:
                return self._end(LOST, command.reason)
        return self._end(DONE)

    def _end(self, outcome: str, reason: str = "") -> str:
        self.outcome = outcome
        self.last_reason = visible(reason)  # the module's reply: outside text
        return outcome

    def summary(self) -> str:
        """One line on how the paste ended, for a note."""
        if self.outcome == DONE:
            errors = f", {self.errors} answered ERROR (went on)" if self.errors else ""
            return f"paste: all {self.total} lines sent{errors}"
        if self.outcome == STOPPED_ON_ERROR:
            return (f"paste stopped at line {self.sent}/{self.total} ({self.last_reason}); "
                    f"{self.remaining} line(s) not sent")
        if self.outcome == CANCELLED:
            return f"paste cancelled after {self.sent}/{self.total} lines; {self.remaining} line(s) not sent"
        if self.outcome == LOST:
            return f"paste stopped at line {self.sent}/{self.total}: {self.last_reason}; {self.remaining} not sent"
        return f"paste {self.sent}/{self.total}"
