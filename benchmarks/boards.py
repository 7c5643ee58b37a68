"""Benchmark 10, many boards in one process: N modules at 921600 baud into N Sessions.

A lab host watches many boards: this runs N ``Session``s in this one process (each the real
thing: ``SerialTransport`` with its reader thread on a pty opened by path, decoder, state,
explainer, redaction of the entries, a ``Recorder`` writing to a temporary directory; the main
thread drains every session's entries every 50 ms, as ``run`` does). Until the multi-port
``run`` lands, the Sessions are made here directly. The module side is one writer *process*
(``--writer``) that feeds the flood (``benchmarks.flood``) to all N pty masters, each paced at
the 921600-baud rate (92,160 B/s), non-blocking: a pty buffer that is still full when the next
piece is due means the reader fell behind, and the bytes that could not go out in time count
as lost (a real UART without flow control would have dropped them).

Reported per N: this process's CPU while streaming (``getrusage``, threads included) as a
percentage of one core per board, bytes lost (not written in time, or written and never
received), and whether it kept up (0 lost, under 100 % of a core); the CPU while idle (the
sessions open, the modules silent, ``IDLE_SECONDS`` before the flood); and both split by thread
kind (``rx``, ``deadlines``, ``MainThread``) with their wake-ups (context switches) per second
and board, from ``/proc/self/task``. ``boards_at_line_rate`` is the largest N tried that kept up.
"""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.common import ROOT, Pty, bench_env, emit, process_cpu_seconds
from benchmarks.flood import LINE_RATE, build_block

TICK = 0.01
DRAIN_INTERVAL = 0.05
IDLE_SECONDS = 2.0
"""The idle window before the flood."""
SETTLE = 3.0
"""Seconds after the writer stops for the last bytes to arrive."""


# -- the module side (a child process) ---------------------------------------------------------

def writer_main(fds: list[int], seconds: float, rate: float) -> None:
    """Write the flood to every fd at ``rate`` B/s for ``seconds``; print ``done <written> <late>``
    where ``late`` is the bytes that could not be written when due (the pty was full)."""
    for fd in fds:
        os.set_blocking(fd, False)
    block = build_block()
    size = len(block)
    offsets = [(i * 7919) % size for i in range(len(fds))]  # boards out of step, as in a lab
    written = late = 0
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    start = time.monotonic()
    sent = 0
    while True:
        now = time.monotonic() - start
        if now >= seconds:
            break
        due = int(now * rate) - sent
        if due > 0:
            for index, fd in enumerate(fds):
                offset = offsets[index]
                piece = (block[offset:offset + due] + block[:max(0, offset + due - size)])
                try:
                    count = os.write(fd, piece)
                except OSError as exc:
                    if exc.errno != errno.EAGAIN:
                        raise
                    count = 0
                written += count
                late += due - count
                offsets[index] = (offset + due) % size  # the module goes on: unwritten bytes are lost
            sent += due
        time.sleep(TICK)
    print(f"done {written} {late}", flush=True)


# -- the host side (this process) --------------------------------------------------------------

def _thread_stats() -> dict[int, tuple[str, float, int]]:
    """Per live thread of this process: (its kind, CPU seconds, context switches) from
    ``/proc/self/task``; the kind is the first word of the thread's name (``rx``, ``deadlines``,
    ``MainThread``). Empty where there is no /proc."""
    stats = {}
    for thread in threading.enumerate():
        tid = thread.native_id
        try:
            with open(f"/proc/self/task/{tid}/schedstat", "rb") as f:
                cpu = int(f.read().split()[0]) / 1e9  # nanoseconds on a CPU, exact (stat's ticks are 10 ms)
            with open(f"/proc/self/task/{tid}/status", "rb") as f:
                switches = sum(int(line.split()[1]) for line in f if b"ctxt_switches:" in line)
        except (OSError, ValueError, IndexError):
            continue
        stats[tid] = ((thread.name.split() or ["?"])[0], cpu, switches)
    return stats


def _by_kind(before: dict, after: dict, elapsed: float, boards: int) -> dict:
    """CPU % of a core and wake-ups (context switches) per second and board, by thread kind,
    between two ``_thread_stats``."""
    kinds: dict[str, list[float]] = {}
    for tid, (kind, cpu, switches) in after.items():
        _k, cpu0, switches0 = before.get(tid, (kind, 0.0, 0))
        total = kinds.setdefault(kind, [0.0, 0.0])
        total[0] += cpu - cpu0
        total[1] += switches - switches0
    return {kind: {"cpu_pct": round(cpu / elapsed * 100, 2),
                   "wakeups_per_s_per_board": round(switches / elapsed / boards, 1)}
            for kind, (cpu, switches) in sorted(kinds.items())}


def trial(boards: int, seconds: float) -> dict:
    from spwf_tui.session.recording.writer import Recorder
    from spwf_tui.session.session import Session
    from spwf_tui.transport.settings import PortSettings

    tmp = Path(tempfile.mkdtemp(prefix="spwf-bench-boards-"))
    ptys = [Pty() for _ in range(boards)]
    sessions = []
    writer = subprocess.Popen([sys.executable, "-m", "benchmarks.boards", "--writer", "--seconds", str(seconds),
                               "--fds", *[str(p.master) for p in ptys]],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              pass_fds=[p.master for p in ptys], env=bench_env())
    try:
        if writer.stdout.readline().strip() != "ready":
            raise RuntimeError("the board writer did not start")
        for index, pty in enumerate(ptys):
            recorder = Recorder(directory=tmp / str(index), max_bytes=1 << 62)
            session = Session(PortSettings(pty.path, 921600), recorder=recorder, reconnect=False,
                              pace_streams=True)  # as `run` opens its port
            session.open()
            sessions.append(session)
        for session in sessions:
            session.entries.drain()
        # Idle first: the sessions open, the modules silent (what a lab host pays between tests).
        idle0, idle_cpu0 = _thread_stats(), process_cpu_seconds()
        time.sleep(IDLE_SECONDS)
        idle_threads = _by_kind(idle0, _thread_stats(), IDLE_SECONDS, boards)
        idle_pct = (process_cpu_seconds() - idle_cpu0) / IDLE_SECONDS * 100
        threads0 = _thread_stats()
        cpu0 = process_cpu_seconds()
        start = time.perf_counter()
        writer.stdin.write("go\n")
        writer.stdin.flush()
        done = threading.Event()
        report: list[str] = []
        threading.Thread(target=lambda: (report.append(writer.stdout.readline()), done.set()), daemon=True).start()
        entries = 0
        while not done.wait(DRAIN_INTERVAL):
            for session in sessions:
                entries += len(session.entries.drain())
        streaming_cpu = process_cpu_seconds() - cpu0
        elapsed = time.perf_counter() - start
        threads = _by_kind(threads0, _thread_stats(), elapsed, boards)
        words = report[0].split() if report else []
        written, late = (int(words[1]), int(words[2])) if len(words) == 3 and words[0] == "done" else (0, 0)
        deadline = time.monotonic() + SETTLE
        while time.monotonic() < deadline and sum(s.rx_bytes for s in sessions) < written:
            for session in sessions:
                entries += len(session.entries.drain())
            time.sleep(DRAIN_INTERVAL)
        received = sum(s.rx_bytes for s in sessions)
    finally:
        for session in sessions:
            session.close()
        if writer.poll() is None:
            writer.kill()
        writer.wait()
        for pty in ptys:
            pty.close()
        shutil.rmtree(tmp, ignore_errors=True)
    lost = late + max(0, written - received)
    cpu_pct = streaming_cpu / elapsed * 100
    return {"boards": boards, "seconds": elapsed, "cpu_pct": cpu_pct, "cpu_pct_per_board": cpu_pct / boards,
            "bytes_written": written, "bytes_received": received, "bytes_lost": lost, "entries": entries,
            "threads": threads, "idle_cpu_pct_per_board": idle_pct / boards, "idle_threads": idle_threads,
            "kept_up": lost == 0 and cpu_pct < 100}


def run(counts: list[int], seconds: float) -> dict:
    runs = {}
    best = 0
    for boards in counts:
        result = trial(boards, seconds)
        runs[str(boards)] = result
        if result["kept_up"]:
            best = max(best, boards)
    return {"boards_at_line_rate": best, "boards_runs": runs,
            "boards_bytes_lost": sum(r["bytes_lost"] for r in runs.values()) if best == max(counts) else 0,
            "boards_cpu_pct_per_board": min((r["cpu_pct_per_board"] for r in runs.values()), default=None),
            # idle: the sessions open, the modules silent; from the largest N (the most to wake)
            "boards_idle_cpu_pct_per_board": runs[str(max(counts))]["idle_cpu_pct_per_board"] if counts else None}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.boards")
    parser.add_argument("--boards", type=int, nargs="+", default=[1, 10, 50, 100])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--fds", type=int, nargs="*", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.writer:
        writer_main(args.fds, args.seconds, LINE_RATE)
        return
    emit(run(args.boards, args.seconds))


if __name__ == "__main__":
    main()
