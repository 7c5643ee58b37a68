"""A fake board for fault tests: a pty behind a symlink that can be "unplugged" (pty closed, link
removed) and "plugged in" again (new pty, same link).

While plugged in it can stream numbered ``+WIND:55`` lines (the default, for unplug tests),
captures every byte the host writes (``received``), answers each host line through ``answer``
(a silent module, a module that resets mid-command) and takes arbitrary bytes to write
(``inject``: line noise). ``written`` holds every byte the board wrote, across plug cycles.
"""

from __future__ import annotations

import hashlib
import os
import select
import threading
import tty
from collections.abc import Callable
from pathlib import Path

Answer = Callable[[bytes], bytes]
"""Given one host line (without its CR), the bytes the board writes back (b"": stay silent)."""


class PtyStreamer:
    """A pty board: streams ``+WIND:55:Pending Data::0:<n>:<n>`` lines, reads and answers the host.

    Args:
        link: the symlink the session opens (it points at the current pty).
        stream: write a numbered line every 2 ms while plugged in.
        answer: called for each CR-terminated line the host sends; its result is written back.
        keep_written: keep every byte written in ``written`` (off for memory measurements:
            ``written_count`` and ``written_digest`` are kept either way).
    """

    def __init__(self, link: Path, *, stream: bool = True, answer: Answer | None = None,
                 keep_written: bool = True) -> None:
        self.link = link
        self.stream = stream
        self.answer = answer
        self.keep_written = keep_written
        self.written = bytearray()
        """Every byte written into the pty, across all plug cycles."""
        self.written_count = 0
        self.written_digest = hashlib.sha256()
        self.received = bytearray()
        """Every byte the host wrote, across all plug cycles."""
        self.lines: list[bytes] = []
        """The host's CR-terminated lines, in order (CR removed)."""
        self._fds: tuple[int, int] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._write_lock = threading.Lock()
        self._partial = bytearray()
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
        self._thread = threading.Thread(target=self._run, args=(master,), daemon=True)
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

    def inject(self, data: bytes) -> None:
        """Write ``data`` to the host now (blocks while the host has not read the pty's buffer)."""
        assert self._fds is not None, "plug the board in first"
        self._write(self._fds[0], data)

    # -- internals --------------------------------------------------------------------------

    def _write(self, master: int, data: bytes) -> None:
        # One writer at a time, so a streamed line never lands inside an injected block.
        with self._write_lock:
            view = memoryview(data)
            while view:
                view = view[os.write(master, view):]
            if self.keep_written:
                self.written += data
            self.written_count += len(data)
            self.written_digest.update(data)

    def _run(self, master: int) -> None:
        while not self._stop.is_set():
            try:
                readable, _, _ = select.select([master], [], [], 0.002)
                if readable:
                    self._host_bytes(master, os.read(master, 65536))
                if self.stream:
                    self._counter += 1
                    self._write(master, b"+WIND:55:Pending Data::0:%d:%d\r\n" % (self._counter, self._counter))
            except OSError:
                return

    def _host_bytes(self, master: int, data: bytes) -> None:
        self.received += data
        self._partial += data
        while (end := self._partial.find(b"\r")) >= 0:
            line = bytes(self._partial[:end])
            del self._partial[:end + 1]
            self.lines.append(line)
            reply = self.answer(line) if self.answer else b""
            if reply:
                self._write(master, reply)
