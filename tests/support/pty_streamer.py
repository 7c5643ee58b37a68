"""A fake board for fault tests: a pty behind a symlink that streams numbered lines, and can be
"unplugged" (pty closed, link removed) and "plugged in" again (new pty, same link)."""

from __future__ import annotations

import os
import threading
import tty
from pathlib import Path


class PtyStreamer:
    """Streams ``+WIND:55:Pending Data::0:<n>:<n>`` style lines on a pty while plugged in."""

    def __init__(self, link: Path) -> None:
        self.link = link
        self.written = bytearray()
        """Every byte written into the pty, across all plug cycles."""
        self._fds: tuple[int, int] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._counter = 0

    def plug(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        temporary = self.link.with_name(self.link.name + ".tmp")
        temporary.unlink(missing_ok=True)
        os.symlink(os.ttyname(slave), temporary)
        os.replace(temporary, self.link)
        self._fds = (master, slave)
        self._stop.clear()
        self._thread = threading.Thread(target=self._stream, args=(master,), daemon=True)
        self._thread.start()

    def unplug(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self.link.unlink(missing_ok=True)
        if self._fds:
            for fd in self._fds:
                os.close(fd)
            self._fds = None

    def _stream(self, master: int) -> None:
        while not self._stop.wait(0.002):
            self._counter += 1
            line = b"+WIND:55:Pending Data::0:%d:%d\r\n" % (self._counter, self._counter)
            try:
                os.write(master, line)
            except OSError:
                return
            self.written += line
