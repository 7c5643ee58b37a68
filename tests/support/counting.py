"""A transport whose port calls are counted, and a listener that collects what arrives: for
structural checks of the reader (how many calls a burst takes), never for timing."""

from __future__ import annotations

import threading

from spwf_tui.transport.serial_transport import SerialTransport


class CountingPort:
    """Stands between the transport and the real port it opened; counts the calls that read."""

    def __init__(self, port) -> None:
        self._port = port
        self.calls = 0

    def __getattr__(self, name):
        value = getattr(self._port, name)
        if name in ("read", "read_available", "in_waiting"):
            self.calls += 1
        return value


class CountingTransport(SerialTransport):
    def _open_port(self, *args):
        self.port = CountingPort(super()._open_port(*args))
        return self.port


class Collector:
    def __init__(self, expected: int) -> None:
        self.data = bytearray()
        self.expected = expected
        self.complete = threading.Event()

    def data_received(self, data: bytes) -> None:
        self.data += data
        if len(self.data) >= self.expected:
            self.complete.set()

    def state_changed(self, state: str, reason: str) -> None:
        pass
