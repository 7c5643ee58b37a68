"""The flood writer: a separate process that writes module output to a pty master.

Run by the benchmarks as ``python -m benchmarks.writer --fd N --total BYTES [--rate BPS]`` with
the pty master inherited as ``N``. Protocol on stdin/stdout, one line each:

1. the writer builds the flood and prints ``ready <size> <sha256>``;
2. it waits for ``go`` on stdin, then writes the flood: as fast as the pty takes it (a full
   pty buffer blocks the write, so the kernel drops nothing), or paced at ``--rate`` bytes/s,
   when a ``stop`` line on stdin ends it early;
3. it prints ``done <bytes written> <seconds>`` and exits.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

from benchmarks.flood import Flood

PACE_TICK = 0.01
"""Seconds between paced writes (a 921600-baud stream: about 920 bytes a tick)."""


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write every byte, blocking while the pty buffer is full."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_paced(fd: int, flood: Flood, rate: float, stop: threading.Event) -> int:
    """Write at ``rate`` bytes/s on average, in one piece per ``PACE_TICK``, until the flood
    ends or ``stop`` is set; returns the bytes written."""
    start = time.monotonic()
    sent = 0
    for chunk in flood.chunks():
        view = memoryview(chunk)
        while view:
            if stop.is_set():
                return sent
            due = int((time.monotonic() - start) * rate) - sent
            if due <= 0:
                time.sleep(PACE_TICK)
                continue
            piece = view[:due]
            write_all(fd, piece)
            sent += len(piece)
            view = view[len(piece):]
    return sent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.writer")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--total", type=int, required=True)
    parser.add_argument("--rate", type=float, default=0.0, help="bytes/s; 0: as fast as possible")
    args = parser.parse_args(argv)
    flood = Flood(args.total)
    print(f"ready {flood.size} {flood.sha256()}", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 1
    stop = threading.Event()
    threading.Thread(target=lambda: sys.stdin.readline() and stop.set(), daemon=True).start()
    start = time.perf_counter()
    if args.rate > 0:
        written = write_paced(args.fd, flood, args.rate, stop)
    else:
        for chunk in flood.chunks():
            write_all(args.fd, chunk)
        written = flood.size
    elapsed = time.perf_counter() - start
    os.close(args.fd)
    print(f"done {written} {elapsed:.6f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
