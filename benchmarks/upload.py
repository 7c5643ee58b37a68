"""Benchmark 5, upload: a 64 KiB ``@file`` through ``FSC`` to the emulated module on a pty.

``spwf-tui sim --pty`` runs as its own process. The module's RAM disk is 16 KiB by default, so
the benchmark first raises it with ``AT+S.SCFG=ramdisk_memsize,128`` (a 1-byte configuration
variable of firmware 1.1.0, in KiB; the emulator checks FSC against it). Each trial uploads the
file under a new name and deletes it after. Timed from the call until the final ``AT-S.OK``:

* spwf-tui: ``Session.execute("AT+S.FSC=/bN.bin,@FILE")`` (payload source, length computed, the
  real transport, a recorder), in this process;
* baseline: a raw ``os.write`` of the same bytes (``AT+S.FSC=/rN.bin,65536\\r`` and the payload)
  to the same pty, then ``os.read`` until ``AT-S.OK``.

The ratio is raw time over spwf-tui time (1.0: as fast as the raw write). A pty moves 64 KiB in
well under a millisecond, so the ratio measures spwf-tui's fixed cost per upload (recording the
payload, pieces through pyserial, the reply's way back); ``upload_ratio_at_line_rate`` sets that
measured overhead against the 0.71 s the same bytes take at 921600 baud (a projection, labelled so).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tty
from pathlib import Path

from benchmarks.common import bench_env, emit, isolated_dirs, median
from benchmarks.flood import LINE_RATE
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings

SIZE = 64 * 1024
OK = b"AT-S.OK\r\n"


def _start_sim(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "spwf_tui", "sim", "--pty"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    first = proc.stdout.readline()
    if "listening on" not in first:
        raise RuntimeError(f"spwf-tui sim did not start: {first}{proc.stderr.read()}")
    return proc, first.split("listening on ")[1].split()[0]


def _session_trials(path: str, payload_file: Path, trials: int, tmp: Path) -> list[float]:
    session = Session(PortSettings(path), recorder=Recorder(directory=tmp / "rec", max_bytes=1 << 40))
    session.open()
    try:
        _check(session.execute("AT", timeout=10))
        _check(session.execute("AT+S.SCFG=ramdisk_memsize,128"))
        times = []
        for n in range(trials):
            start = time.perf_counter()
            command = session.execute(f"AT+S.FSC=/b{n}.bin,@{payload_file}", timeout=30)
            times.append(time.perf_counter() - start)
            _check(command)
            _check(session.execute(f"AT+S.FSD=/b{n}.bin"))
        return times
    finally:
        session.close()


def _check(command) -> None:
    if not command.succeeded:
        raise RuntimeError(f"{command.line}: {command.outcome} {command.reason} {command.final}")


def _raw_trials(path: str, payload: bytes, trials: int) -> list[float]:
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    try:
        os.write(fd, b"AT+S.SCFG=ramdisk_memsize,128\r")  # also waits for the console to be up
        _read_until_ok(fd)
        times = []
        for n in range(trials):
            wire = f"AT+S.FSC=/r{n}.bin,{len(payload)}\r".encode() + payload
            start = time.perf_counter()
            view = memoryview(wire)
            while view:
                view = view[os.write(fd, view):]
            _read_until_ok(fd)
            times.append(time.perf_counter() - start)
            os.write(fd, f"AT+S.FSD=/r{n}.bin\r".encode())
            _read_until_ok(fd)
        return times
    finally:
        os.close(fd)


def _read_until_ok(fd: int, timeout: float = 30) -> None:
    seen = b""
    deadline = time.monotonic() + timeout
    while OK not in seen:
        if b"AT-S.ERROR" in seen or time.monotonic() > deadline:
            raise RuntimeError(f"raw upload failed: {seen[-200:]!r}")
        seen = seen[-64:] + os.read(fd, 4096)


def run(trials: int) -> dict:
    tmp, dirs = isolated_dirs()
    payload = random.Random(5).randbytes(SIZE)
    payload_file = tmp / "payload.bin"
    payload_file.write_bytes(payload)
    proc, path = _start_sim(bench_env(dirs))
    ours: list[float] = []
    raw: list[float] = []
    try:
        # Alternate blocks so that drift (CPU frequency, the emulator's state) hits both alike.
        for _ in range(2):
            raw += _raw_trials(path, payload, trials)
            ours += _session_trials(path, payload_file, trials, tmp)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    upload_s, raw_s = median(ours), median(raw)
    overhead = upload_s - raw_s
    line_s = SIZE / LINE_RATE
    return {"upload_s": upload_s, "raw_write_s": raw_s, "upload_ratio": raw_s / upload_s,
            "upload_kbps": SIZE / upload_s / 1000, "upload_trials": len(ours),
            "upload_overhead_ms": overhead * 1000,
            # Not measured: the same fixed overhead set against the 0.71 s the bytes take on the wire.
            "upload_ratio_at_line_rate": line_s / (line_s + max(0.0, overhead))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.upload")
    parser.add_argument("--trials", type=int, default=5)
    args = parser.parse_args(argv)
    emit(run(args.trials))


if __name__ == "__main__":
    main()
