"""Benchmark 6, decode: ``spwf-tui decode`` on a generated capture against a split-lines loop.

The capture is the flood (``benchmarks.flood``: module lines, WINDs, socket reads with binary
payloads, noise) written to a file, as a raw UART capture (``cat /dev/ttyUSB0 > capture``) holds
it. ``spwf-tui decode FILE --json`` and ``spwf-tui decode FILE`` run as CLI subprocesses with
their output going to /dev/null (timed from spawn to exit; peak RSS: the child's high-water mark).
The baseline runs in this process: read the file and loop over ``data.split(b"\\n")``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time

from benchmarks.common import MB, bench_env, emit, isolated_dirs
from benchmarks.flood import Flood
from benchmarks.startup import spwf_tui_command


def _cli(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``argv`` with output to /dev/null; (seconds, peak RSS MiB).

    The peak is the child's own high-water mark (``VmHWM``, read while it runs): ``ru_maxrss``
    of a child on Linux also counts what the parent held when it forked.
    """
    peak_kib = 0
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.PIPE, env=env)
        while proc.poll() is None:
            peak_kib = max(peak_kib, _high_water_kib(proc.pid))
            time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr.read().decode(errors='replace')[-500:]}")
    return elapsed, peak_kib / 1024


def _high_water_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass  # the process just ended
    return 0


def _split_lines(path) -> float:
    start = time.perf_counter()
    with open(path, "rb") as capture:
        data = capture.read()
    count = 0
    for line in data.split(b"\n"):
        count += 1
    return time.perf_counter() - start


def run(megabytes: float) -> dict:
    tmp, dirs = isolated_dirs()
    env = bench_env(dirs)
    capture = tmp / "capture.log"
    flood = Flood(int(megabytes * MB))
    with open(capture, "wb") as out:
        for chunk in flood.chunks():
            out.write(chunk)
    try:
        json_s, json_rss = _cli([*spwf_tui_command(), "decode", str(capture), "--json"], env)
        text_s, text_rss = _cli([*spwf_tui_command(), "decode", str(capture)], env)
        baseline = min(_split_lines(capture) for _ in range(3))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    size = flood.size / MB
    return {
        "decode_mbps": size / json_s,
        "decode_text_mbps": size / text_s,
        "split_lines_mbps": size / baseline,
        "decode_ratio": baseline / json_s,
        "decode_text_ratio": baseline / text_s,
        "decode_peak_rss_mib": max(json_rss, text_rss),
        "decode_megabytes": size,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.decodebench")
    parser.add_argument("--megabytes", type=float, default=100)
    args = parser.parse_args(argv)
    emit(run(args.megabytes))


if __name__ == "__main__":
    main()
