"""The host end of a serial AT console, as an embedded driver sees it: a raw pty, lines ended by
LF (CR stripped), commands sent with a CR, and out-of-band lines (``+WIND:``) handled by prefix
wherever they arrive, as mbed's AT parser does.

``recv(pattern)`` reads lines until one matches the regular expression in full; lines that do
not match and are no out-of-band line are skipped (and kept in ``skipped``), which is how the
driver's parser behaves. Every wait has a timeout, so a wrong emulator fails the test instead of
hanging it.
"""

from __future__ import annotations

import os
import re
import select
import time
import tty
from collections.abc import Callable


class AtTimeout(AssertionError):
    """Nothing matching arrived in time."""


class AtHost:
    """One open pty, read and written like a microcontroller's UART driver would."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self._buffer = bytearray()
        self.oob: dict[bytes, Callable[[bytes], None]] = {}
        self.skipped: list[bytes] = []
        self.seen: list[bytes] = []
        """Every complete line read, in order (out-of-band ones included)."""

    def close(self) -> None:
        os.close(self.fd)

    def send(self, command: str) -> None:
        """A command line and its CR (the driver's send delimiter)."""
        self.write(command.encode("latin-1") + b"\r")

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    def _fill(self, deadline: float) -> None:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AtTimeout(f"timed out; unread: {bytes(self._buffer[-300:])!r}; "
                            f"last lines: {self.seen[-5:]!r}")
        readable, _, _ = select.select([self.fd], [], [], min(left, 0.5))
        if readable:
            self._buffer += os.read(self.fd, 65536)

    def line(self, timeout: float) -> bytes:
        """The next line without its CR LF (out-of-band lines included)."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            self._fill(deadline)
        raw, _, rest = bytes(self._buffer).partition(b"\n")
        self._buffer[:] = rest
        line = raw.rstrip(b"\r")
        self.seen.append(line)
        return line

    def recv(self, pattern: str | bytes, timeout: float = 10.0) -> re.Match[bytes]:
        """Read lines until one matches ``pattern`` in full; others are skipped or handled as
        out-of-band."""
        regex = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        deadline = time.monotonic() + timeout
        while True:
            line = self.line(max(0.0, deadline - time.monotonic()))
            match = regex.fullmatch(line)
            if match:
                return match
            for prefix, handler in self.oob.items():
                if line.startswith(prefix):
                    handler(line)
                    break
            else:
                self.skipped.append(line)

    def read_exact(self, count: int, timeout: float = 10.0) -> bytes:
        """Exactly ``count`` raw bytes (a SOCKR payload)."""
        deadline = time.monotonic() + timeout
        while len(self._buffer) < count:
            self._fill(deadline)
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        return data

    def recv_ok(self, timeout: float = 10.0) -> None:
        """The final ``AT-S.OK`` (an error line fails the test with its text)."""
        match = self.recv(rb"AT-S\.OK(:.*)?|AT-S\.ERROR.*", timeout)
        if match.group(0).startswith(b"AT-S.ERROR"):
            raise AssertionError(f"module answered {match.group(0)!r}")

    def recv_error(self, timeout: float = 10.0) -> int:
        """The final ``AT-S.ERROR:<n>:<text>`` line's number (OK fails the test)."""
        match = self.recv(rb"AT-S\.OK(:.*)?|AT-S\.ERROR:(\d+)(:.*)?", timeout)
        if match.group(2) is None:
            raise AssertionError(f"expected an error, got {match.group(0)!r}")
        return int(match.group(2))
