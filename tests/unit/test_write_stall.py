"""A write to a port that stops taking bytes ends after the write timeout and says exactly how
many bytes left (an interrupted upload is reported with how far it got): a real pty whose other
end is never read."""

from __future__ import annotations

import os
import random
import tty

import pytest

from spwf_tui.transport import urls
from spwf_tui.transport.errors import PortWriteError
from spwf_tui.transport.serial_transport import SerialTransport
from spwf_tui.transport.settings import PortSettings


class _Quiet:
    def data_received(self, data: bytes) -> None:
        pass

    def state_changed(self, state: str, reason: str) -> None:
        pass


def _drain(fd: int) -> bytes:
    """Everything the pty holds for its master now."""
    os.set_blocking(fd, False)
    pieces = []
    while True:
        try:
            piece = os.read(fd, 1 << 16)
        except (BlockingIOError, OSError):
            return b"".join(pieces)
        if not piece:
            return b"".join(pieces)
        pieces.append(piece)


def test_a_stalled_write_times_out_and_counts_what_left(monkeypatch):
    monkeypatch.setattr(urls, "WRITE_TIMEOUT", 0.3)  # the 10 s of a real port, shortened
    master, slave = os.openpty()
    tty.setraw(master)
    transport = SerialTransport(PortSettings(os.ttyname(slave)), _Quiet(), reconnect=False)
    data = random.Random(3).randbytes(1 << 20)  # far more than a pty buffers
    transport.open()
    try:
        with pytest.raises(PortWriteError, match="Write timeout") as failure:
            transport.write(data)
        sent = failure.value.sent
        assert 0 < sent < len(data)
        assert _drain(master) == data[:sent]  # every byte counted left, none more
    finally:
        transport.close()
        os.close(master)
        os.close(slave)
