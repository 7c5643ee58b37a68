"""What the benchmarks share: a raw pty, the writer process, RSS, recordings, result output."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tty
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository root (the writer and the CLI run from here)."""
RESULT_PREFIX = "BENCH-RESULT "
"""A benchmark process prints its result as one line: this prefix, then a JSON object."""
MB = 1_000_000
MIB = 1024 * 1024


class Pty:
    """A pseudo-terminal whose slave is raw (no echo, no CR/LF translation), like a UART."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)

    def close(self) -> None:
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


class Writer:
    """The flood writer process (``benchmarks.writer``) on ``pty``'s master."""

    def __init__(self, pty: Pty, total: int, rate: float = 0.0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.writer", "--fd", str(pty.master), "--total", str(total),
             "--rate", str(rate)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, pass_fds=(pty.master,),
            env=bench_env(),
        )
        ready = self.proc.stdout.readline().split()
        if not ready or ready[0] != "ready":
            raise RuntimeError(f"flood writer did not start: {ready}")
        self.size = int(ready[1])
        """Bytes the writer will write."""
        self.sha256 = ready[2]
        self.written = 0
        """Bytes the writer wrote (known once ``wait`` returned)."""

    def go(self) -> None:
        """Start writing."""
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        """End a paced flood now (the writer reports how much it wrote)."""
        self.proc.stdin.write("stop\n")
        self.proc.stdin.flush()

    def wait(self, timeout: float = 600) -> float:
        """Wait for the writer to finish; returns its writing time in seconds and sets
        ``written`` (less than ``size`` after ``stop``)."""
        out, _ = self.proc.communicate(timeout=timeout)
        words = out.split()
        if len(words) >= 3 and words[0] == "done":
            self.written = int(words[1])
            return float(words[2])
        return float("nan")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def bench_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for child processes: the repository importable, no user config."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(extra or {})
    return env


def isolated_dirs() -> tuple[Path, dict[str, str]]:
    """A temporary directory plus the variables that point spwf-tui's config and data there."""
    tmp = Path(tempfile.mkdtemp(prefix="spwf-bench-"))
    return tmp, {"SPWF_TUI_CONFIG": str(tmp / "config.toml"), "SPWF_TUI_DATA_DIR": str(tmp / "data")}


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far (all its threads)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds() -> float:
    """User plus system CPU time of this process so far (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def least_time(work: Callable[[], object], trials: int, clock: Callable[[], float] = time.process_time) -> float:
    """The least ``clock`` time one call of ``work`` took over ``trials`` calls (the least is the
    one a busy machine disturbed least)."""
    best = float("inf")
    for _ in range(trials):
        start = clock()
        work()
        best = min(best, clock() - start)
    return best


def rss_mib() -> float:
    """This process's resident set size now, in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mib() -> float:
    """This process's peak resident set size, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def recorded_rx(path: Path) -> tuple[int, str]:
    """The rx bytes of a recording: how many, and their SHA-256 (read line by line)."""
    digest = hashlib.sha256()
    count = 0
    with open(path, "rb") as recording:
        recording.readline()  # the header
        for line in recording:
            try:
                event = json.loads(line)
            except ValueError:
                continue  # a cut last line
            if event.get("dir") != "rx":
                continue
            data = event["text"].encode("utf-8") if "text" in event else base64.b64decode(event["b64"])
            digest.update(data)
            count += len(data)
    return count, digest.hexdigest()


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile (nearest rank) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(fraction * len(ordered))) - 1)]


def emit(result: dict) -> None:
    """Print the result line the runner collects."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)
