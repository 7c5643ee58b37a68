"""Round six of the attacker's sweep (issue 19's fast paths): hostile recordings, module bytes
and file names against the code the performance rounds changed. Each test failed before its fix."""

from __future__ import annotations

import tracemalloc

from spwf_tui.core.hostframe import MAX_PAYLOAD, HostFramer
from spwf_tui.session.recording.reader import RecordedEvent, parse_recording
from spwf_tui.session.recording.state_replay import StateReplay

_HEADER = b'{"format":"spwf-tui-recording","version":1,"port":"sim://","settings":{}}\n'


def test_framer_counts_an_absurd_payload_through_without_holding_it():
    # A hostile recording: a line announcing 4,000,000,000 bytes, then 40 MiB of them. The
    # framer used to keep every byte until the announced count (memory = the file's size).
    piece = b"A" * (1 << 20)
    framer = HostFramer()
    assert framer.feed(b"AT+S.FSC=/f,4000000000\r") == []
    tracemalloc.start()
    try:
        for _ in range(40):
            assert framer.feed(piece) == []
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert framer.in_payload
    assert peak < 20 << 20  # the 16 MiB kept, and the pieces


def test_framer_keeps_framing_after_a_payload_over_the_bound():
    # Past the bound the bytes are counted, not kept: the next command is still framed where the
    # module would frame it.
    size = MAX_PAYLOAD + 5
    framer = HostFramer()
    got = framer.feed(f"AT+S.FSC=/f,{size}\r".encode()) + framer.feed(b"B" * size) + framer.feed(b"AT+S.TIME\r")
    assert [o.line for o in got] == [f"AT+S.FSC=/f,{size}", "AT+S.TIME"]
    payload = got[0].payload or b""
    assert len(payload) == MAX_PAYLOAD == 16 << 20 and payload.count(b"B") == MAX_PAYLOAD
    assert not framer.in_payload


def test_state_replay_of_a_never_ending_upload_stays_bounded():
    # Through the replay's session (what ``replay --print-state`` runs): 40 MiB of ``tx`` pieces
    # after an absurd announcement, with the module's lines between them.
    recording = parse_recording(_HEADER)
    piece = b"A" * (1 << 20)

    def events():
        yield RecordedEvent(2, 0.1, "tx", data=b"AT+S.FSC=/f,4000000000\r")
        for index in range(40):
            yield RecordedEvent(3 + 2 * index, 0.2 + index, "tx", data=piece)
            yield RecordedEvent(4 + 2 * index, 0.3 + index, "rx", data=b"+WIND:55:Pending Data:0:5\r\n")

    tracemalloc.start()
    try:
        state = StateReplay(recording, events()).run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert state.resets == 0
    assert peak < 24 << 20  # (the 16 MiB kept, the pieces, the session)


def test_a_reply_that_never_ends_keeps_a_bounded_part_and_its_final_line():
    # A module streaming 64 KiB lines for one command (no final line until the end): the command
    # kept every line until the final one or the timeout (a pty carries 100 MB/s).
    from spwf_tui.core.decoder import RxDecoder
    from spwf_tui.session.pending import MAX_REPLY_BYTES, PendingTracker

    tracker = PendingTracker()
    command = tracker.add("AT+S.FSP=/big", timeout=None)
    decoder = RxDecoder()
    line = b"N" * 60_000 + b"\r\n"
    for _ in range(400):  # 24 MB
        for event in decoder.feed(line):
            tracker.attribute(event)
    for event in decoder.feed(b"AT-S.OK\r\n"):
        tracker.attribute(event)
    assert command.succeeded and command.final is not None
    assert command.reply_bytes <= MAX_REPLY_BYTES + len(line) == 8 * 1024 * 1024 + len(line)
    assert command.replies_dropped == 400 - (len(command.replies) - 1)
    assert command.replies_dropped > 200
