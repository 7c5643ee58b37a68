"""Benchmarks 2 and 7, RX ingest in the TUI and memory over time.

The Textual app (``SpwfApp(session).run_test(size=(120, 40))``: headless, but the compositor
renders every frame as on a terminal) runs on a Session whose transport reads the pty the writer
floods as fast as it can. The clock stops when every byte written is in the recording and the
log's last row is the flood's last line. RSS is sampled when the ingest passes ``--early-mb``
and at the end; the peak is the process's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.common import MB, Pty, Writer, emit, peak_rss_mib, recorded_rx, rss_mib
from benchmarks.flood import END_LINE, LINE_RATE
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings

POLL = 0.02
"""Seconds between checks of the finish condition (on the UI loop, like any timer)."""
END_TEXT = END_LINE.decode().strip()


def _last_row_text(log) -> str:
    """The log's newest row (``last_row`` makes only that row; older versions had to make all)."""
    if hasattr(log, "last_row"):
        last = log.last_row()
        return last.text if last is not None else ""
    rows = log.rows()
    return rows[-1].text if rows else ""


def _count_frames(app) -> list:
    """[frames composed, seconds spent composing them], kept up to date from now on."""
    tally = [0, 0.0]
    screen = app.screen
    compose = screen._compositor_refresh

    def counted() -> None:
        start = time.perf_counter()
        compose()
        tally[0] += 1
        tally[1] += time.perf_counter() - start

    screen._compositor_refresh = counted
    return tally


async def _flood(total: int, early: int) -> dict:
    from spwf_tui.config import Config
    from spwf_tui.ui.factory import build_app
    from spwf_tui.ui.widgets.uart_log import UartLog

    tmp = Path(tempfile.mkdtemp(prefix="spwf-bench-tui-"))
    pty = Pty()
    writer = Writer(pty, total)
    recorder = Recorder(directory=tmp, max_bytes=1 << 62)
    session = Session(PortSettings(pty.path), recorder=recorder)
    session.open()
    app = build_app(session, Config(), steady_gc=True)  # as the CLI builds it (built-in settings)
    samples: list[tuple[int, float]] = []
    result: dict = {}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            log = app.query_one(UartLog)
            rss_start = rss_mib()
            frames = _count_frames(app)
            writer.go()
            start = time.perf_counter()
            rss_early = None
            next_sample = start
            while True:
                await asyncio.sleep(POLL)
                now = time.perf_counter()
                got = session.rx_bytes
                if rss_early is None and got >= early:
                    rss_early = rss_mib()
                if now >= next_sample:
                    samples.append((got, rss_mib()))
                    next_sample = now + 1.0
                if got >= writer.size and END_TEXT in _last_row_text(log):
                    break
            elapsed = time.perf_counter() - start
            rss_end = rss_mib()
            result = {"seconds": elapsed, "rss_start": rss_start, "rss_early": rss_early, "rss_end": rss_end,
                      "view_dropped": session.entries.dropped, "frames": frames[0], "frame_seconds": frames[1]}
    finally:
        session.close()
        writer.wait()
        pty.close()
    recorded, digest = recorded_rx(recorder.path)
    shutil.rmtree(tmp, ignore_errors=True)
    result.update(bytes=writer.size, bytes_lost=writer.size - recorded,
                  exact=digest == writer.sha256 and recorded == writer.size, samples=samples)
    return result


def run(total: int, early: int) -> dict:
    r = asyncio.run(_flood(total, early))
    mbps = r["bytes"] / r["seconds"] / MB
    return {
        "tui_ingest_mbps": mbps,
        "tui_line_rate_ratio": mbps * MB / LINE_RATE,
        "tui_bytes": r["bytes"],
        "tui_bytes_lost": r["bytes_lost"],
        "tui_exact": r["exact"],
        "tui_view_entries_dropped": r["view_dropped"],
        "tui_peak_rss_mib": peak_rss_mib(),
        "tui_frames_per_s": r["frames"] / r["seconds"],
        "tui_ms_per_frame": r["frame_seconds"] / max(1, r["frames"]) * 1000,
        "rss_start_mib": r["rss_start"],
        "rss_early_mb": early / MB,
        "rss_10mb_mib": r["rss_early"],
        "rss_late_mb": r["bytes"] / MB,
        "rss_500mb_mib": r["rss_end"],
        "rss_growth": (r["rss_end"] - r["rss_early"]) / r["rss_early"] if r["rss_early"] else None,
        "rss_samples": [[round(b / MB, 1), round(m, 1)] for b, m in r["samples"]],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.tui")
    parser.add_argument("--megabytes", type=float, default=500)
    parser.add_argument("--early-mb", type=float, default=10)
    args = parser.parse_args(argv)
    emit(run(int(args.megabytes * MB), int(args.early_mb * MB)))


if __name__ == "__main__":
    main()
