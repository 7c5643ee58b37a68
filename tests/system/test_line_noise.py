"""Line noise through a real pty into a recorded session: random bytes, lone CRs, NULs, invalid
UTF-8, a 20 MB line without a newline. No exception on any thread, memory bounded while it
streams, every byte in the recording, and the session still answers afterwards."""

from __future__ import annotations

import hashlib
import random
import threading
import time
import tracemalloc
from collections.abc import Iterable

import pytest

from spwf_tui.core.decoder import MAX_LINE
from spwf_tui.session.log import MAX_BYTES, NOTE
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.recording.reader import read_recording
from spwf_tui.session.session import RECENT_BYTES, Session
from spwf_tui.transport.serial_transport import READ_BATCH
from spwf_tui.transport.settings import PortSettings
from tests.support.pty_streamer import PtyStreamer

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")

LONG_LINE = 20 * 1024 * 1024
PEAK_LIMIT = 2 * RECENT_BYTES + 8 * 1024 * 1024
"""Python memory the session may hold at once while 22 MB of noise goes through: the events kept
for scripts (their raw bytes and their text), plus room for the entries a drainer that falls
behind on a busy machine finds waiting (8 MiB: on a quiet machine the peak is ~10 MB in all) and
the decoder's and reader's buffers. It does not grow with the input: holding the noise would
take twice the input (its bytes and their text)."""


def noise_blocks(seed: int = 8):
    """The noise, 64 KiB at a time (so the test itself never holds it all)."""
    rng = random.Random(seed)
    yield b"\r" * 20_000                                   # lone CRs
    yield b"\x00" * 100_000 + b"\r\n"                      # NULs
    yield b"\xff\xfe\xc3(\xed\xa0\x80\xf4\x90" * 20_000 + b"\n"  # invalid UTF-8 of every kind
    for _ in range(16):                                    # 1 MiB of random bytes
        yield rng.randbytes(65536)
    yield b"\r\n"
    line = bytes(rng.randrange(0x20, 0x7F) for _ in range(65536))  # printable: no terminator in it
    for _ in range(LONG_LINE // len(line)):
        yield line
    yield b"\r\nAT-S.OK\r\n"


def drain_until(session: Session, stop: threading.Event) -> None:
    """What a front end does: take the entries as they come (it never keeps them all)."""
    while not stop.is_set():
        session.entries.drain()
        time.sleep(0.01)


def stream_measuring_memory(board: PtyStreamer, session: Session, blocks: Iterable[bytes]) -> tuple[int, int]:
    """Inject ``blocks`` and wait until the session has read them all: (their bytes, the peak of
    Python memory over what it was before)."""
    count = 0
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        for block in blocks:
            board.inject(block)
            count += len(block)
        deadline = time.monotonic() + 60
        while session.rx_bytes < count and time.monotonic() < deadline:
            time.sleep(0.01)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert session.rx_bytes == count
    return count, peak - baseline


def test_noise_is_survived_with_bounded_memory_and_recorded_exactly(tmp_path):
    board = PtyStreamer(tmp_path / "ttyNOISE", stream=False, keep_written=False,
                        answer=lambda line: line + b"\r\nAT-S.OK\r\n" if line == b"AT" else b"")
    board.plug()
    recording = tmp_path / "noise.jsonl"
    # Secrets kept: redaction could change bytes that look like a secret line; this test wants
    # the recording byte for byte.
    session = Session(PortSettings(str(board.link)), recorder=Recorder(path=recording, keep_secrets=True))
    session.open()
    stop = threading.Event()
    drainer = threading.Thread(target=drain_until, args=(session, stop))
    drainer.start()
    try:
        count, growth = stream_measuring_memory(board, session, noise_blocks())
        after = session.execute("AT", timeout=5)
        assert after.succeeded, (after.outcome, after.reason)
    finally:
        stop.set()
        drainer.join()
        session.close()
        board.unplug()
    print(f"\n{count} B of noise; Python memory peak +{growth / 1e6:.1f} MB (limit {PEAK_LIMIT / 1e6:.1f} MB)")
    assert growth < PEAK_LIMIT
    events = read_recording(recording).events
    received = hashlib.sha256()
    recorded = 0
    for event in events:
        if event.dir == "rx":
            received.update(event.data)
            recorded += len(event.data)
    assert count + len(b"AT\r\nAT-S.OK\r\n") == board.written_count == recorded
    assert received.digest() == board.written_digest.digest()


def test_a_front_end_that_does_not_drain_holds_a_bounded_amount_of_noise(tmp_path):
    # A `run` whose output pipe is blocked, a stopped terminal: nobody drains the entries. Lines of
    # noise cut at the decoder's 64 KiB bound are few (the 50,000-entry bound never bites), so
    # only the buffer's byte bound keeps 40 MB of them out of memory.
    board = PtyStreamer(tmp_path / "ttyNODRAIN", stream=False, keep_written=False)
    board.plug()
    session = Session(PortSettings(str(board.link)))
    session.open()
    session.entries.drain()  # ("opened ..."): from here on nobody drains
    line = bytes(random.Random(3).randrange(0x20, 0x7F) for _ in range(65536))
    blocks = [line] * (40 * 1024 * 1024 // len(line)) + [b"\r\nlast line\r\n"]
    try:
        count, growth = stream_measuring_memory(board, session, blocks)
        shown = session.entries.drain()
    finally:
        session.close()
        board.unplug()
    limit = 2 * RECENT_BYTES + 2 * MAX_BYTES + 4 * 1024 * 1024
    print(f"\n{count} B of noise, not drained; Python memory peak +{growth / 1e6:.1f} MB (limit {limit / 1e6:.1f} MB)")
    assert growth < limit  # holding the noise would take 80 MB (its bytes and their text)
    assert shown[0].direction == NOTE and "lines not shown" in shown[0].text, shown[0].text
    assert shown[-1].text == "last line"
    # (about: what the decoder still held when the buffer recounted its entries, a line and up
    # to two reads, is not counted; a run under load overshot a line and one read by 13 bytes)
    assert sum(len(entry.event.raw) for entry in shown[1:]) <= MAX_BYTES + MAX_LINE + 2 * READ_BATCH
