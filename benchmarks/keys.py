"""Benchmark 3, keystroke latency while the module streams at the 921600-baud line rate.

The writer paces the flood at ``LINE_RATE`` into the pty the Session reads; the Textual app runs
on it (``run_test(size=(120, 40))``, headless: every frame is still composed). Keys of a real
command line are typed into the command builder at a human pace, each injected through the
driver the way ``Pilot.press`` does (without Pilot's wait-for-idle, which would hold every key
until the stream pauses). A key's latency runs from its injection to the first frame composed
after the input's value holds it (the compositor refresh that paints it). A few keys typed
before the stream starts give the idle figure for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.common import MB, Pty, Writer, emit, median, percentile, recorded_rx
from benchmarks.flood import LINE_RATE
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings

COMMAND = "AT+S.SOCKW=0,@/tmp/payload.bin"
"""What is typed, over and over (the input is cleared between repetitions, untimed)."""
IDLE_KEYS = 15
WARM_UP = 1.0
"""Seconds of streaming before the first timed key."""


class _Probe:
    """Times keys from injection to the first composed frame that shows them."""

    def __init__(self, app, field) -> None:
        self.app = app
        self.field = field
        self.frames: list[float] = []
        self.frame_seconds = 0.0
        self.value_at: dict[int, float] = {}
        screen = app.screen
        original = screen._compositor_refresh

        def timed_refresh() -> None:
            start = time.perf_counter()
            original()
            self.frames.append(time.perf_counter())
            self.frame_seconds += self.frames[-1] - start

        screen._compositor_refresh = timed_refresh
        app.watch(field, "value", self._changed, init=False)

    def _changed(self, value: str) -> None:
        self.value_at.setdefault(len(value), time.perf_counter())

    async def type_key(self, char: str, timeout: float = 5.0) -> tuple[float, float] | None:
        """Inject ``char``; returns (to value, to frame) in seconds, None when it never showed."""
        from textual import events
        from textual.keys import _character_to_key

        want = len(self.field.value) + 1
        self.value_at.pop(want, None)
        frames_before = len(self.frames)
        sent = time.perf_counter()
        key = char if char.isalnum() else _character_to_key(char)
        self.app._driver.send_message(events.Key(key, char))
        deadline = sent + timeout
        while time.perf_counter() < deadline:
            await asyncio.sleep(0.001)
            changed = self.value_at.get(want)
            if changed is None:
                continue
            painted = next((t for t in self.frames[frames_before:] if t >= changed), None)
            if painted is not None:
                return changed - sent, painted - sent
        return None

    async def type_line(self, count: int, rng: random.Random, pace: tuple[float, float]) -> list[tuple]:
        timings = []
        for _ in range(count):
            if len(self.field.value) >= len(COMMAND):
                self.field.value = ""
                await asyncio.sleep(0.05)
            timing = await self.type_key(COMMAND[len(self.field.value)])
            timings.append(timing)
            await asyncio.sleep(rng.uniform(*pace))
        return timings


async def _measure(keys: int, pace: tuple[float, float]) -> dict:
    from spwf_tui.config import Config
    from spwf_tui.ui.factory import build_app
    from spwf_tui.ui.widgets.command_builder import CommandBuilder

    rng = random.Random(1)
    tmp = Path(tempfile.mkdtemp(prefix="spwf-bench-keys-"))
    pty = Pty()
    seconds = WARM_UP + keys * (pace[1] + 0.1) + 5.0  # more than typing takes: stopped after it
    writer = Writer(pty, int(LINE_RATE * seconds), rate=LINE_RATE)
    recorder = Recorder(directory=tmp, max_bytes=1 << 62)
    session = Session(PortSettings(pty.path), recorder=recorder, pace_streams=True)  # as cli/tui.py opens it
    session.open()
    app = build_app(session, Config(), steady_gc=True)  # as the CLI builds it (built-in settings)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            probe = _Probe(app, app.query_one(CommandBuilder).input)
            idle = await probe.type_line(IDLE_KEYS, rng, pace)
            probe.field.value = ""
            writer.go()
            await asyncio.sleep(WARM_UP)
            bytes_before = session.rx_bytes
            frames_before, frame_seconds_before = len(probe.frames), probe.frame_seconds
            loaded_start = time.perf_counter()
            loaded = await probe.type_line(keys, rng, pace)
            loaded_seconds = time.perf_counter() - loaded_start
            stream_rate = (session.rx_bytes - bytes_before) / loaded_seconds
            frames = len(probe.frames) - frames_before
            frame_ms = (probe.frame_seconds - frame_seconds_before) / max(1, frames) * 1000
            writer.stop()
            await asyncio.to_thread(writer.wait)
            deadline = time.perf_counter() + 30
            while session.rx_bytes < writer.written and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)
    finally:
        session.close()
        if writer.proc.poll() is None:
            writer.kill()
        pty.close()
    recorded, _ = recorded_rx(recorder.path)
    shutil.rmtree(tmp, ignore_errors=True)
    shown = [t[1] * 1000 for t in loaded if t is not None]
    values = [t[0] * 1000 for t in loaded if t is not None]
    idle_shown = [t[1] * 1000 for t in idle if t is not None]
    return {
        "keystroke_p50_ms": median(shown),
        "keystroke_p99_ms": percentile(shown, 0.99),
        "keystroke_max_ms": max(shown, default=float("nan")),
        "keystroke_value_p99_ms": percentile(values, 0.99),
        "keystroke_idle_p50_ms": median(idle_shown),
        "keystroke_keys": keys,
        "keystroke_missed": sum(1 for t in loaded if t is None),
        "keystroke_stream_kbps": stream_rate / 1000,
        "keystroke_frames_per_s": frames / loaded_seconds,
        "keystroke_ms_per_frame": frame_ms,
        "keystroke_bytes_lost": writer.written - recorded,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.keys")
    parser.add_argument("--keys", type=int, default=200)
    args = parser.parse_args(argv)
    emit(asyncio.run(_measure(args.keys, (0.06, 0.12))))


if __name__ == "__main__":
    main()
