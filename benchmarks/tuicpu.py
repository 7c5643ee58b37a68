"""Benchmark 12, the TUI's CPU at the 921600-baud line rate and idle (issue 19 item 8).

``spwf-tui PTY`` runs as a real process on a 120x40 pseudo-terminal (TERM=xterm-256color) whose
output this process reads and throws away, as a terminal emulator would; its own port is a raw
pty that the writer process feeds the flood at ``LINE_RATE`` (92,160 B/s). The CPU it uses is
its user plus system time from ``/proc/PID/stat`` (every thread) over a window, as % of one
core: idle first (booted screen, nothing arriving), then while the flood streams. The baseline
in the same run: pyserial's miniterm on the same kind of terminal and port, the same two windows
(it prints every byte it reads, as the TUI shows every line). Both record nothing that
miniterm would not: the TUI records the session (its default) into a temporary data directory.
At the end the TUI's recording is compared with what the writer wrote: bytes lost.
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
import threading
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import Pty, Writer, bench_env, cpu_seconds, emit, isolated_dirs, recorded_rx
from benchmarks.flood import LINE_RATE
from benchmarks.startup import spwf_tui_command

_ANSI = re.compile(rb"\x1b(?:\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78MDEc])")
SETTLE = 3.0
"""Seconds after the first frame before the idle window (start-up timers and the boot finish)."""


class Terminal:
    """A 120x40 pseudo-terminal a program runs on; a thread reads (and keeps the tail of) what it
    draws, so it never blocks on a full terminal."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int] = (120, 40)) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                                     close_fds=True, env={**env, "TERM": "xterm-256color", "COLUMNS": str(size[0]),
                                                          "LINES": str(size[1])})
        os.close(slave)
        self.drawn = 0
        self.tail = b""
        self._stop = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._stop:
            if not select.select([self.master], [], [], 0.2)[0]:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.drawn += len(chunk)
            self.tail = (self.tail + chunk)[-200_000:]

    def wait_for(self, words: tuple[bytes, ...], timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = _ANSI.sub(b"", self.tail)
            if all(word in text for word in words):
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def close(self, keys: bytes) -> None:
        try:
            os.write(self.master, keys)
            deadline = time.monotonic() + 5
            while self.proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
        except OSError:
            pass
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self._stop = True
            self._reader.join(timeout=2)
            os.close(self.master)


def _window(term: Terminal, seconds: float) -> float:
    """% of one core ``term``'s program used over the next ``seconds``."""
    start_cpu, start = term.cpu(), time.monotonic()
    time.sleep(seconds)
    return (term.cpu() - start_cpu) / (time.monotonic() - start) * 100


def measure(argv: Callable[[str], list[str]], env: dict[str, str], ready: tuple[bytes, ...], quit_keys: bytes,
            idle_s: float, stream_s: float, recording_dir: Path | None = None) -> dict:
    """Idle and line-rate CPU of the program ``argv(port)``; bytes lost when it records."""
    pty = Pty()
    seconds = idle_s + stream_s + SETTLE + 30
    writer = Writer(pty, int(LINE_RATE * seconds), rate=LINE_RATE)
    term = Terminal(argv(pty.path), env)
    result: dict = {}
    try:
        if not term.wait_for(ready):
            raise RuntimeError(f"{term.proc.args[0]} did not draw {ready!r}: {_ANSI.sub(b'', term.tail)[-300:]!r}")
        time.sleep(SETTLE)
        result["idle_pct"] = _window(term, idle_s)
        writer.go()
        time.sleep(1.0)  # the stream's first second: the log fills up and starts to scroll
        drawn = term.drawn
        result["line_rate_pct"] = _window(term, stream_s)
        result["drawn_kbps"] = (term.drawn - drawn) / stream_s / 1000
        writer.stop()
        writer.wait()
        if recording_dir is not None:
            result["bytes_lost"] = _lost(recording_dir, writer.written)
    finally:
        term.close(quit_keys)
        if writer.proc.poll() is None:
            writer.kill()
        pty.close()
    return result


def _lost(directory: Path, written: int, timeout: float = 30.0) -> int:
    """Bytes the writer wrote that are not (yet, after ``timeout``) in the recording."""
    deadline = time.monotonic() + timeout
    recorded = 0
    while time.monotonic() < deadline:
        files = sorted(directory.rglob("*.jsonl"))
        if files:
            recorded, _ = recorded_rx(files[-1])
            if recorded >= written:
                break
        time.sleep(0.5)
    return written - recorded


def run(idle_s: float, stream_s: float) -> dict:
    tmp, dirs = isolated_dirs()
    env = bench_env(dirs)
    try:
        tui = measure(lambda port: [*spwf_tui_command(), "-b", "921600", port], env, (b"connected",), b"\x11",
                      idle_s, stream_s, recording_dir=Path(dirs["SPWF_TUI_DATA_DIR"]))
        miniterm = measure(lambda port: [sys.executable, "-m", "serial.tools.miniterm", "--raw", port, "921600"], env,
                           (b"Miniterm",), b"\x1d", idle_s, stream_s)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "tui_cpu_line_rate_pct": tui["line_rate_pct"],
        "tui_cpu_idle_pct": tui["idle_pct"],
        "tui_cpu_bytes_lost": tui["bytes_lost"],
        "tui_cpu_drawn_kbps": tui["drawn_kbps"],
        "miniterm_cpu_line_rate_pct": miniterm["line_rate_pct"],
        "miniterm_cpu_idle_pct": miniterm["idle_pct"],
        "tui_cpu_window_s": stream_s,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.tuicpu")
    parser.add_argument("--idle-seconds", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=20, help="the window at line rate")
    args = parser.parse_args(argv)
    emit(run(args.idle_seconds, args.seconds))


if __name__ == "__main__":
    main()
