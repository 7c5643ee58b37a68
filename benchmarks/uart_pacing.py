"""How fast the emulated module's TCP front door sends, against what a real UART at
``console_speed`` could (115200 baud, 8N1: 11 520 bytes a second).

``python -m benchmarks.uart_pacing [--kib N]`` runs ``spwf-tui sim --tcp`` twice, without and
with a world that sets ``paced_uart = true``, has the module print a RAM-disk file of N KiB
(``FSP``) and times the bytes arriving. It prints each rate and its ratio to the nominal UART
rate measured in the same run: about 1.0 paced, far above 1 unpaced. Not part of ``python -m
benchmarks`` (it takes seconds of wall clock by design).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

NOMINAL = 115200 / 10
"""Bytes a second at 115200 baud, 8N1."""
CHUNK = 4096


def _sim(world: str | None) -> tuple[subprocess.Popen, int]:
    args = [sys.executable, "-m", "spwf_tui", "sim", "--tcp", "127.0.0.1:0"]
    if world:
        args += ["--world", world]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()
    port = int(first.split("listening on ")[1].split()[0].rsplit(":", 1)[1])
    return proc, port


def _until(conn: socket.socket, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("the emulator hung up")
        data += chunk
    return data


def measure(world: str | None, kib: int) -> float:
    """Bytes a second of one FSP of ``kib`` KiB through the TCP front door."""
    proc, port = _sim(world)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
            conn.sendall(b"AT\r")
            _until(conn, b"AT-S.OK\r\n")
            payload = b"p" * (kib * 1024)
            for start in range(0, len(payload), CHUNK):
                piece = payload[start:start + CHUNK]
                conn.sendall(b"AT+S.FSC=/bench,%d\r" % len(piece) + piece)
                _until(conn, b"AT-S.OK\r\n")
            conn.sendall(b"AT+S.FSP=/bench\r")
            started = time.perf_counter()
            data = _until(conn, b"AT-S.OK\r\n")
            elapsed = time.perf_counter() - started
        return len(data) / elapsed
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.uart_pacing")
    parser.add_argument("--kib", type=int, default=14, help="file size printed (max 16)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        world = os.path.join(folder, "paced.toml")
        with open(world, "w") as handle:
            handle.write("[module]\npaced_uart = true\ninput_while_booting = \"hold\"\n")
        unpaced = measure(None, args.kib)
        paced = measure(world, args.kib)
    print(f"nominal UART 115200 8N1: {NOMINAL:,.0f} B/s")
    print(f"unpaced: {unpaced:,.0f} B/s  ratio {unpaced / NOMINAL:.2f}")
    print(f"paced:   {paced:,.0f} B/s  ratio {paced / NOMINAL:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
