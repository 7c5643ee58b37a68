"""Benchmark 11, REPL ingest: ``spwf-tui repl PTY`` printing a flood, in a pipe.

The flood (``benchmarks.flood``, as fast as the pty takes it) goes to ``spwf-tui repl <pty>
--no-record`` run as a user runs it in a pipeline: stdin a pipe held open (no command typed),
stdout a pipe this process reads and counts. The clock runs from ``go`` until the flood's last
line (``AT-S.Bench:end of flood``) has come out of the REPL; the REPL's peak RSS is its own
high-water mark (``VmHWM``). Also counted: the lines the REPL said it did not show (``N lines
not shown``). The baseline in the same run is the TUI's ingest figure when the suite ran it
(benchmark 2) and the headless Session (benchmark 1); on its own, the pyserial read loop of
benchmark 1 runs here too.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import threading
import time

from benchmarks.common import MB, Pty, Writer, emit, median
from benchmarks.decodebench import _high_water_kib
from benchmarks.ingest import pyserial_trial
from benchmarks.startup import spwf_tui_command
from benchmarks.common import bench_env, isolated_dirs

END_MARK = b"AT-S.Bench:end of flood"
_NOT_SHOWN = re.compile(rb"([\d,]+) lines not shown")
TIMEOUT = 600.0


def repl_trial(pty: Pty, total: int, env: dict[str, str]) -> dict:
    writer = Writer(pty, total)
    proc = subprocess.Popen([*spwf_tui_command(), "repl", pty.path, "--no-record"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    seen = threading.Event()
    counts = {"bytes": 0, "hidden": 0}
    tail = [b""]

    def reader() -> None:
        while True:
            chunk = proc.stdout.read1(1 << 16)
            if not chunk:
                return
            counts["bytes"] += len(chunk)
            text = tail[0] + chunk
            for match in _NOT_SHOWN.finditer(text):
                counts["hidden"] += int(match.group(1).replace(b",", b""))
            if END_MARK in text:
                seen.set()
            tail[0] = text[-64:]

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    peak = 0
    try:
        time.sleep(1.0)  # the REPL is up and reading the port (it prints nothing before output)
        cpu_before = _cpu_seconds(proc.pid)
        writer.go()
        start = time.perf_counter()
        deadline = start + TIMEOUT
        while not seen.wait(0.05) and time.perf_counter() < deadline:
            peak = max(peak, _high_water_kib(proc.pid))
        elapsed = time.perf_counter() - start
        peak = max(peak, _high_water_kib(proc.pid))
        cpu = _cpu_seconds(proc.pid) - cpu_before
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        writer.wait()
    if not seen.is_set():
        raise RuntimeError("the REPL never printed the flood's last line")
    return {"seconds": elapsed, "mbps": writer.size / elapsed / MB, "peak_rss_mib": peak / 1024,
            "cpu_s_per_mb": cpu / (writer.size / MB),
            "hidden_lines": counts["hidden"], "output_bytes": counts["bytes"]}


def _cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) process ``pid`` has used so far: on a busy machine the
    wall-clock rate counts the other processes too, the CPU time per MB does not."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(total: int, trials: int) -> dict:
    tmp, dirs = isolated_dirs()
    env = bench_env(dirs)
    pty = Pty()
    try:
        ours, base = [], []
        for _ in range(trials):
            base.append(pyserial_trial(pty, total))
            ours.append(repl_trial(pty, total, env))
    finally:
        pty.close()
    return {
        "repl_ingest_mbps": median([t["mbps"] for t in ours]),
        "repl_pyserial_read_mbps": median([t["mbps"] for t in base]),
        "repl_peak_rss_mib": max(t["peak_rss_mib"] for t in ours),
        "repl_cpu_s_per_mb": median([t["cpu_s_per_mb"] for t in ours]),
        "repl_hidden_lines": sum(t["hidden_lines"] for t in ours),
        "repl_megabytes": total / MB,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.replingest")
    parser.add_argument("--megabytes", type=float, default=100)
    parser.add_argument("--trials", type=int, default=1)
    args = parser.parse_args(argv)
    emit(run(int(args.megabytes * MB), args.trials))


if __name__ == "__main__":
    main()
