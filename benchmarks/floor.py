"""What bounds headless ingest (issue 19 item 1): the bare read loop with only part of the work.

Benchmark 1 compares the whole ``Session`` with pyserial's bare read loop on a flooded pty. This
one asks how close ANY implementation in this interpreter could come: the same read loop (the
baseline, ``read(in_waiting or 1)``) with one required piece of the work added at a time, on the
same pty and flood, the trials alternating:

- ``lines``: every read split into lines (``bytes.split``, C) and each line given the least
  work a line-based decoder in Python can do: a dict lookup of its first bytes and one tuple
  appended to a list — no payload framing, no state, no objects worth the name;
- ``record``: every read handed to the real ``Recorder`` (its redactor, base64 or text, one JSON
  line, one ``write``) — a recorded ingest can be no faster than this;
- ``decode``: every read fed to the real ``RxDecoder`` (lines and payloads framed, events made)
  and nothing else — a decoded ingest can be no faster than this;
- ``record_decode``: both, still without state, explanations, entries or a reader thread.

The loops with work gather what is waiting into batches of up to 64 KiB before working, as the
session's reader does (fewer, larger pieces of work when the work is slower than the flood).

Each ratio (rate of the loop with the work / rate of the bare loop) is an upper bound on the
ratio a full session can reach with today's recorder and decoder. The rates are wall-clock and
move with the machine's load; the CPU per MB does not, so the ratio of CPU times
(``floor_<work>_cpu_ratio`` = bare loop's CPU per MB / the loop with the work's) is reported too:
once the reader is the busy one (as at 100 MB/s on two cores, the writer on the other), that is
the bound. Standalone:
``python -m benchmarks.floor --megabytes 20``; prints one result line (``BENCH-RESULT {...}``).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import serial

from benchmarks.common import MB, Pty, Writer, emit, median, process_cpu_seconds
from spwf_tui.core.decoder import RxDecoder
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.transport.settings import PortSettings

WORKS = ("bare", "lines", "record", "decode", "record_decode")
BATCH = 64 * 1024
"""The most a batch of reads hands to the work (``transport.serial_transport.READ_BATCH``)."""


def trial(pty: Pty, total: int, work: str) -> dict:
    """The read loop with ``work`` done on every read, until the writer's bytes are all in."""
    tmp = Path(tempfile.mkdtemp(prefix="spwf-bench-floor-"))
    handlers: list[Callable[[bytes], object]] = []
    recorder = None
    if "record" in work:
        recorder = Recorder(directory=tmp, max_bytes=1 << 62)
        recorder.start(PortSettings(pty.path))
        handlers.append(recorder.rx)
    if "decode" in work:
        handlers.append(RxDecoder().feed)
    if work == "lines":
        handlers.append(_least_line_work)
    writer = Writer(pty, total)
    port = serial.Serial(pty.path, timeout=0.05)
    try:
        got = 0
        cpu0 = process_cpu_seconds()
        writer.go()
        start = time.perf_counter()
        while got < writer.size:
            data = port.read(port.in_waiting or 1)
            if handlers:  # the work amortised as the session's reader does: up to 64 KiB a batch
                while len(data) < BATCH and port.in_waiting:
                    data += port.read(min(port.in_waiting, BATCH - len(data)))
                for handle in handlers:
                    handle(data)
            got += len(data)
        elapsed = time.perf_counter() - start
        cpu = process_cpu_seconds() - cpu0
    finally:
        port.close()
        writer.wait()
        if recorder is not None:
            recorder.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return {"seconds": elapsed, "mbps": writer.size / elapsed / MB, "cpu_ms_per_mb": cpu * 1000 / (writer.size / MB)}


_FIRST_BYTES = {b"AT-S.O": 1, b"+WIND:": 2, b"AT-S.R": 3, b"AT-S.E": 4, b"#  ": 5}


def _least_line_work(data: bytes) -> list[tuple[int | None, bytes]]:
    known = _FIRST_BYTES.get
    return [(known(line[:6]), line) for line in data.split(b"\n")]


def run(total: int, trials: int) -> dict:
    pty = Pty()
    results: dict[str, list[dict]] = {work: [] for work in WORKS}
    try:
        for _ in range(trials):
            for work in WORKS:
                results[work].append(trial(pty, total, work))
    finally:
        pty.close()
    bare = median([t["mbps"] for t in results["bare"]])
    figures: dict[str, float] = {"floor_bare_mbps": bare}
    for work in WORKS:
        figures[f"floor_{work}_cpu_ms_per_mb"] = median([t["cpu_ms_per_mb"] for t in results[work]])
        if work != "bare":
            rate = median([t["mbps"] for t in results[work]])
            figures[f"floor_{work}_mbps"] = rate
            figures[f"floor_{work}_ratio"] = rate / bare
            figures[f"floor_{work}_cpu_ratio"] = (figures["floor_bare_cpu_ms_per_mb"]
                                                  / figures[f"floor_{work}_cpu_ms_per_mb"])
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.floor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=20)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args(argv)
    emit(run(int(args.megabytes * MB), args.trials))


if __name__ == "__main__":
    main()
