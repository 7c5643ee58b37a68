"""A large upload is recorded in pieces, each before its bytes go out (docs/architecture.md §3,
§7), on a real pty: the recording holds the whole command, never a byte the port had not yet
been given; a failed write still leaves the whole command and says how far it got; a replay of
the pieces reads as the live log did, and as a replay of the same upload recorded whole."""

from __future__ import annotations

import base64
import json
import os
import random
import select
import threading
import time
import tty

import pytest

from spwf_tui.session.recording.reader import read_recording
from spwf_tui.session.recording.replay import HOLD_EVENTS, ReplaySession, StreamingReplay
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.session import TX_FIRST_PIECE, TX_PIECE, Session, _piece_bounds
from spwf_tui.transport import urls
from spwf_tui.transport.errors import PortWriteError
from spwf_tui.transport.settings import PortSettings

SIZE = 256 * 1024  # far more than a pty buffers: the write waits for the reader (the test)
LINE = f"AT+S.FSC=/big.bin,{SIZE}"


def _tx_bytes(path) -> bytes:
    """Every ``tx`` byte the recording holds now (a cut last line is left out by the reader)."""
    return b"".join(e.data for e in read_recording(path).events if e.dir == "tx")


@pytest.fixture
def pty_session(tmp_path):
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    path = tmp_path / "rec.jsonl"
    session = Session(PortSettings(os.ttyname(slave)), recorder=Recorder(path=path), reconnect=False)
    session.open()
    yield session, master, path
    session.close()
    os.close(master)
    os.close(slave)


def _upload_in_thread(session, payload_file) -> tuple[threading.Thread, list]:
    sent: list = []
    sender = threading.Thread(target=lambda: sent.append(session.send(f"AT+S.FSC=/big.bin,@{payload_file}")))
    sender.start()
    return sender, sent


def test_each_piece_is_recorded_before_its_bytes_reach_the_port(pty_session, tmp_path):
    session, master, path = pty_session
    payload = random.Random(7).randbytes(SIZE)
    (tmp_path / "big.bin").write_bytes(payload)
    wire = f"{LINE}\r".encode() + payload
    sender, sent = _upload_in_thread(session, tmp_path / "big.bin")
    received = bytearray()
    deadline = time.monotonic() + 60
    checks = 0
    while len(received) < len(wire):
        assert time.monotonic() < deadline, f"only {len(received)} of {len(wire)} bytes came"
        if not select.select([master], [], [], 0.5)[0]:
            continue
        received += os.read(master, 4096)
        if len(received) // 16384 > checks or len(received) == len(wire):
            checks = len(received) // 16384
            recorded = _tx_bytes(path)
            # The port never had a byte that the recording did not have first.
            assert len(recorded) >= len(received)
            assert recorded[:len(received)] == bytes(received)
    sender.join(30)
    assert sent and not sender.is_alive()
    assert bytes(received) == wire
    events = [e for e in read_recording(path).events if e.dir == "tx"]
    assert b"".join(e.data for e in events) == wire
    assert len(events) > 2, "a 256 KiB upload goes out in pieces"
    assert events[0].data.startswith(f"{LINE}\r".encode())
    assert 0 <= len(LINE) + 1 + TX_FIRST_PIECE - len(events[0].data) <= 3  # (a cut before a UTF-8 continuation byte moves back)
    # The file the payload came from: on the piece that completes the command, and only there.
    assert [e.fields.get("source") for e in events] == [None] * (len(events) - 1) + [f"@{tmp_path / 'big.bin'}"]


def test_a_failed_upload_leaves_the_whole_command_and_the_count_that_left(tmp_path, monkeypatch):
    monkeypatch.setattr(urls, "WRITE_TIMEOUT", 0.3)  # the 10 s of a real port, shortened (before the open)
    master, slave = os.openpty()  # nobody reads the master: the write stalls once its buffer is full
    tty.setraw(master)
    tty.setraw(slave)
    payload = random.Random(8).randbytes(1 << 20)
    (tmp_path / "big.bin").write_bytes(payload)
    session = Session(PortSettings(os.ttyname(slave)), recorder=Recorder(path=tmp_path / "fail.jsonl"), reconnect=False)
    session.open()
    try:
        with pytest.raises(PortWriteError, match="Write timeout") as failure:
            session.send(f"AT+S.SOCKW=0,@{tmp_path / 'big.bin'}")
        left = failure.value.sent
    finally:
        session.close()
        os.close(slave)
    line = f"AT+S.SOCKW=0,{len(payload)}\r".encode()
    out = bytearray()
    os.set_blocking(master, False)
    while True:
        try:
            piece = os.read(master, 1 << 16)
        except (BlockingIOError, OSError):
            break
        if not piece:
            break
        out += piece
    os.close(master)
    assert 0 < len(out) == left < len(line) + len(payload)
    assert bytes(out) == (line + payload)[:left]
    recording = read_recording(tmp_path / "fail.jsonl")
    assert b"".join(e.data for e in recording.events if e.dir == "tx") == line + payload
    notes = [e.text for e in recording.events if e.dir == "note"]
    assert any(f"{left - len(line)} of {len(payload)} payload bytes went out" in text for text in notes)
    replay = ReplaySession(recording)
    replay.to_end()
    sent = [e for e in replay.entries.drain() if e.direction == "tx"]
    assert [(e.text, e.payload) for e in sent] == [(line[:-1].decode(), payload)]


def _record_upload_with_output_meanwhile(session, master, path, tmp_path) -> bytes:
    """An upload during which the module says a WIND and the user sets a marker, then OK."""
    payload = random.Random(9).randbytes(SIZE)
    (tmp_path / "big.bin").write_bytes(payload)
    sender, sent = _upload_in_thread(session, tmp_path / "big.bin")
    deadline = time.monotonic() + 60
    received = bytearray()
    while len(received) < len(LINE) + 1 + 20000:  # the line and some of the payload
        assert time.monotonic() < deadline
        if select.select([master], [], [], 0.5)[0]:
            received += os.read(master, 4096)
    os.write(master, b"+WIND:55:Pending Data:0:10:10\r\n")
    assert session.wait_for_event(lambda e: e.kind == "wind" and e.code == 55, timeout=30, since=-1)
    session.note("marker during the upload")
    while len(received) < len(LINE) + 1 + SIZE:
        assert time.monotonic() < deadline
        if select.select([master], [], [], 0.5)[0]:
            received += os.read(master, 1 << 16)
    sender.join(30)
    os.write(master, b"AT-S.OK\r\n")
    assert session.wait(sent[0], timeout=30).succeeded
    return payload


def _log(entries) -> list[tuple[str, str | None, bytes | None]]:
    return [(e.direction, e.text, e.payload) for e in entries]


def test_a_replay_of_the_pieces_reads_as_the_live_log_and_as_the_whole_upload(pty_session, tmp_path):
    session, master, path = pty_session
    payload = _record_upload_with_output_meanwhile(session, master, path, tmp_path)
    live = [e for e in session.entries.drain() if e.direction != "note" or "marker" in e.text]
    session.close()
    recording = read_recording(path)
    dirs = [e.dir for e in recording.events if e.dir in ("tx", "rx", "note")]
    assert dirs.count("tx") > 2 and dirs.index("tx") < dirs.index("rx")  # the command came first
    # Pieces went out after the WIND and the marker: they sit between them in the recording.
    assert "tx" in dirs[dirs.index("note", dirs.index("rx")):]
    replay = ReplaySession(recording)
    replay.to_end()
    replayed = [e for e in replay.entries.drain() if e.direction != "note" or "marker" in e.text]
    assert _log(replayed) == _log(live)
    assert [e.text for e in replayed if e.direction == "tx"] == [LINE]
    assert next(e.payload for e in replayed if e.direction == "tx") == payload
    times = [e.time for e in replayed]
    assert times == sorted(times), "the command at its first piece's time, what came meanwhile at theirs"
    # The same upload recorded as one event (what earlier versions wrote) replays the same way.
    lines = path.read_bytes().splitlines()
    events = [json.loads(line) for line in lines[1:]]
    tx = [i for i, e in enumerate(events) if e["dir"] == "tx"]  # the upload's pieces: nothing else was sent
    merged = {"t": events[tx[0]]["t"], "dir": "tx", "source": events[tx[-1]]["source"],
              "b64": base64.b64encode(b"".join(recording.events[i].data for i in tx)).decode()}
    rest = [merged if i == tx[0] else e for i, e in enumerate(events) if i == tx[0] or i not in tx]
    old = tmp_path / "old.jsonl"
    old.write_bytes(b"\n".join([lines[0], *(json.dumps(e).encode() for e in rest)]) + b"\n")
    old_replay = ReplaySession(read_recording(old))
    old_replay.to_end()
    assert _log(e for e in old_replay.entries.drain() if e.direction != "note" or "marker" in e.text) == _log(live)
    # An export reads the recording once (StreamingReplay): the same log.
    streamed = StreamingReplay(recording, recording.events).entries()
    assert _log(e for e in streamed if e.direction != "note" or "marker" in e.text) == _log(live)


def _write_recording(path, events: list[dict]) -> None:
    header = {"format": "spwf-tui-recording", "version": 1, "tool": "spwf-tui", "started_epoch": 1.7e9,
              "port": "/dev/ttyUSB0", "settings": {"baudrate": 115200}, "secrets": "redacted"}
    path.write_text("\n".join(json.dumps(e) for e in [header, *events]) + "\n")


def test_a_recording_that_ends_inside_an_upload_shows_what_came_meanwhile(tmp_path):
    """A process killed during an upload: the command never completes, the echo still shows."""
    path = tmp_path / "cut.jsonl"
    _write_recording(path, [
        {"t": 0.1, "dir": "tx", "text": "AT+S.FSC=/f.bin,100\r" + "x" * 40},
        {"t": 0.2, "dir": "rx", "text": "AT+S.FSC=/f.bin,100\r\n"},
        {"t": 0.3, "dir": "note", "text": "marker"},
        {"t": 0.4, "dir": "tx", "text": "y" * 30},
    ])
    replay = ReplaySession(read_recording(path))
    replay.to_end()
    assert [(e.direction, e.text) for e in replay.entries.drain()] == [("rx", "AT+S.FSC=/f.bin,100"), ("note", "marker")]
    recording = read_recording(path)
    streamed = list(StreamingReplay(recording, recording.events).entries())
    assert [(e.direction, e.text) for e in streamed] == [("rx", "AT+S.FSC=/f.bin,100"), ("note", "marker")]


def test_a_data_phase_that_never_ends_does_not_hold_a_recording_back(tmp_path):
    """A hostile recording announces 16 MB and never sends them: its output is shown as it
    comes once more than ``HOLD_EVENTS`` events wait, not kept in memory to the end."""
    path = tmp_path / "endless.jsonl"
    count = HOLD_EVENTS + 500
    _write_recording(path, [{"t": 0.1, "dir": "tx", "text": "AT+S.FSC=/f.bin,16000000\r"},
                            *({"t": 0.2 + i / 1e4, "dir": "rx", "text": f"+WIND:55:Pending Data:0:{i}:1\r\n"}
                              for i in range(count))])
    replay = ReplaySession(read_recording(path))
    for _ in range(HOLD_EVENTS + 2):
        replay.step()
    shown = [e for e in replay.entries.drain() if e.direction == "rx"]
    assert len(shown) == HOLD_EVENTS + 1  # held up to the limit, then shown
    replay.to_end()
    assert len([e for e in replay.entries.drain() if e.direction == "rx"]) == count - HOLD_EVENTS - 1


def test_a_command_is_not_given_up_while_its_upload_is_still_going_out(pty_session, tmp_path, monkeypatch):
    """The reply's timeout counts from the last byte: a module that reads an upload slowly (a
    UART at 921600 baud takes 11 s for 1 MiB) is not given up on while the bytes still go out."""
    from spwf_tui.session import session as session_module

    monkeypatch.setattr(session_module, "DEFAULT_TIMEOUT", 2.0)  # FSC's: 5 s, shortened
    session, master, _ = pty_session
    payload = random.Random(10).randbytes(SIZE)
    (tmp_path / "big.bin").write_bytes(payload)
    sender, sent = _upload_in_thread(session, tmp_path / "big.bin")  # as the TUI sends: no wait
    received = bytearray()
    deadline = time.monotonic() + 120
    while len(received) < len(LINE) + 1 + SIZE:  # 4 KiB every 70 ms: over 4 s, twice the timeout
        assert time.monotonic() < deadline
        if select.select([master], [], [], 0.5)[0]:
            received += os.read(master, 4096)
            time.sleep(0.07)
    sender.join(30)
    command = sent[0]
    assert not command.done, f"given up while the upload went out: {command.outcome} {command.reason}"
    os.write(master, b"AT-S.OK\r\n")
    assert session.wait(command, timeout=30).succeeded


@pytest.mark.parametrize("character", ["a", "é", "€", "😀"])
def test_a_text_payload_is_cut_between_characters(character):
    """Each piece of a UTF-8 payload is UTF-8 itself: the recording keeps it as text, not base64."""
    payload = ("x" + character * 300_000).encode("utf-8")
    bounds = list(_piece_bounds(payload))
    assert bounds[0][0] == 0 and bounds[-1][1] == len(payload)
    assert all(end == following for (_, end), (following, _) in zip(bounds, bounds[1:]))
    assert all(0 < end - start <= (TX_FIRST_PIECE if not start else TX_PIECE) for start, end in bounds)
    for start, end in bounds:
        payload[start:end].decode("utf-8")  # raises if a character was cut
