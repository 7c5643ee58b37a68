"""TX integrity: a data-phase upload is never interleaved with another command, whichever front
end sends it and however many send at once (checked on the emulator's side, which traces every
byte it receives); a port that fails in the middle of an upload says how far the payload got."""

from __future__ import annotations

import random
import re
import threading
import time

import pytest
import serial

from spwf_tui.core.payload import encode
from spwf_tui.session.session import Session
from spwf_tui.session.tx_worker import TxWorker
from spwf_tui.transport.base import Transport
from spwf_tui.transport.errors import PortWriteError
from spwf_tui.transport.serial_transport import CONNECTED, SerialTransport
from spwf_tui.transport.settings import PortSettings
from tests.system.helpers import SimProcess

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")

SENDERS = 4
UPLOADS = 6
_FSC = re.compile(rb"AT\+S\.FSC=/(u\d+_\d+),(\d+)")


def _payload(sender: int, number: int) -> bytes:
    """5-9 KiB (two or three of the transport's 4 KiB writes) that look like commands inside, so
    an interleaving would be both visible and harmful."""
    rng = random.Random(sender * 100 + number)
    size = rng.randrange(5000, 9000)
    body = (b"AT+S.FSC=/evil,3\rAT-S.OK\r\n%d:%d " % (sender, number)) * (size // 20)
    return body[:size]


def _settle(session: Session) -> None:
    seen = -1
    while session.rx_bytes != seen:
        seen = session.rx_bytes
        time.sleep(0.3)


def test_concurrent_uploads_from_every_front_end_arrive_whole(tmp_path):
    sim = SimProcess(tmp_path / "ttySIM", tmp_path / "trace.bin").start()
    session = Session(PortSettings(str(sim.link)), read_file=lambda path: files[path])
    files = {f"u{s}_{n}": _payload(s, n) for s in range(SENDERS) for n in range(UPLOADS)}
    worker = TxWorker(session)  # the TUI's sender; the others send like the REPL and `run` do
    session.open()
    failures: list[str] = []
    try:
        _settle(session)
        assert session.execute("AT+S.SCFG=ramdisk_memsize,250").succeeded  # room for every upload
        worker.start()

        def upload(sender: int) -> None:
            for number in range(UPLOADS):
                name = f"u{sender}_{number}"
                outgoing = encode(f"AT+S.FSC=/{name},@{name}", session.read_file)
                if sender == 0:
                    worker.submit(outgoing)
                    continue
                command = session.wait(session.send_outgoing(outgoing), timeout=20)
                if not command.succeeded:
                    failures.append(f"{name}: {command.outcome} {[e.text for e in command.replies]}")

        threads = [threading.Thread(target=upload, args=(s,)) for s in range(SENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        worker.stop()
        listing = session.execute("AT+S.FSL", timeout=10)
    finally:
        session.close()
        sim.stop()
    assert not failures, failures
    sizes = {e.text.split("\t")[-1][1:]: int(e.text.split("\t")[1]) for e in listing.replies if "\t" in e.text}
    assert sizes == {name: len(data) for name, data in files.items()}
    # The module's view: every upload line is followed at once by exactly its own payload.
    trace = sim.received()
    seen = set()
    position = 0
    while (match := _FSC.search(trace, position)) is not None:
        name, length = match.group(1).decode(), int(match.group(2))
        assert trace[match.end():match.end() + 1] == b"\r"
        start = match.end() + 1
        assert trace[start:start + length] == files[name], f"{name} was interleaved"
        seen.add(name)
        position = start + length
    assert seen == set(files)
    print(f"\n{len(files)} uploads ({sum(map(len, files.values()))} payload bytes) from {SENDERS} "
          "concurrent senders, each contiguous in the module's trace")


class FailingAfter(Transport):
    """A transport whose write stops after ``limit`` bytes, as a port unplugged mid-upload does."""

    route = None  # the port is where its name says (transport.base.Transport)

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.written = bytearray()

    def open(self) -> None:
        pass

    def write(self, data: bytes) -> int:
        room = max(0, self.limit - len(self.written))
        self.written += data[:room]
        if room < len(data):
            raise PortWriteError(f"write failed after {room} of {len(data)} bytes: device gone", room)
        return len(data)

    def close(self) -> None:
        pass


def test_a_port_failing_mid_upload_says_how_many_payload_bytes_went_out():
    payload = bytes(range(256)) * 10  # 2560: the largest CA the module takes
    transport = FailingAfter(1000)
    session = Session(PortSettings("/dev/ttyFAKE"), transport=transport, read_file=lambda _path: payload,
                      reconnect=False)
    session.open()
    with pytest.raises(PortWriteError) as caught:
        session.send("AT+S.TLSCERT=ca,@ca.der")
    line = "AT+S.TLSCERT=ca,2560"
    assert caught.value.sent == 1000
    payload_out = 1000 - len(line) - 1
    assert bytes(transport.written) == (line + "\r").encode() + payload[:payload_out]
    notes = [e.text for e in session.entries.drain() if e.direction == "note"]
    assert notes[-1] == (f"{line}: write failed after 1000 of {len(line) + 1 + len(payload)} bytes: device gone; "
                         f"{payload_out} of 2560 payload bytes went out")
    # The same through the TUI's sender: the failure is a note, not an exception on its thread.
    worker = TxWorker(session)
    worker.start()
    worker.submit(encode("AT+S.TLSCERT=ca,@ca.der", session.read_file))
    worker.stop()
    shown = [e.text for e in session.entries.drain() if e.direction == "note"]
    assert shown[-2:] == [f"{line}: write failed after 0 of 2581 bytes: device gone; 0 of 2560 payload bytes went out",
                          f"not sent: {line}: write failed after 0 of 2581 bytes: device gone"]
    session.close()


class _DyingPort:
    """A pyserial port that accepts two 4 KiB pieces, then fails like a USB adapter pulled out."""

    def __init__(self) -> None:
        self.pieces = 0

    def write(self, piece: bytes) -> int:
        if self.pieces == 2:
            raise serial.SerialException("write failed: [Errno 5] Input/output error")
        self.pieces += 1
        return len(piece)

    def flush(self) -> None:
        pass


def test_the_serial_transport_counts_the_pieces_that_left():
    transport = SerialTransport(PortSettings("/dev/ttyFAKE"), listener=None)
    transport._serial, transport.state = _DyingPort(), CONNECTED  # a port "opened" without hardware
    with pytest.raises(PortWriteError) as caught:
        transport.write(b"x" * 10_000)
    assert caught.value.sent == 8192
    assert str(caught.value) == "write failed after 8192 of 10000 bytes: write failed: [Errno 5] Input/output error"
