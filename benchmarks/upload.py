"""Benchmark 5, upload: a 64 KiB ``@file`` through ``FSC`` and a 1 MiB one through ``SOCKW`` to
the emulated module on a pty.

``spwf-tui sim --pty`` runs as its own process. The module's RAM disk is 16 KiB by default, so
the benchmark first raises it with ``AT+S.SCFG=ramdisk_memsize,128`` (a 1-byte configuration
variable of firmware 1.1.0, in KiB; the emulator checks FSC against it). Each trial uploads the
file under a new name and deletes it after. Timed from the call until the final ``AT-S.OK``:

* spwf-tui: ``Session.execute("AT+S.FSC=/bN.bin,@FILE")`` (payload source, length computed, the
  real transport, a recorder), in this process;
* baseline: a raw ``os.write`` of the same bytes (``AT+S.FSC=/rN.bin,65536\\r`` and the payload)
  to the same pty, then ``os.read`` until ``AT-S.OK``.

1 MiB does not fit the RAM disk (``ramdisk_memsize`` is one byte: 255 KiB at most), so the
1 MiB upload is ``AT+S.SOCKW=<id>,@FILE`` on a TCP socket the module opened to a sink process
on this host (``SOCKON=127.0.0.1,<port>,NULL,t``), the same way for both; the module answers
OK once it has sent the bytes to the sink.

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
BIG = 1024 * 1024
OK = b"AT-S.OK\r\n"


def _start_sim(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "spwf_tui", "sim", "--pty"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    first = proc.stdout.readline()
    if "listening on" not in first:
        raise RuntimeError(f"spwf-tui sim did not start: {first}{proc.stderr.read()}")
    return proc, first.split("listening on ")[1].split()[0]


class Target:
    """Where a trial's upload goes: a new RAM-disk file (FSC) or the open socket (SOCKW)."""

    def __init__(self, size: int, sink_port: int | None) -> None:
        self.size = size
        self.sink_port = sink_port

    def setup(self) -> list[str]:
        """Commands before a block of trials (the RAM disk raised, or the socket opened)."""
        if self.sink_port is None:
            return ["AT+S.SCFG=ramdisk_memsize,128"]
        return [f"AT+S.SOCKON=127.0.0.1,{self.sink_port},NULL,t"]

    def command(self, tag: str, n: int, length: str) -> str:
        if self.sink_port is None:
            return f"AT+S.FSC=/{tag}{n}.bin,{length}"
        return f"AT+S.SOCKW=0,{length}"  # the only socket open: id 0

    def after(self, tag: str, n: int) -> str | None:
        return f"AT+S.FSD=/{tag}{n}.bin" if self.sink_port is None else None

    def teardown(self) -> list[str]:
        return [] if self.sink_port is None else ["AT+S.SOCKC=0"]


def _session_trials(path: str, payload_file: Path, trials: int, tmp: Path, target: Target) -> list[float]:
    session = Session(PortSettings(path), recorder=Recorder(directory=tmp / "rec", max_bytes=1 << 40))
    session.open()
    try:
        _check(session.execute("AT", timeout=10))
        for line in target.setup():
            _check(session.execute(line, timeout=20))
        times = []
        for n in range(trials):
            start = time.perf_counter()
            command = session.execute(target.command("b", n, f"@{payload_file}"), timeout=30)
            times.append(time.perf_counter() - start)
            _check(command)
            after = target.after("b", n)
            if after:
                _check(session.execute(after))
        for line in target.teardown():
            _check(session.execute(line))
        return times
    finally:
        session.close()


def _check(command) -> None:
    if not command.succeeded:
        raise RuntimeError(f"{command.line}: {command.outcome} {command.reason} {command.final}")


def _raw_trials(path: str, payload: bytes, trials: int, target: Target) -> list[float]:
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    try:
        for line in target.setup():
            os.write(fd, line.encode() + b"\r")
            _read_until_ok(fd)
        times = []
        for n in range(trials):
            wire = f"{target.command('r', n, str(len(payload)))}\r".encode() + payload
            start = time.perf_counter()
            view = memoryview(wire)
            while view:
                view = view[os.write(fd, view):]
            _read_until_ok(fd)
            times.append(time.perf_counter() - start)
            after = target.after("r", n)
            if after:
                os.write(fd, f"{after}\r".encode())
                _read_until_ok(fd)
        for line in target.teardown():
            os.write(fd, line.encode() + b"\r")
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


_SINK = """
import socket, sys
server = socket.create_server(("127.0.0.1", 0))
print(server.getsockname()[1], flush=True)
while True:
    conn, _ = server.accept()
    while conn.recv(1 << 16):
        pass
    conn.close()
"""


def _wait_for_address(path: str, sink_port: int) -> None:
    """The emulated module joins its network after boot: SOCKON answers 60 until it has an address."""
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    try:
        for _ in range(100):
            os.write(fd, f"AT+S.SOCKON=127.0.0.1,{sink_port},NULL,t\r".encode())
            try:
                _read_until_ok(fd)
            except RuntimeError:
                time.sleep(0.2)
                continue
            os.write(fd, b"AT+S.SOCKC=0\r")
            _read_until_ok(fd)
            return
        raise RuntimeError("the emulated module never got an address")
    finally:
        os.close(fd)


def _measure(path: str, payload: bytes, payload_file: Path, trials: int, tmp: Path,
             target: Target) -> tuple[float, float]:
    ours: list[float] = []
    raw: list[float] = []
    # Alternate blocks so that drift (CPU frequency, the emulator's state) hits both alike.
    for _ in range(2):
        raw += _raw_trials(path, payload, trials, target)
        ours += _session_trials(path, payload_file, trials, tmp, target)
    return median(ours), median(raw)


def run(trials: int) -> dict:
    tmp, dirs = isolated_dirs()
    payload = random.Random(5).randbytes(SIZE)
    payload_file = tmp / "payload.bin"
    payload_file.write_bytes(payload)
    big = random.Random(6).randbytes(BIG)
    big_file = tmp / "big.bin"
    big_file.write_bytes(big)
    proc, path = _start_sim(bench_env(dirs))
    sink = subprocess.Popen([sys.executable, "-c", _SINK], stdout=subprocess.PIPE, text=True)
    try:
        sink_port = int(sink.stdout.readline())
        _wait_for_address(path, sink_port)
        upload_s, raw_s = _measure(path, payload, payload_file, trials, tmp, Target(SIZE, None))
        big_s, big_raw_s = _measure(path, big, big_file, max(2, trials // 2), tmp, Target(BIG, sink_port))
    finally:
        for child in (proc, sink):
            child.terminate()
            child.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    overhead = upload_s - raw_s
    line_s = SIZE / LINE_RATE
    return {"upload_s": upload_s, "raw_write_s": raw_s, "upload_ratio": raw_s / upload_s,
            "upload_kbps": SIZE / upload_s / 1000, "upload_trials": 2 * trials,
            "upload_overhead_ms": overhead * 1000,
            "upload_1mib_s": big_s, "raw_write_1mib_s": big_raw_s, "upload_1mib_ratio": big_raw_s / big_s,
            # Not measured: the same fixed overhead set against the 0.71 s the bytes take on the wire.
            "upload_ratio_at_line_rate": line_s / (line_s + max(0.0, overhead))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.upload")
    parser.add_argument("--trials", type=int, default=5)
    args = parser.parse_args(argv)
    emit(run(args.trials))


if __name__ == "__main__":
    main()
