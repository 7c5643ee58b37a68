"""The plain defaults every transport has from ``transport.base.Transport``: ``hurry`` and
``write_pieces`` (the session calls both directly)."""

from __future__ import annotations

import pytest

from spwf_tui.session.recording.reader import read_recording
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.session import TX_FIRST_PIECE, Session
from spwf_tui.transport.base import Transport
from spwf_tui.transport.errors import PortWriteError
from spwf_tui.transport.settings import PortSettings


class _Limited(Transport):
    """Takes writes until ``limit`` bytes have gone, then fails part-way, as a port that vanished."""

    route = None

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.written = bytearray()

    def open(self) -> None: ...
    def close(self) -> None: ...

    def reopen(self) -> str:
        raise NotImplementedError

    def write(self, data: bytes) -> int:
        room = max(0, self.limit - len(self.written))
        self.written += data[:room]
        if room < len(data):
            raise PortWriteError("device gone", room)
        return len(data)


def test_write_pieces_writes_each_piece_in_order_and_counts_them():
    port = _Limited(100)
    assert port.write_pieces(iter([b"abc", b"", b"defg"]), 7) == 7
    assert bytes(port.written) == b"abcdefg"
    port.hurry()  # a transport without pauses: nothing to do, nothing raised


def test_a_failing_piece_reports_every_byte_that_left_before_it():
    port = _Limited(10)
    with pytest.raises(PortWriteError) as failed:
        port.write_pieces(iter([b"1234", b"5678", b"90ab", b"cdef"]), 16)
    assert failed.value.sent == 10
    assert bytes(port.written) == b"1234567890"


def test_a_large_upload_through_a_plain_transport_is_recorded_in_pieces(tmp_path):
    port = _Limited(1 << 30)
    path = tmp_path / "up.jsonl"
    payload = bytes(range(256)) * (3 * TX_FIRST_PIECE // 256)
    with Session(PortSettings("plain"), transport=port, recorder=Recorder(path=path),
                 read_file=lambda _name: payload) as session:
        session.send("AT+S.FSC=/f,@big.bin")
    head = f"AT+S.FSC=/f,{len(payload)}\r".encode()
    assert bytes(port.written) == head + payload
    sent = [event for event in read_recording(path).events if event.dir == "tx"]
    assert len(sent) > 1  # pieces, each recorded as it went (the session's write_pieces path)
    assert b"".join(event.data for event in sent) == head + payload
