"""Benchmark 9, exports and replay of a large recording; PEM scanning of hostile input.

A recording of about ``--megabytes`` MB is made the way a session makes one: the flood
(``benchmarks.flood``) handed to the real ``Recorder`` in 4 KiB reads, a command sent every
64 reads. Then, each as a CLI subprocess (output to a file, timed from spawn to exit, peak
RSS: the child's own high-water mark ``VmHWM``): ``export --to cast``, ``--to text``,
``--to markdown``, and ``replay --print-state`` (opens the recording, replays it to the end).

Baseline, in this process, same file, same run: *reading the recording once* — every line
parsed as JSON and its payload decoded from base64 (``recording_read_s``, CPU time
``recording_read_cpu_s``), the least any reader of the format does; the raw read of the bytes
is given too (``recording_raw_read_s``). Ratios are CPU time / ``recording_read_cpu_s`` (CPU
time, because on a shared machine wall time mostly measures the neighbours; wall times are
reported as ``*_s``); issue 19 asks ≤ 3×, and peak RSS ≤ 200 MiB.

PEM: ``cert``'s scan of 5 MB of ``BEGIN`` lines (refused as truncated), against splitting the
same bytes into lines; and the same scan on a quarter of it, whose time ratio is about 4 when
the scan is linear (the quadratic one it replaced took 32 s for 224 KB).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from benchmarks.common import MB, bench_env, emit, isolated_dirs
from benchmarks.decodebench import _high_water_kib
from benchmarks.flood import Flood
from benchmarks.startup import spwf_tui_command

_READ = 4096


def make_recording(path: Path, megabytes: float) -> int:
    """A recording of about ``megabytes`` MB made by the real recorder; returns its size."""
    from spwf_tui.session.recording.writer import Recorder
    from spwf_tui.transport.settings import PortSettings

    recorder = Recorder(path=path, max_bytes=1 << 40)
    recorder.start(PortSettings("/dev/ttyBENCH"))
    flood = Flood(int(megabytes * MB * 0.75))  # base64 of the binary payloads makes the file larger
    reads = 0
    for chunk in flood.chunks():
        for start in range(0, len(chunk), _READ):
            if reads % 64 == 0:
                recorder.tx(b"AT+S.SOCKR=0,4096\r")
            recorder.rx(chunk[start:start + _READ])
            reads += 1
    recorder.note("end of the benchmark recording")
    recorder.close()
    return path.stat().st_size


def read_once(path: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) to read the recording once: every line parsed, every payload
    decoded."""
    start, cpu = time.perf_counter(), time.process_time()
    with open(path, "rb") as recording:
        for line in recording:
            event = json.loads(line)
            if "b64" in event:
                base64.b64decode(event["b64"])
    return time.perf_counter() - start, time.process_time() - cpu


def child(argv: list[str], env: dict[str, str], cwd: str | None = None) -> tuple[float, float, float]:
    """Run ``argv`` (output to /dev/null); (wall seconds, CPU seconds, peak RSS MiB).

    CPU time (user + system, from ``wait4``) is what the comparison uses: on a shared machine
    the wall time mostly measures the other processes.
    """
    peak_kib = 0
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.PIPE, env=env, cwd=cwd)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak_kib = max(peak_kib, _high_water_kib(proc.pid))
            time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr.read().decode(errors='replace')[-500:]}")
    proc.stderr.close()
    # not ru_maxrss: on Linux a child's also counts what this process held when it forked
    return elapsed, usage.ru_utime + usage.ru_stime, peak_kib / 1024


def raw_read(path: Path) -> float:
    start = time.perf_counter()
    with open(path, "rb") as recording:
        while recording.read(1 << 20):
            pass
    return time.perf_counter() - start


def pem_scan(size: int) -> tuple[float, float]:
    """(CPU seconds for ``certs.blob.examine`` on ``size`` bytes of BEGIN lines, CPU seconds to split them)."""
    from spwf_tui.core.certs import blob

    data = b"-----BEGIN CERTIFICATE-----\n" * (size // 28)
    start = time.process_time()  # CPU time: see the module docstring
    try:
        blob.examine(data)
    except blob.CertificateError:
        pass
    scan = time.process_time() - start
    start = time.process_time()
    data.split(b"\n")
    return scan, time.process_time() - start


def run(megabytes: float, pem_megabytes: float = 5) -> dict:
    tmp, dirs = isolated_dirs()
    env = bench_env(dirs)
    recording = tmp / "big.jsonl"
    result: dict = {}
    try:
        size = make_recording(recording, megabytes)
        wall, baseline = min(read_once(recording) for _ in range(2))
        result.update(recording_megabytes=size / MB, recording_read_s=wall, recording_read_cpu_s=baseline,
                      recording_raw_read_s=min(raw_read(recording) for _ in range(2)))
        for fmt in ("cast", "text", "markdown"):
            wall, cpu, rss = child([*spwf_tui_command(), "export", str(recording), "--to", fmt,
                                    "-o", str(tmp / f"out.{fmt}")], env)
            result[f"export_{fmt}_s"] = wall
            result[f"export_{fmt}_cpu_s"] = cpu
            result[f"export_{fmt}_ratio"] = cpu / baseline
            result[f"export_{fmt}_peak_rss_mib"] = rss
            (tmp / f"out.{fmt}").unlink()
        wall, cpu, rss = child([*spwf_tui_command(), "replay", str(recording), "--print-state"], env)
        result.update(replay_s=wall, replay_cpu_s=cpu, replay_ratio=cpu / baseline, replay_peak_rss_mib=rss)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    scan, split = pem_scan(int(pem_megabytes * MB))
    quarter, _ = pem_scan(int(pem_megabytes * MB) // 4)
    result.update(pem_megabytes=pem_megabytes, pem_begin_lines_s=scan, pem_split_lines_s=split, pem_ratio=scan / split,
                  pem_scaling_4x=scan / quarter)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.exportbench")
    parser.add_argument("--megabytes", type=float, default=100)
    parser.add_argument("--pem-megabytes", type=float, default=5, help="size of the BEGIN-lines file (5 MB)")
    args = parser.parse_args(argv)
    emit(run(args.megabytes, args.pem_megabytes))


if __name__ == "__main__":
    main()
