"""Benchmark 11, REPL ingest: ``spwf-tui repl PTY`` printing a flood, in a pipe.

The flood (``benchmarks.flood``, as fast as the pty takes it) goes to ``spwf-tui repl <pty>
--no-record`` run as a user runs it in a pipeline: stdin a pipe held open (no command typed),
stdout a pipe this process reads and counts. The clock runs from ``go`` until the flood's last
line (``AT-S.Bench:end of flood``) has come out of the REPL; the REPL's peak RSS is its own
high-water mark (``VmHWM``). Also counted: the lines the REPL said it did not show (``N lines
not shown``). The baseline in the same run is the TUI's ingest figure when the suite ran it
(benchmark 2) and the headless Session (benchmark 1); on its own, the pyserial read loop of
benchmark 1 runs here too.

In tmux (``--tmux``, on in the suite): the same REPL as a user runs it in a terminal (the
prompt-toolkit console, drawing above its prompt) in a detached pane of 120x40 on a private tmux
server (``tmux -L spwf-bench-<pid>``), and as the baseline in the same run the TUI
(``spwf-tui PTY --no-record``) in the same kind of pane, trials alternating. The clock runs from
``go`` until the flood's last line is on the pane's screen (``capture-pane``, every 0.1 s). The
pane's output also goes through ``pipe-pane`` to ``grep``, which picks out the ``N lines not
shown`` notes the REPL printed (they scroll away), and through ``tee`` to a file. Peak RSS and
CPU are the pane process's own (the command is ``exec``-ed, so the pane's process is the REPL or
the TUI). The floor (since round six): that file — every byte the REPL wrote to its terminal —
given to a fresh 120x40 pane by ``cat``, timed from the start of ``cat`` to its end (by then the
pane has read all but the last pty buffer): how fast tmux alone takes in what the REPL must
print, in MB/s of the flood (``repl_tmux_floor_mbps``), against the TUI's rate
(``repl_tmux_floor_ratio``: the most ``repl_tmux_ratio`` could be), and the REPL's output bytes
per byte received (``repl_tmux_output_bytes_per_byte``).

At line rate (``--line-rate SECONDS``): the same panes while the writer paces the flood at
921600 baud (92,160 B/s); the process's CPU (all threads) as % of one core over SECONDS from
the flood's second second, the TUI and the REPL alternating.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

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


TMUX_SIZE = (120, 40)
READY_TIMEOUT = 60.0
"""Seconds a front end in tmux gets to draw its first screen (a loaded machine is slow)."""
READY_WORDS = {"repl": ("Tab completes",), "tui": ("connected",)}
"""What is on the pane once the front end is up: the REPL's banner, the TUI's status line."""


class TmuxPane:
    """One detached 120x40 pane on a private tmux server, running ``argv`` (``exec``-ed)."""

    def __init__(self, argv: list[str], env: dict[str, str], notes_file: Path, keep_output: Path | None = None) -> None:
        self.server = f"spwf-bench-{os.getpid()}-{time.monotonic_ns()}"
        self.env = env
        command = "exec " + " ".join(shlex.quote(word) for word in argv)
        width, height = TMUX_SIZE
        self._tmux("-f", os.devnull, "new-session", "-d", "-s", "bench", "-x", str(width), "-y", str(height), command)
        # The notes scroll away: grep keeps them (C speed, beside tmux; the same for both front ends).
        # With keep_output, tee also keeps every byte the program wrote to its terminal.
        partial = f"{notes_file}.part"
        keep = f"tee {shlex.quote(str(keep_output))} | " if keep_output is not None else ""
        self._tmux("pipe-pane", "-O", "-t", "bench",
                   f"{keep}LC_ALL=C grep -aoE '[0-9,]+ lines? not shown' > {shlex.quote(partial)}; "
                   f"mv {shlex.quote(partial)} {shlex.quote(str(notes_file))}")
        self.notes_file = notes_file
        self.pid = int(self._tmux("display-message", "-p", "-t", "bench", "#{pane_pid}").strip())

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.server, *args], capture_output=True, text=True, check=True,
                              env=self.env).stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "bench")

    def wait_for(self, words: tuple[str, ...], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(word in screen for word in words):
                return True
            time.sleep(0.1)
        return False

    def hidden_lines(self) -> int:
        """The lines the front end said it did not show (once the pipe has closed)."""
        self._tmux("pipe-pane", "-t", "bench")  # closes grep's input: it writes its findings
        deadline = time.monotonic() + 30
        while not self.notes_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        text = self.notes_file.read_text(encoding="ascii", errors="replace") if self.notes_file.exists() else ""
        return sum(int(match.group(1).replace(",", "")) for match in re.finditer(r"([\d,]+) lines? not shown", text))

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.server, "kill-server"], capture_output=True, env=self.env)
        try:
            os.kill(self.pid, signal.SIGKILL)  # a front end that outlived its pane (SIGHUP ignored)
        except ProcessLookupError:
            pass


def tmux_trial(front_end: str, pty: Pty, total: int, env: dict[str, str], scratch: Path,
               keep_output: Path | None = None) -> dict:
    """``front_end`` (``repl`` or ``tui``) on ``pty`` in a tmux pane, until the flood's last line
    is on its screen; with ``keep_output``, what it wrote to its terminal is kept there."""
    writer = Writer(pty, total)
    argv = [*spwf_tui_command(), *(["repl"] if front_end == "repl" else []), pty.path, "--no-record"]
    pane = TmuxPane(argv, env, Path(tempfile.mkdtemp(dir=scratch)) / "notes", keep_output)
    end = END_MARK.decode()
    try:
        if not pane.wait_for(READY_WORDS[front_end], READY_TIMEOUT):
            raise RuntimeError(f"{front_end} in tmux never drew its first screen: {pane.screen()[-300:]!r}")
        cpu_before = _cpu_seconds(pane.pid)
        writer.go()
        start = time.perf_counter()
        peak = 0
        seen = False
        while time.perf_counter() - start < TIMEOUT:
            peak = max(peak, _high_water_kib(pane.pid))
            if end in pane.screen():
                seen = True
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - start
        peak = max(peak, _high_water_kib(pane.pid))
        cpu = _cpu_seconds(pane.pid) - cpu_before
        hidden = pane.hidden_lines()
    finally:
        pane.kill()
        writer.wait()
    if not seen:
        raise RuntimeError(f"{front_end} in tmux never showed the flood's last line")
    return {"seconds": elapsed, "mbps": writer.size / elapsed / MB, "peak_rss_mib": peak / 1024,
            "cpu_s_per_mb": cpu / (writer.size / MB), "hidden_lines": hidden}


def cat_trial(output: Path, env: dict[str, str]) -> float:
    """Seconds a 120x40 tmux pane takes to take in ``output`` from ``cat``: the floor of any
    program that must print those bytes there (``cat`` itself costs next to nothing)."""
    stamps = output.with_name(output.name + ".times")
    quoted = shlex.quote(str(output))
    script = (f"s=$(date +%s.%N); cat {quoted}; e=$(date +%s.%N); echo $s $e > {shlex.quote(str(stamps))}.part; "
              f"mv {shlex.quote(str(stamps))}.part {shlex.quote(str(stamps))}; exec sleep 600")
    pane = TmuxPane(["sh", "-c", script], env, output.with_name(output.name + ".notes"))
    try:
        deadline = time.monotonic() + TIMEOUT
        while not stamps.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not stamps.exists():
            raise RuntimeError("cat into tmux did not finish")
        start, end = (float(word) for word in stamps.read_text().split())
    finally:
        pane.kill()
    return end - start


LINE_RATE = 92_160.0
"""Bytes a second at 921600 baud (8N1): the module's own pace."""


def line_rate_trial(front_end: str, pty: Pty, seconds: float, env: dict[str, str], scratch: Path) -> float:
    """``front_end`` in a tmux pane while the flood comes at 921600 baud: its CPU (all threads)
    as % of one core over the flood's ``seconds`` after the first one."""
    writer = Writer(pty, int(LINE_RATE * (seconds + 1.5)), rate=LINE_RATE)
    argv = [*spwf_tui_command(), *(["repl"] if front_end == "repl" else []), pty.path, "--no-record"]
    pane = TmuxPane(argv, env, Path(tempfile.mkdtemp(dir=scratch)) / "notes")
    try:
        if not pane.wait_for(READY_WORDS[front_end], READY_TIMEOUT):
            raise RuntimeError(f"{front_end} in tmux never drew its first screen: {pane.screen()[-300:]!r}")
        writer.go()
        time.sleep(1.0)  # the stream is flowing (and paced readers pacing)
        cpu_before, start = _cpu_seconds(pane.pid), time.perf_counter()
        time.sleep(seconds)
        return 100 * (_cpu_seconds(pane.pid) - cpu_before) / (time.perf_counter() - start)
    finally:
        pane.kill()
        writer.stop()
        writer.wait()


def run_line_rate(seconds: float, trials: int, env: dict[str, str]) -> dict:
    """The REPL's and the TUI's CPU at 921600 baud in tmux, trials alternating."""
    if shutil.which("tmux") is None:
        return {"repl_line_rate_error": "tmux is not installed"}
    scratch = Path(tempfile.mkdtemp(prefix="spwf-bench-tmux-"))
    pty = Pty()
    ours: list[float] = []
    base: list[float] = []
    try:
        for _ in range(trials):
            base.append(line_rate_trial("tui", pty, seconds, env, scratch))
            ours.append(line_rate_trial("repl", pty, seconds, env, scratch))
    finally:
        pty.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return {"repl_tmux_line_rate_cpu_pct": median(ours), "tui_tmux_line_rate_cpu_pct": median(base)}


def run_tmux(total: int, trials: int, env: dict[str, str]) -> dict:
    """The REPL and the TUI in tmux, alternating on one pty."""
    if shutil.which("tmux") is None:
        return {"repl_tmux_error": "tmux is not installed"}
    scratch = Path(tempfile.mkdtemp(prefix="spwf-bench-tmux-"))
    pty = Pty()
    ours: list[dict] = []
    base: list[dict] = []
    floor: list[dict] = []
    try:
        for _ in range(trials):
            # Both keep their terminal output (tee beside grep), so both pay for the same pipe.
            base.append(tmux_trial("tui", pty, total, env, scratch, keep_output=scratch / "tui-terminal-output"))
            (scratch / "tui-terminal-output").unlink()
            output = scratch / "repl-terminal-output"
            ours.append(tmux_trial("repl", pty, total, env, scratch, keep_output=output))
            # The floor: tmux taking in exactly what the REPL printed, from cat (no REPL work).
            seconds = cat_trial(output, env)
            floor.append({"mbps": total / seconds / MB, "bytes_per_byte": output.stat().st_size / total})
            output.unlink()
    finally:
        pty.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return {
        "repl_tmux_floor_mbps": median([t["mbps"] for t in floor]),
        "repl_tmux_floor_ratio": median([t["mbps"] for t in floor]) / median([t["mbps"] for t in base]),
        "repl_tmux_output_bytes_per_byte": median([t["bytes_per_byte"] for t in floor]),
        "repl_tmux_ingest_mbps": median([t["mbps"] for t in ours]),
        "repl_tmux_peak_rss_mib": max(t["peak_rss_mib"] for t in ours),
        "repl_tmux_hidden_lines": sum(t["hidden_lines"] for t in ours),
        "repl_tmux_cpu_s_per_mb": median([t["cpu_s_per_mb"] for t in ours]),
        "tui_tmux_ingest_mbps": median([t["mbps"] for t in base]),
        "tui_tmux_peak_rss_mib": max(t["peak_rss_mib"] for t in base),
        "tui_tmux_cpu_s_per_mb": median([t["cpu_s_per_mb"] for t in base]),
        "repl_tmux_ratio": median([t["mbps"] for t in ours]) / median([t["mbps"] for t in base]),
    }


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
    parser.add_argument("--tmux", action="store_true", help="also the REPL and the TUI in tmux panes")
    parser.add_argument("--no-pipe", action="store_true", help="only the tmux trials")
    parser.add_argument("--line-rate", type=float, default=0, metavar="SECONDS",
                        help="also the REPL's and the TUI's CPU in tmux at 921600 baud, over SECONDS")
    args = parser.parse_args(argv)
    total = int(args.megabytes * MB)
    result = {} if args.no_pipe else run(total, args.trials)
    if args.tmux:
        _, dirs = isolated_dirs()
        result.update(run_tmux(total, args.trials, bench_env(dirs)))
    if args.line_rate:
        _, dirs = isolated_dirs()
        result.update(run_line_rate(args.line_rate, args.trials, bench_env(dirs)))
    emit(result)


if __name__ == "__main__":
    main()
