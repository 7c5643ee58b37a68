"""``--log FILE``: what the screen shows, appended as plain text while the session runs.

What tio's ``--log`` and Tera Term's Log give: one line per sent command, module line and note,
in the transcript's form (``> `` sent, ``< `` received, ``# `` note, ``= `` explanation;
``session.transcript``), optionally after a UTC timestamp. It sits beside the JSONL recording,
which stays the byte-exact record. Each batch of entries is one ``os.write`` as it is added, so
the file holds every complete line at once (a line still arriving is written when it ends).
The file is appended to, owner-only, never through a link (``safefiles``); secrets are redacted
whatever the screen shows (``--show-secrets`` shows them, the log never has them).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from spwf_tui import safefiles
from spwf_tui.session.log import LogEntry
from spwf_tui.session.redacted_entries import redact_entry
from spwf_tui.session.transcript import format_entry


class TextLog:
    """An open ``--log`` file. ``redact``: the entries it gets may hold secrets (the session
    shows them), so it redacts its own copies."""

    def __init__(self, path: Path, *, timestamps: bool = False, redact: bool = False) -> None:
        self.path = path
        self._fd: int | None = safefiles.open_append(path, what="--log file")
        self._timestamps = timestamps
        self._redact = redact
        self._lock = threading.Lock()
        self.on_problem: Callable[[str], None] | None = None
        """Told once when the file cannot be written any more (the session notes it)."""

    def write(self, entries: list[LogEntry]) -> None:
        """Append ``entries`` as text (any thread); after a failure, nothing more."""
        if self._fd is None or not entries:
            return
        text = "".join(self._lines(entries)).encode("utf-8", "backslashreplace")
        with self._lock:
            if self._fd is None:
                return
            try:
                safefiles.write_all(self._fd, text)
            except OSError as exc:
                self._stop()
                problem = f"--log {self.path}: cannot write ({exc.strerror or exc}); the log stops here"
                if self.on_problem is not None:
                    self.on_problem(problem)

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        fd, self._fd = self._fd, None
        safefiles.close_quietly(fd)

    def _lines(self, entries: list[LogEntry]) -> Iterator[str]:
        for entry in entries:
            text = format_entry(redact_entry(entry) if self._redact else entry)
            if self._timestamps:
                stamp = stamp_of(entry.time)
                text = "".join(f"{stamp} {line}\n" for line in text.splitlines())
            yield text


def stamp_of(seconds: float) -> str:
    """``2026-12-07T05:12:33.123Z``."""
    whole = int(seconds)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{int((seconds - whole) * 1000):03d}Z"
