"""The reader's pacing of a stream (transport.serial_transport ``_StreamPacer``): a module that
streams is read in fewer, larger batches; an answer on an idle line, and a flood, never wait."""

from __future__ import annotations

from spwf_tui.transport.serial_transport import (
    READ_BATCH,
    STREAM_BUFFERED,
    STREAM_INTERVAL,
    STREAM_READS,
    _StreamPacer,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_echo_and_its_reply_on_an_idle_line_are_handed_on_at_once():
    clock = Clock()
    pacer = _StreamPacer(clock)
    clock.now += 5
    assert pacer.pause_after(6, waited=5.0) == 0  # the echo, after a quiet line
    clock.now += 0.001
    assert pacer.pause_after(9, waited=0.001) == 0  # the reply right after it
    clock.now += 3
    assert pacer.pause_after(6, waited=3.0) == 0  # the next command's echo: the streak is over


def test_a_stream_at_line_rate_pauses_after_a_few_reads_for_at_most_the_interval():
    clock = Clock()
    pacer = _StreamPacer(clock)
    pauses = []
    for _ in range(STREAM_READS + 3):
        clock.now += 0.01
        pauses.append(pacer.pause_after(920, waited=0.009))  # 92 kB/s: 921600 baud
    assert pauses[:STREAM_READS - 1] == [0.0] * (STREAM_READS - 1)
    assert all(pause == STREAM_INTERVAL for pause in pauses[STREAM_READS:])


def test_a_faster_stream_pauses_only_as_long_as_the_kernel_can_hold_what_comes_meanwhile():
    clock = Clock()
    pacer = _StreamPacer(clock)
    for _ in range(STREAM_READS + 1):
        clock.now += 0.001
        pause = pacer.pause_after(4000, waited=0.0)  # 4 MB/s
    assert 0 < pause < STREAM_INTERVAL
    assert pause * 4000 / 0.001 <= STREAM_BUFFERED + 1


def test_a_full_batch_never_pauses():
    clock = Clock()
    pacer = _StreamPacer(clock)
    for _ in range(STREAM_READS + 5):
        clock.now += 0.001
        assert pacer.pause_after(READ_BATCH, waited=0.0) == 0
