"""Small generic fixtures for the unit tests."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest

from spwf_tui.emulator import EmulatedModule

BOOT_DONE = b"+WIND:24:WiFi Up::"
"""The last boot line of the emulated module with factory settings (the IPv6 WiFi Up)."""

FINAL = re.compile(rb"AT-S\.(OK|ERROR[^\r]*)\r\n")
"""The final line of a reply: OK, or an error with its text."""


class Wire:
    """Collects what the emulated module sends; lets a test wait for a marker with a timeout."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._changed = threading.Condition()

    def __call__(self, data: bytes) -> None:
        with self._changed:
            self._data += data
            self._changed.notify_all()

    def take(self) -> bytes:
        """Everything received so far; the wire is empty afterwards."""
        with self._changed:
            data = bytes(self._data)
            self._data.clear()
            return data

    def wait_for(self, marker: bytes | re.Pattern[bytes], timeout: float = 5.0) -> bytes:
        """Wait until ``marker`` (bytes, or a regex) and the rest of its line have arrived;
        return everything received so far and clear the wire."""
        def ready() -> bool:
            if isinstance(marker, bytes):
                index = self._data.find(marker)
            else:
                match = marker.search(self._data)
                index = match.start() if match else -1
            return index >= 0 and self._data.find(b"\r\n", index) >= 0

        with self._changed:
            if not self._changed.wait_for(ready, timeout):
                raise AssertionError(f"{marker!r} not in {timeout}s: {bytes(self._data)!r}")
            data = bytes(self._data)
            self._data.clear()
            return data


def feed(module: EmulatedModule, data: bytes, chunk: int | None = None) -> None:
    """Send ``data`` whole, or ``chunk`` bytes at a time."""
    if chunk is None:
        module.receive(data)
        return
    for start in range(0, len(data), chunk):
        module.receive(data[start:start + chunk])


def exchange(module: EmulatedModule, wire: Wire, data: bytes, chunk: int | None = None) -> bytes:
    """Send ``data`` (optionally in chunks) and return what came back meanwhile."""
    wire.take()
    feed(module, data, chunk)
    return wire.take()


def write_and_wait(module: EmulatedModule, wire: Wire, sock_id: int, payload: bytes,
                   chunk: int | None = None) -> bytes:
    """``SOCKW`` ``payload`` to an echoing peer; wait for the WIND 55 whose total reaches its
    length and return everything received meanwhile. The WIND may follow the OK at once, so
    nothing is taken off the wire in between."""
    wire.take()
    feed(module, b"AT+S.SOCKW=%d,%d\r" % (sock_id, len(payload)) + payload, chunk)
    return wire.wait_for(
        re.compile(rb"\+WIND:55:Pending Data::%d:\d+:%d\r\n" % (sock_id, len(payload))))


def until_final(module: EmulatedModule, wire: Wire, data: bytes, timeout: float = 30) -> bytes:
    """Send ``data`` and wait for the final line (commands that talk to a peer take a while);
    everything received meanwhile. After a deferred command the worker may still own the input
    for a moment, so the answer can come after ``receive`` returns."""
    wire.take()
    module.receive(data)
    return wire.wait_for(FINAL, timeout=timeout)


def ask(module: EmulatedModule, wire: Wire, line: str, timeout: float = 30) -> bytes:
    """``until_final`` for one command line (the CR added here)."""
    return until_final(module, wire, line.encode() + b"\r", timeout)


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
def module(wire: Wire) -> Iterator[EmulatedModule]:
    """An emulated module, booted and joined (boot output already taken off the wire)."""
    emulated = EmulatedModule(wire, boot_delay=0)
    emulated.start()
    wire.wait_for(BOOT_DONE)
    yield emulated
    emulated.close()


@pytest.fixture(params=[None, 1, 3], ids=["whole", "bytewise", "3-byte"])
def chunk(request: pytest.FixtureRequest) -> int | None:
    """Chunk sizes for host input."""
    return request.param
