"""Benchmark 9, one command: ``spwf-tui run PORT -c AT`` from spawn to exit, on a booted module.

The module is ``spwf-tui sim --pty`` started once (it has booted and is idle when the runs start),
so each run opens a port that says nothing until asked, as a board that has been powered for a
while does. Also measured: ``run sim://`` (the emulated module boots inside the process, its
import included) and the interpreter alone (``python -c pass``), in the same run, alternating;
medians. Wall time and the child's CPU time (user + system) are both reported: on a busy machine
the wall time waits for a CPU, the CPU time does not. The bytecode caches are warmed first (an
installed package has them; ``PYTHONDONTWRITEBYTECODE`` is dropped for the children). The
children run as a user without a config file does (an empty ``HOME``, no ``SPWF_TUI_*``
variables), so finding the config file is part of what is timed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time

from benchmarks.common import bench_env, emit, isolated_dirs, median
from benchmarks.startup import spwf_tui_command

SIM_READY_TIMEOUT = 20.0


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) for one run; raises when it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {(proc.stderr or proc.stdout)[-300:]}")
    if "< AT-S.OK" not in proc.stdout and argv[-1] == "AT":
        raise RuntimeError(f"{' '.join(argv)}: no AT-S.OK in {proc.stdout[-300:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _start_sim(env: dict[str, str], link: str) -> subprocess.Popen:
    proc = subprocess.Popen([*spwf_tui_command(), "sim", "--pty", "--link", link], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    first = proc.stdout.readline()
    if "listening on" not in first:
        proc.kill()
        raise RuntimeError(f"sim --pty did not start: {first!r}")
    return proc


def user_env(tmp) -> dict[str, str]:
    """A user's environment without a config file: an empty home, no SPWF_TUI_* or XDG_*
    variables, so the command finds its config and data directories the way it does for a user
    (isolated_dirs' SPWF_TUI_CONFIG would skip that work)."""
    home = tmp / "home"
    home.mkdir()
    env = {key: value for key, value in bench_env().items() if not key.startswith(("SPWF_TUI_", "XDG_"))}
    env["HOME"] = str(home)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(repeats: int) -> dict:
    tmp, _ = isolated_dirs()
    env = user_env(tmp)
    link = str(tmp / "module")
    sim = _start_sim(env, link)
    commands = {
        "python_pass": [sys.executable, "-c", "pass"],
        "run_one_command": [*spwf_tui_command(), "run", link, "--no-record", "-c", "AT"],
        "run_one_command_sim": [*spwf_tui_command(), "run", "sim://", "--no-record", "-c", "AT"],
    }
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    try:
        deadline = time.monotonic() + SIM_READY_TIMEOUT
        while not os.path.exists(link) and time.monotonic() < deadline:
            time.sleep(0.05)
        for argv in commands.values():  # warm the page cache and write the bytecode caches
            _timed(argv, env)
        for _ in range(repeats):
            for name, argv in commands.items():
                wall, cpu = _timed(argv, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    finally:
        sim.terminate()
        try:
            sim.wait(timeout=5)
        except subprocess.TimeoutExpired:
            sim.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    result = {}
    for name in commands:
        key = "runone_python_pass" if name == "python_pass" else name  # benchmark 4 has its own
        result[f"{key}_s"] = median(walls[name])
        result[f"{key}_cpu_s"] = median(cpus[name])
    result["run_one_command_repeats"] = repeats
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.runone")
    parser.add_argument("--repeats", type=int, default=9)
    emit(run(parser.parse_args(argv).repeats))


if __name__ == "__main__":
    main()
