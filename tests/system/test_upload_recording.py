"""A large upload on a real pty: the recording has the command before anything the module said
while it went out (and a note made meanwhile in its place among those), and reading the
module's output is decoded while the upload still goes out (the command is recorded before its
write, the later pieces of its payload each before theirs); a replay reads it as the live log."""

from __future__ import annotations

import os
import random
import select
import threading
import time
import tty

from spwf_tui.core.events import WIND
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.recording.reader import read_recording
from spwf_tui.session.recording.replay import ReplaySession
from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings

SIZE = 256 * 1024  # far more than a pty buffers: the write waits for the module to read


def _read_exactly(fd: int, count: int, deadline: float) -> bytes:
    data = bytearray()
    while len(data) < count:
        assert time.monotonic() < deadline, f"only {len(data)} of {count} bytes came"
        if select.select([fd], [], [], 0.5)[0]:
            data += os.read(fd, count - len(data))
    return bytes(data)


def _read_line(fd: int, deadline: float) -> bytes:
    data = bytearray()
    while not data.endswith(b"\r"):
        data += _read_exactly(fd, 1, deadline)
    return bytes(data)


def test_module_output_during_an_upload_is_decoded_at_once_and_recorded_after_the_command(tmp_path):
    payload = random.Random(3).randbytes(SIZE)
    (tmp_path / "big.bin").write_bytes(payload)
    master, slave = os.openpty()
    tty.setraw(slave)
    path = tmp_path / "rec.jsonl"
    session = Session(PortSettings(os.ttyname(slave)), recorder=Recorder(path=path), reconnect=False)
    session.open()
    sent: list = []
    sender = threading.Thread(target=lambda: sent.append(session.send(f"AT+S.FSC=/big.bin,@{tmp_path / 'big.bin'}")))
    try:
        sender.start()
        deadline = time.monotonic() + 60
        line = _read_line(master, deadline)
        assert line == f"AT+S.FSC=/big.bin,{SIZE}\r".encode()
        # The module speaks while most of the payload still waits in the host's write.
        os.write(master, b"+WIND:55:Pending Data:0:10:10\r\n")
        event = session.wait_for_event(lambda e: e.kind == WIND and e.code == 55, timeout=30, since=-1)
        assert event is not None, "the reader waited for the upload instead of decoding"
        assert sender.is_alive(), "the upload should still be going out"
        session.note("marker during the upload")  # keeps its place after the WIND read before it
        assert _read_exactly(master, SIZE, deadline) == payload
        sender.join(30)
        assert sent, "the upload did not finish"
        os.write(master, b"AT-S.OK\r\n")
        assert session.wait(sent[0], timeout=30).succeeded
    finally:
        session.close()
        sender.join(5)
        os.close(master)
        os.close(slave)
    recording = read_recording(path)
    everything = list(recording.events)
    marker = next(i for i, e in enumerate(everything) if e.dir == "note" and "marker during" in e.text)
    wind = next(i for i, e in enumerate(everything) if e.dir == "rx")
    tx = [i for i, e in enumerate(everything) if e.dir == "tx"]
    # The command (its line and first piece) before the WIND, the marker after it; the upload
    # is recorded in pieces, each before it went out: the last ones after the marker.
    assert tx[0] < wind < marker < tx[-1]
    assert everything[tx[0]].data.startswith(f"AT+S.FSC=/big.bin,{SIZE}\r".encode())
    assert b"".join(everything[i].data for i in tx) == f"AT+S.FSC=/big.bin,{SIZE}\r".encode() + payload
    events = [e for e in everything if e.dir in ("rx", "tx")]
    assert b"".join(e.data for e in events if e.dir == "rx") == b"+WIND:55:Pending Data:0:10:10\r\nAT-S.OK\r\n"
    times = [e.t for e in events]
    assert times == sorted(times)
    # A replay reads it as the live log did: the command, the WIND, the marker, the OK.
    replay = ReplaySession(recording)
    replay.to_end()
    log = [(e.direction, e.text) for e in replay.entries.drain() if e.direction != "note" or "marker" in e.text]
    assert log == [("tx", f"AT+S.FSC=/big.bin,{SIZE}"), ("rx", "+WIND:55:Pending Data:0:10:10"),
                   ("note", "marker during the upload"), ("rx", "AT-S.OK")]
