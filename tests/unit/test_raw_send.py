"""Session.send_raw in pieces (progress, cancel, a recording of exactly what left) and send_keys."""

from __future__ import annotations

import json
import threading

from spwf_tui.core.rawmode import LineEnds
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.session import RAW_CHUNK, RAW_LABEL, Session
from spwf_tui.transport.base import Transport
from spwf_tui.transport.settings import PortSettings


class CountingTransport(Transport):
    """Takes writes like a port would and keeps them."""

    route = None  # the port is where its name says (transport.base.Transport)

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))


def tx_events(path) -> list[dict]:
    return [e for e in map(json.loads, path.read_text().splitlines()[1:]) if e.get("dir") == "tx"]


def test_a_raw_send_goes_in_pieces_with_progress_and_stops_when_cancelled(tmp_path):
    transport = CountingTransport()
    recording = tmp_path / "r.jsonl"
    session = Session(PortSettings("loop://"), transport=transport, recorder=Recorder(path=recording))
    session.open()
    cancel = threading.Event()
    seen = []

    def progress(sent: int, total: int) -> None:
        seen.append((sent, total))
        if sent >= 3 * RAW_CHUNK:
            cancel.set()

    data = bytes(range(256)) * 100  # 25,600 bytes: 7 pieces
    sent = session.send_raw(data, ":send @fw.bin", progress=progress, cancel=cancel)
    assert sent == 3 * RAW_CHUNK
    assert b"".join(transport.writes) == data[:sent]
    assert [len(w) for w in transport.writes] == [RAW_CHUNK] * 3
    assert seen == [(RAW_CHUNK * n, len(data)) for n in (1, 2, 3)]
    notes = [e.text for e in session.entries.drain() if e.direction == "note"]
    assert notes[-1] == ":send @fw.bin: cancelled after 12,288 of 25,600 bytes"
    session.close()
    recorded = tx_events(recording)
    assert len(recorded) == 3  # one event per piece written, none for the pieces not sent
    assert {e["raw"] for e in recorded} == {":send @fw.bin"}


def test_keys_are_recorded_but_make_no_log_line(tmp_path):
    transport = CountingTransport()
    recording = tmp_path / "r.jsonl"
    session = Session(PortSettings("loop://"), transport=transport, recorder=Recorder(path=recording))
    session.open()
    session.entries.drain()
    session.send_keys(b"\x03")
    assert transport.writes == [b"\x03"]
    assert session.entries.drain() == []
    session.close()
    assert [e["raw"] for e in tx_events(recording)] == [RAW_LABEL]


def test_a_received_map_changes_what_the_log_splits_not_the_recording(tmp_path):
    recording = tmp_path / "r.jsonl"
    session = Session(PortSettings("loop://"), transport=CountingTransport(), recorder=Recorder(path=recording),
                      line_ends=LineEnds(maps=frozenset({"igncr"})))
    session.open()
    session.data_received(b"50%\r60%\r\n")
    texts = [e.text for e in session.entries.drain() if e.direction == "rx"]
    assert texts == ["50%60%"]
    session.close()
    rx = [json.loads(line) for line in recording.read_text().splitlines()[1:]]
    assert [e.get("text") for e in rx if e.get("dir") == "rx"] == ["50%\r60%\r\n"]
