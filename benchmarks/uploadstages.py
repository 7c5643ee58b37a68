"""Where an upload's time goes, stage by stage (standalone: ``python -m benchmarks.uploadstages``).

The set-up of ``benchmarks/upload.py`` (``spwf-tui sim --pty``, FSC of 64 KiB, SOCKW of 1 MiB to
a sink), one ``Session`` with a recorder. The session's own methods are wrapped on the instance
to take times (nothing in ``spwf_tui`` is changed): the command line's preparation (the @file
read, the length, the line parsed), the recording of the first piece (before any byte goes out),
the write (with, since round five, the recording of the later pieces of a large
upload: ``recording_in_write``; the first piece's recording is then inside the write too), and the reply's way back (the reader's
``data_received`` of the final line, the command finished, the caller awake). CPU: the calling
thread's and the process's (the reader included) per upload. Baseline in the same run,
alternating: a raw blocking ``os.write`` of the same bytes, then ``os.read`` until ``AT-S.OK``
(wall and CPU). Medians over the trials; on a busy machine compare the CPU columns.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

from benchmarks.common import bench_env, emit, isolated_dirs
from benchmarks.upload import BIG, SIZE, _SINK, Target, _check, _read_until_ok, _start_sim, _wait_for_address
from spwf_tui.session import pending
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings


class _Marks:
    """Times (perf_counter) of the stages of one upload, and the recorder's time during the write."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.recording_in_write = 0.0
        self.writing = False

    def mark(self, name: str) -> None:
        self.at.setdefault(name, time.perf_counter())


def _instrument(session: Session, marks: _Marks) -> None:
    def timed(obj, name: str, before: str, after: str) -> None:
        inner = getattr(obj, name, None)
        if inner is None:
            return

        def wrapper(*args, **kwargs):
            marks.mark(before)
            try:
                return inner(*args, **kwargs)
            finally:
                marks.mark(after)
        setattr(obj, name, wrapper)

    timed(session, "prepare", "prepare", "prepared")
    for name in ("write", "write_pieces"):
        inner_write = getattr(session._transport, name, None)
        if inner_write is None:
            continue

        def write(*args, _inner=inner_write, **kwargs):
            marks.mark("write")
            marks.writing = True
            try:
                return _inner(*args, **kwargs)
            finally:
                marks.writing = False
                marks.mark("written")
        setattr(session._transport, name, write)
    recorder_tx = session.recorder.tx

    def tx(*args, **kwargs):
        start = time.perf_counter()
        try:
            return recorder_tx(*args, **kwargs)
        finally:
            if "record" not in marks.at:  # the first piece (the whole command before pieces)
                marks.at["record"] = start
                marks.mark("recorded")
            elif marks.writing:  # a later piece, made while the port drained the one before
                marks.recording_in_write += time.perf_counter() - start
    session.recorder.tx = tx
    received = session.data_received

    def data_received(data: bytes) -> None:
        if b"AT-S.OK" in data and "written" in marks.at:
            marks.mark("reply")
        received(data)
    session.data_received = data_received


def _ours(path: str, payload_file, target: Target, tag: str, n: int, tmp, marks: _Marks) -> dict[str, float]:
    session = Session(PortSettings(path), recorder=Recorder(directory=tmp / "rec", max_bytes=1 << 40))
    _instrument(session, marks)
    session.open()
    try:
        _check(session.execute("AT", timeout=10))
        marks.__init__()
        cpu, process = time.thread_time(), time.process_time()
        start = time.perf_counter()
        command = session.execute(target.command(tag, n, f"@{payload_file}"), timeout=30)
        end = time.perf_counter()
        cpu, process = time.thread_time() - cpu, time.process_time() - process
        _check(command)
        after = target.after(tag, n)
        if after:
            _check(session.execute(after))
    finally:
        session.close()
    at = {k: (v - start) * 1000 for k, v in marks.at.items()}
    return {"total": (end - start) * 1000, "prepare": at["prepared"] - at["prepare"],
            "record_first": at["recorded"] - at["record"], "before_write": at["write"],
            "write": at["written"] - at["write"], "recording_in_write": marks.recording_in_write * 1000,
            "written_to_reply": at["reply"] - at["written"], "reply_to_finished": at["finished"] - at["reply"],
            "finished_to_caller": (end - start) * 1000 - at["finished"], "cpu_caller": cpu * 1000,
            "cpu_process": process * 1000}


def _raw(path: str, payload: bytes, target: Target, n: int) -> dict[str, float]:
    import tty
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    try:
        wire = f"{target.command('r', n, str(len(payload)))}\r".encode() + payload
        cpu = time.thread_time()
        start = time.perf_counter()
        view = memoryview(wire)
        while view:
            view = view[os.write(fd, view):]
        _read_until_ok(fd)
        end = time.perf_counter()
        cpu = time.thread_time() - cpu
        after = target.after("r", n)
        if after:
            os.write(fd, f"{after}\r".encode())
            _read_until_ok(fd)
    finally:
        os.close(fd)
    return {"total": (end - start) * 1000, "cpu_caller": cpu * 1000}


def run(trials: int) -> dict:
    tmp, dirs = isolated_dirs()
    marks = _Marks()
    finish = pending.PendingCommand._finish

    def finished(self, *args, **kwargs):
        marks.mark("finished")
        return finish(self, *args, **kwargs)
    pending.PendingCommand._finish = finished
    proc, path = _start_sim(bench_env(dirs))
    sink = subprocess.Popen([sys.executable, "-c", _SINK], stdout=subprocess.PIPE, text=True)
    result: dict = {"load_average": os.getloadavg()[0]}
    try:
        sink_port = int(sink.stdout.readline())
        _wait_for_address(path, sink_port)
        for label, size, target in (("64k", SIZE, Target(SIZE, None)), ("1mib", BIG, Target(BIG, sink_port))):
            payload = random.Random(size).randbytes(size)
            payload_file = tmp / f"{label}.bin"
            payload_file.write_bytes(payload)
            session = Session(PortSettings(path))
            session.open()
            for line in target.setup():
                _check(session.execute(line, timeout=20))
            session.close()
            ours, raw = [], []
            for n in range(trials):
                raw.append(_raw(path, payload, target, n))
                ours.append(_ours(path, payload_file, target, "b", n, tmp, marks))
            for name, rows in (("raw", raw), ("ours", ours)):
                for key in rows[0]:
                    result[f"upload_stage_{label}_{name}_{key}_ms"] = statistics.median(row[key] for row in rows)
            session = Session(PortSettings(path))
            session.open()
            for line in target.teardown():
                _check(session.execute(line))
            session.close()
    finally:
        pending.PendingCommand._finish = finish
        for child in (proc, sink):
            child.terminate()
            child.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.uploadstages")
    parser.add_argument("--trials", type=int, default=15)
    args = parser.parse_args(argv)
    emit(run(args.trials))


if __name__ == "__main__":
    main()
