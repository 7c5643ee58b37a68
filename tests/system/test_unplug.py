"""Unplug/replug: 100 cycles of the port vanishing and returning while the "module" streams.

Over ``socket://`` the session must come back by itself every cycle (the same endpoint); over a
pty it must not (a pty's number goes to the next program that opens one) and comes back when
the user reopens it. Either way the recording must hold exactly the bytes the session received,
each a whole line from the streamer, with a note at each gap.
"""

from __future__ import annotations

import time

import pytest

from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.recording.reader import read_recording
from spwf_tui.session.session import Session
from spwf_tui.transport.serial_transport import CONNECTED, LOST, RECONNECTING
from spwf_tui.transport.settings import PortSettings
from tests.support.pty_streamer import PtyStreamer
from tests.support.tcp_streamer import TcpStreamer
from tests.system.helpers import free_port

CYCLES = 100


def _wait(predicate, timeout=30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


@pytest.mark.parametrize("kind", ["socket", "pty"])
def test_hundred_unplug_replug_cycles_while_streaming(tmp_path, kind):
    if kind == "socket":
        board, lost, back = TcpStreamer(free_port()), RECONNECTING, "is back"
        port = board.url
    else:
        board, lost, back = PtyStreamer(tmp_path / "ttyBOARD"), LOST, "reopened as asked"
        port = str(board.link)
    board.plug()
    recording = tmp_path / "session.jsonl"
    session = Session(PortSettings(port), recorder=Recorder(path=recording))
    session.open()
    reconnects = 0
    try:
        for _ in range(CYCLES):
            seen = session.rx_bytes
            assert _wait(lambda: session.rx_bytes > seen + 200), "no data while plugged in"
            board.unplug()
            assert _wait(lambda: session.link_state == lost), "the loss was not noticed"
            board.plug()
            if kind == "pty":
                assert session.link_state == LOST
                assert session.reopen(), [e.text for e in session.entries.drain() if e.direction == "note"][-1:]
            assert _wait(lambda: session.link_state == CONNECTED), "did not reconnect"
            reconnects += 1
        assert session.execute is not None
    finally:
        session.close()
        board.unplug()
    assert reconnects == CYCLES
    events = read_recording(recording).events
    received = b"".join(e.data for e in events if e.dir == "rx")
    assert len(received) == session.rx_bytes
    # Between two gaps, what was recorded is one contiguous run of what the board wrote: nothing
    # garbled, duplicated or reordered (a line may be cut where the cable was pulled).
    segments, current = [], bytearray()
    for event in events:
        if event.dir == "rx":
            current += event.data
        elif event.dir == "note" and "vanished" in event.text:
            segments.append(bytes(current))
            current = bytearray()
    segments.append(bytes(current))
    assert len(segments) == CYCLES + 1
    assert all(segment in board.written for segment in segments)
    assert all(len(segment) > 200 for segment in segments[:-1])
    notes = [e.text for e in events if e.dir == "note"]
    assert sum("vanished" in n for n in notes) == CYCLES
    assert sum(back in n for n in notes) == CYCLES
    lost = len(board.written) - len(received)
    print(f"\nwritten {len(board.written)} B, recorded {len(received)} B, "
          f"left in the kernel's pty buffer at unplug: {lost} B over {CYCLES} cycles")
