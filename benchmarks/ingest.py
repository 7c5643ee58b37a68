"""Benchmark 1, RX ingest headless: the Session on a flooded pty against a bare pyserial loop.

Both consumers read the same pty (its slave, opened by path as a user would), flooded by the
writer process as fast as the pty takes it; the trials alternate. The baseline is the read loop
of pyserial's own miniterm (``read(in_waiting or 1)``) and nothing else. The Session is the real
one: ``SerialTransport`` on the slave path, decoder, pending tracker, state, explainer and a
``Recorder`` writing to a temporary directory; the main thread drains the entries every 50 ms
as a front end would. A trial ends when all of the writer's bytes are in the recording; the
recording is then read back and compared with what was written (bytes lost, exact content).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from pathlib import Path

import serial

from benchmarks.common import MB, Pty, Writer, emit, median, process_cpu_seconds, recorded_rx
from benchmarks.flood import LINE_RATE
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings

DRAIN_INTERVAL = 0.05


def pyserial_trial(pty: Pty, total: int) -> dict:
    """The bare pyserial read loop: read until the writer's bytes are all in."""
    writer = Writer(pty, total)
    port = serial.Serial(pty.path, timeout=0.05)
    try:
        got = 0
        writer.go()
        start = time.perf_counter()
        while got < writer.size:
            got += len(port.read(port.in_waiting or 1))
        elapsed = time.perf_counter() - start
    finally:
        port.close()
        writer.wait()
    return {"seconds": elapsed, "bytes": writer.size, "mbps": writer.size / elapsed / MB}


def session_trial(pty: Pty, total: int) -> dict:
    """The Session with a recorder: read until the recording holds every byte written."""
    tmp = Path(tempfile.mkdtemp(prefix="spwf-bench-ingest-"))
    writer = Writer(pty, total)
    recorder = Recorder(directory=tmp, max_bytes=1 << 62)
    session = Session(PortSettings(pty.path), recorder=recorder)
    done = threading.Event()
    session.add_listener(lambda: session.rx_bytes >= writer.size and done.set())
    session.open()
    entries = 0
    try:
        entries += len(session.entries.drain())
        cpu0 = process_cpu_seconds()
        writer.go()
        start = time.perf_counter()
        while not done.wait(DRAIN_INTERVAL):
            entries += len(session.entries.drain())
        elapsed = time.perf_counter() - start
        cpu = process_cpu_seconds() - cpu0
        entries += len(session.entries.drain())
        dropped = session.entries.dropped
    finally:
        session.close()
        writer.wait()
    recorded, digest = recorded_rx(recorder.path)
    shutil.rmtree(tmp, ignore_errors=True)
    return {"seconds": elapsed, "bytes": writer.size, "mbps": writer.size / elapsed / MB,
            "bytes_lost": writer.size - recorded, "exact": digest == writer.sha256 and recorded == writer.size,
            "entries": entries, "entries_dropped": dropped, "cpu_s": cpu}


def run(total: int, trials: int) -> dict:
    pty = Pty()
    try:
        base, ours = [], []
        for _ in range(trials):
            base.append(pyserial_trial(pty, total))
            ours.append(session_trial(pty, total))
    finally:
        pty.close()
    ingest = median([t["mbps"] for t in ours])
    baseline = median([t["mbps"] for t in base])
    return {
        "headless_ingest_mbps": ingest,
        "pyserial_read_mbps": baseline,
        "headless_ingest_ratio": ingest / baseline,
        "headless_line_rate_ratio": ingest * MB / LINE_RATE,
        "headless_bytes": ours[0]["bytes"],
        "headless_trials": trials,
        "headless_bytes_lost": sum(t["bytes_lost"] for t in ours),
        "headless_exact": all(t["exact"] for t in ours),
        "headless_cpu_s_per_mb": median([t["cpu_s"] / (t["bytes"] / MB) for t in ours]),
        "headless_entries_per_s": median([t["entries"] / t["seconds"] for t in ours]),
        "headless_entries_dropped": sum(t["entries_dropped"] for t in ours),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.ingest")
    parser.add_argument("--megabytes", type=float, default=100)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args(argv)
    emit(run(int(args.megabytes * MB), args.trials))


if __name__ == "__main__":
    main()
