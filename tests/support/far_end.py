"""The module's end of a real pty, played by the test: it reads what the host sends, answers
with scripted bytes, and checks the line settings the host put on the port (the pty's termios).

The host (spwf-tui, as a subprocess or a session) opens ``path``, the pty's slave; the test
keeps the master, and a slave descriptor of its own: termios settings belong to the slave and
stay readable through any descriptor of it, whoever set them.
"""

from __future__ import annotations

import os
import select
import termios
import threading
import time
import tty
from collections.abc import Callable

BAUD_CONSTANTS = {getattr(termios, f"B{rate}"): rate for rate in (
    300, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600)
    if hasattr(termios, f"B{rate}")}


class FarEnd:
    """A pty whose master this object serves. ``answers`` maps a command line (without its CR)
    to the bytes sent back; ``write`` sends anything at any time."""

    def __init__(self, answers: dict[bytes, bytes | Callable[[], bytes]] | None = None) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.answers = dict(answers or {})
        self._received = bytearray()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="far-end")
        self._thread.start()

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def received(self) -> bytes:
        with self._lock:
            return bytes(self._received)

    def wait_received(self, needle: bytes, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.received():
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not received; got {self.received()[-300:]!r}")
            time.sleep(0.01)

    def settings(self) -> dict:
        """The line settings of the port now: baud, bytesize, parity, stopbits, rtscts, xonxoff."""
        iflag, _oflag, cflag, _lflag, ispeed, ospeed, _cc = termios.tcgetattr(self.slave)
        size = {termios.CS5: 5, termios.CS6: 6, termios.CS7: 7, termios.CS8: 8}[cflag & termios.CSIZE]
        parity = "N"
        if cflag & termios.PARENB:
            parity = "O" if cflag & termios.PARODD else "E"
        return {"baud": BAUD_CONSTANTS.get(ospeed, ospeed), "bytesize": size, "parity": parity,
                "stopbits": 2 if cflag & termios.CSTOPB else 1,
                "rtscts": bool(cflag & termios.CRTSCTS), "xonxoff": bool(iflag & termios.IXON)}

    def wait_settings(self, timeout: float = 10.0, **expected) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            now = self.settings()
            if all(now[key] == value for key, value in expected.items()):
                return now
            if time.monotonic() > deadline:
                raise AssertionError(f"port settings {now}, expected {expected}")
            time.sleep(0.02)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def _serve(self) -> None:
        line = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            with self._lock:
                self._received += data
            for byte in data:
                if byte == 0x0D:
                    answer = self.answers.get(line)
                    if callable(answer):
                        answer = answer()
                    if answer:
                        os.write(self.master, answer)
                    line = b""
                elif byte != 0x0A:
                    line += bytes([byte])
