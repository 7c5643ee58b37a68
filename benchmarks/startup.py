"""Benchmark 4, start-up: ``spwf-tui --help`` and the first painted frame of ``spwf-tui sim://``.

Every program runs as a real process, several times, alternating; medians are reported. The
baselines, in the same run: ``python -c pass`` (the interpreter alone) and pyserial's
``python -m serial.tools.miniterm --help``. The first frame: ``spwf-tui sim:// --no-record`` on a
120x40 pseudo-terminal (TERM=xterm-256color); the clock runs from the spawn until the bytes the
app wrote to the terminal hold its status line (the port and the link state), then the app is
told to quit with Ctrl+Q. Its baseline, the same way: Textual's smallest app
(``benchmarks/textual_hello.py``, one ``Static``), the framework's own floor. Its CPU time until that frame is reported too (``first_frame_cpu_s``):
on a shared machine the wall time mostly measures the wait for a CPU. The children may write
bytecode caches (``__pycache__``), as an installed package has them.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from benchmarks.common import bench_env, cpu_seconds, emit, isolated_dirs, median

_ANSI = re.compile(rb"\x1b(?:\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78MDEc])")
STATUS_WORDS = (b"sim://", b"connected")
"""What the status line says once painted (the port and the link state)."""
HELLO_COMMAND = [sys.executable, "-m", "benchmarks.textual_hello"]
HELLO_WORDS = (b"textual-hello-frame",)
"""``benchmarks.textual_hello.WORD``, not imported: this process need not import Textual."""
FRAME_TIMEOUT = 20.0


def spwf_tui_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m spwf_tui``."""
    script = Path(sys.executable).with_name("spwf-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "spwf_tui"]


def time_process(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def first_frame(env: dict[str, str], size: tuple[int, int] = (120, 40), argv: list[str] | None = None,
                words: tuple[bytes, ...] = STATUS_WORDS) -> tuple[float, float]:
    """Seconds from spawning ``argv`` (``spwf-tui sim://``) on a pty to ``words`` (its status
    line) on the screen, and the CPU seconds the process used until then (a busy machine
    stretches the first, not the second)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    start = time.perf_counter()
    argv = argv or [*spwf_tui_command(), "sim://", "--no-record"]
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave,
                            stderr=slave, env={**env, "TERM": "xterm-256color", "COLUMNS": str(size[0]),
                                               "LINES": str(size[1])},
                            start_new_session=True, close_fds=True)
    os.close(slave)
    screen = b""
    elapsed = cpu = float("nan")
    try:
        deadline = start + FRAME_TIMEOUT
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
            text = _ANSI.sub(b"", screen)
            if all(word in text for word in words):
                elapsed = time.perf_counter() - start
                cpu = cpu_seconds(proc.pid)
                break
    finally:
        _quit(proc, master)
    return elapsed, cpu


def _quit(proc: subprocess.Popen, master: int) -> None:
    try:
        os.write(master, b"\x11")  # Ctrl+Q
        deadline = time.monotonic() + 5
        while proc.poll() is None and time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    os.read(master, 65536)  # keep the pty drained so the app can exit
                except OSError:
                    break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(master)


def run(repeats: int) -> dict:
    tmp, dirs = isolated_dirs()
    env = bench_env(dirs)
    # As installed: with bytecode caches. Where PYTHONDONTWRITEBYTECODE is set (this project's
    # shared machine sets it), every start compiled spwf_tui from source: about a third of the
    # first frame's CPU, which no user pays after the first start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    commands = {
        "python_pass": [sys.executable, "-c", "pass"],
        "help": [*spwf_tui_command(), "--help"],
        "miniterm_help": [sys.executable, "-m", "serial.tools.miniterm", "--help"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    frames: list[float] = []
    frames_cpu: list[float] = []
    hello: list[float] = []
    hello_cpu: list[float] = []
    try:
        for argv in commands.values():  # warm the page cache and the bytecode caches once
            time_process(argv, env)
        for _ in range(repeats):
            for name, argv in commands.items():
                times[name].append(time_process(argv, env))
            wall, cpu = first_frame(env)
            frames.append(wall)
            frames_cpu.append(cpu)
            wall, cpu = first_frame(env, argv=HELLO_COMMAND, words=HELLO_WORDS)
            hello.append(wall)
            hello_cpu.append(cpu)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {f"{name}_s": median(values) for name, values in times.items()}
    result["help_ratio"] = result["help_s"] / result["miniterm_help_s"]
    result["first_frame_s"] = median(frames)
    result["first_frame_max_s"] = max(frames)
    result["first_frame_cpu_s"] = median(frames_cpu)
    result["first_frame_textual_hello_s"] = median(hello)
    result["first_frame_textual_hello_cpu_s"] = median(hello_cpu)
    result["startup_repeats"] = repeats
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.startup")
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args(argv)
    emit(run(args.repeats))


if __name__ == "__main__":
    main()
