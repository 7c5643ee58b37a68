"""``spwf-tui run`` on several boards at once: the hardware-in-the-loop regression of a lab.

``-p PORT`` repeated, or a place pattern (``labgrid://bench-*``), names the boards. The script
is checked once, here, before any board is touched; then each board runs it in its own
``spwf-tui run PORT --json`` child process, ``--jobs`` at a time. A child per board keeps the
boards apart: a board whose port hangs or vanishes fails alone, each child acquires and releases
its own labgrid place and writes its own recording, and ``run`` itself stays the one
implementation of a run. This module only starts children, prefixes their transcript lines
with the board, and adds the summary (docs/architecture.md §13.2).

Exit status: 0 when every board held, 1 when one did not (its steps failed or its port could
not be opened), 2 for a mistake in the command line or script (nothing started).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TextIO

from spwf_tui.cli.script import load_steps, parse_assignments, script_variables
from spwf_tui.core.display import visible
from spwf_tui.errors import UserError
from spwf_tui.session.session import read_user_file
from spwf_tui.transport.urls import is_place_pattern

MAX_JOBS = 256
DEFAULT_JOBS = 16
"""Boards run at once when ``--jobs`` is not given (each is a process with a reader thread)."""


@dataclass
class Board:
    """One board of a multi-board run and what became of it."""

    port: str
    label: str
    """The port, made unique (``sim://#2``) when the same port is named twice."""
    recording: str | None = None
    results: list[dict[str, object]] = field(default_factory=list)
    exit_status: int | None = None
    error: str | None = None
    """The child's own one-line complaint (``spwf-tui: ...``) when it could not run."""
    duration: float = 0.0

    @property
    def held(self) -> int:
        return sum(1 for r in self.results if r.get("ok"))

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    def first_failure(self) -> str | None:
        for result in self.results:
            if not result.get("ok"):
                return f"{result.get('step', '?')}: {result.get('reason') or 'failed'}"
        if self.error:
            return self.error
        if self.exit_status not in (0, None):
            return f"exited with status {self.exit_status}"
        return None


def boards_of(args: argparse.Namespace) -> list[str] | None:
    """The ports of a multi-board run, or None for a plain one-port run (``args`` then names it).

    ``-p`` ports move the first positional word, if any, to the script. A place pattern is
    expanded through the coordinator here.

    Raises:
        UserError: ports given both ways, or a pattern that matches nothing.
    """
    ports = list(getattr(args, "ports", None) or [])
    if ports:
        if args.script is not None:
            raise UserError("with -p PORT, give the script as the only word after run (spwf-tui run -p A -p B "
                            "SCRIPT), not a port too")
        args.script, args.port = args.port, None
    elif args.port is not None:
        ports = [args.port]
    if len(ports) <= 1 and not any(is_place_pattern(p) for p in ports):
        if ports:
            args.port = ports[0]
        return None
    from spwf_tui.transport import labgrid_place  # asyncio, gRPC: only for a lab's places

    expanded: list[str] = []
    for port in ports:
        if is_place_pattern(port):
            expanded += labgrid_place.expand(port, getattr(args, "coordinator", None))
        else:
            expanded.append(port)
    return expanded


def run_boards(args: argparse.Namespace, ports: list[str]) -> int:
    """Run the script on every board; print transcripts, then the summary (or JSON objects)."""
    jobs = args.jobs if args.jobs is not None else min(DEFAULT_JOBS, len(ports))
    if not 0 < jobs <= MAX_JOBS:
        raise UserError(f"--jobs wants a number of boards from 1 to {MAX_JOBS}, not {jobs}")
    assignments = parse_assignments(getattr(args, "set", None) or [])
    # Checked once, before any board: a script with a mistake starts nothing.
    steps = load_steps(args.script, args.commands, read_user_file, script_variables(assignments, os.environ))
    boards = _boards(ports)
    if args.record:
        _plan_recordings(boards, Path(args.record).expanduser())
    output = _Output(as_json=args.json)
    children = _Children()
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="board")
    try:
        for future in [pool.submit(_run_board, board, args, assignments, output, children) for board in boards]:
            future.result()
    except BaseException:
        # Ctrl+C or SIGTERM (cli turns it into SystemExit): every board's process ends its
        # session, which releases the labgrid place it acquired; boards not started yet never start.
        children.stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    if args.json:
        for board in boards:
            print(json.dumps(_as_json(board, len(steps))), flush=True)
    else:
        print(summary_table(boards, len(steps)), flush=True)
    return 0 if all(board.ok for board in boards) else 1


def _boards(ports: list[str]) -> list[Board]:
    counts: dict[str, int] = {}
    for port in ports:
        counts[port] = counts.get(port, 0) + 1
    seen: dict[str, int] = {}
    boards = []
    for port in ports:
        seen[port] = seen.get(port, 0) + 1
        label = port if counts[port] == 1 else f"{port}#{seen[port]}"
        boards.append(Board(port, label))
    return boards


def _plan_recordings(boards: list[Board], folder: Path) -> None:
    """With several boards ``--record`` names a folder: one new file per board in it."""
    from spwf_tui.safefiles import private_dir

    warning = private_dir(folder, "--record folder")
    if warning:
        print(f"spwf-tui run: {warning}", file=sys.stderr)
    for board in boards:
        path = folder / f"{recording_name(board.label)}.jsonl"
        if path.exists() or path.is_symlink():
            raise UserError(f"--record {visible(str(folder))}: {visible(path.name)} exists; a recording is one "
                            "session, give a new folder")
        board.recording = str(path)


def recording_name(label: str) -> str:
    """A file name for a board: ``labgrid://bench-1`` -> ``labgrid-bench-1``, ``sim://#2`` -> ``sim-2``."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-.")
    return name[:100] or "board"


def _child_command(board: Board, args: argparse.Namespace) -> list[str]:
    command = [sys.executable, "-m", "spwf_tui", "run", board.port]
    if args.script is not None:
        command.append(args.script)
    for line in args.commands:
        command += ["-c", line]
    command.append("--json")  # step results on stdout, the transcript on stderr
    for flag, value in (("--timeout", args.timeout), ("-b", args.baud), ("--coordinator", args.coordinator)):
        if value is not None:
            command += [flag, str(value)]
    for flag, on in (("--keep-going", args.keep_going), ("--rtscts", args.rtscts), ("--xonxoff", args.xonxoff),
                     ("--no-record", args.no_record), ("--record-secrets", args.record_secrets),
                     ("--show-secrets", args.show_secrets)):
        if on:
            command.append(flag)
    if board.recording:
        command += ["--record", board.recording]
    return command


class _Children:
    """The boards' processes, so that an interrupted run can stop the ones still running."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: list[subprocess.Popen[bytes]] = []
        self.stopping = False

    def add(self, child: subprocess.Popen[bytes]) -> bool:
        """Track ``child``; False when the run is being stopped (the caller ends it)."""
        with self._lock:
            self._running.append(child)
            return not self.stopping

    def stop_all(self) -> None:
        with self._lock:
            self.stopping = True
            running = list(self._running)
        for child in running:
            if child.poll() is None:
                child.terminate()


def _run_board(board: Board, args: argparse.Namespace, assignments: dict[str, str], output: _Output,
               children: _Children) -> None:
    # --set values reach the child through its environment, not its command line, which other
    # users can read (ps): they may be passphrases. The child's --set and environment rank the same.
    env = {**os.environ, **assignments, "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    try:
        child = subprocess.Popen(_child_command(board, args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env)
    except OSError as exc:
        board.error, board.exit_status = f"cannot start: {exc}", 1
        return
    if not children.add(child):
        child.terminate()
    assert child.stdout is not None and child.stderr is not None  # both are pipes (above)
    pump = threading.Thread(target=_pump_transcript, args=(board, child.stderr, output), name=f"log {board.label}")
    pump.start()
    for raw in child.stdout:
        try:
            result = json.loads(raw)
        except ValueError:
            continue  # not a step result (nothing else is printed there)
        if isinstance(result, dict):
            board.results.append(result)
    pump.join()
    board.exit_status = child.wait()
    board.duration = time.monotonic() - started


def _pump_transcript(board: Board, stream: IO[bytes], output: _Output) -> None:
    for raw in stream:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if line.startswith("spwf-tui: "):
            board.error = line[len("spwf-tui: "):]
            output.error(board.label, line)
        elif line.startswith("spwf-tui run: "):
            output.error(board.label, line)
        else:
            output.transcript(board.label, line)


class _Output:
    """Whole lines from many boards, each prefixed with its board, never interleaved mid-line."""

    def __init__(self, *, as_json: bool) -> None:
        self._lock = threading.Lock()
        self._transcript = sys.stderr if as_json else sys.stdout

    def transcript(self, label: str, line: str) -> None:
        self._write(self._transcript, label, line)

    def error(self, label: str, line: str) -> None:
        self._write(sys.stderr, label, line)

    def _write(self, stream: TextIO, label: str, line: str) -> None:
        # The child escaped what the module said; the prefix is the user's port name.
        with self._lock:
            stream.write(f"[{visible(label)}] {visible(line)}\n")
            stream.flush()


def summary_table(boards: list[Board], steps: int) -> str:
    """The table printed after a multi-board run: board, steps held, first failure, duration."""
    rows = [("board", "held", "first failure", "duration")]
    for board in boards:
        rows.append((visible(board.label), f"{board.held}/{steps}", visible(board.first_failure() or "-"),
                     f"{board.duration:.1f} s"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}".rstrip()
             for row in rows]
    failed = sum(1 for board in boards if not board.ok)
    verdict = (f"all {len(boards)} boards held" if not failed
               else f"{failed} of {len(boards)} boards failed")
    return "\n".join(["", *lines, verdict])


def _as_json(board: Board, steps: int) -> dict[str, object]:
    return {"board": board.label, "port": board.port, "ok": board.ok, "steps": steps, "held": board.held,
            "first_failure": board.first_failure(), "duration": round(board.duration, 3),
            "exit_status": board.exit_status, "recording": board.recording, "results": board.results}
