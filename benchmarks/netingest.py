"""Benchmark 8, RX ingest over the network: ``socket://`` and ``rfc2217://`` against a pty.

The same Session as benchmark 1 (transport, decoder, state, a recorder writing to a temporary
directory; the main thread drains the entries every 50 ms) ingests the same flood three ways,
alternating in each trial:

- ``pty``: the writer process floods a pty's master; the session opens the slave (the baseline);
- ``socket``: the writer floods a TCP connection the session opened with ``socket://``;
- ``rfc2217``: the writer floods a pty; the real ser2net serves its slave as RFC 2217 on a local
  port, and the session opens ``rfc2217://`` there (ser2net's Telnet framing: every 0xFF of
  the flood crosses doubled).

A trial ends when the recording holds every byte written; the recording is then compared with
what was written (bytes lost, exact content). The ratios are against the pty in the same run.
With ``--handler-megabytes`` the bare pyserial handlers are measured too (miniterm's loop,
``read(in_waiting or 1)``, on ``serial_for_url``): what spwf-tui was bound to before it read
network ports in blocks.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import serial

from benchmarks.common import MB, Pty, Writer, emit, median, recorded_rx
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings
from spwf_tui.transport.urls import pyserial_url

DRAIN_INTERVAL = 0.05
STALL_SECONDS = 20.0
"""A trial whose session received nothing for this long ends there: its missing bytes count
as lost (a benchmark that waits for ever reports nothing)."""
KINDS = ("pty", "socket", "rfc2217")
SER2NET_CONFIG = """\
connection: &bench
  accepter: telnet(rfc2217),tcp,127.0.0.1,{port}
  connector: serialdev,{device},115200n81,local
  options:
    kickolduser: true
"""


class SocketEnd:
    """A connected TCP socket handed to the writer process where it expects a pty master."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.master = conn.fileno()


@contextmanager
def ser2net_on(pty: Pty):
    """The real ser2net serving ``pty``'s slave as RFC 2217; yields the ``rfc2217://`` URL."""
    binary = shutil.which("ser2net")
    if binary is None:
        raise RuntimeError("ser2net is not installed (apt-get install ser2net)")
    tmp = Path(tempfile.mkdtemp(prefix="spwf-bench-ser2net-"))
    port = _free_port()
    config = tmp / "ser2net.yaml"
    config.write_text(SER2NET_CONFIG.format(port=port, device=pty.path))
    proc = subprocess.Popen([binary, "-n", "-c", str(config), "-P", str(tmp / "pid")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_listener(port, proc)
        yield f"rfc2217://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_listener(port: int, proc: subprocess.Popen) -> None:
    """Until ser2net accepts on ``port`` (a bare connect: ser2net drops it at once)."""
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError(f"ser2net exited with status {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"ser2net did not listen on port {port}")


class Bench:
    """The three ways in: a pty, a TCP listener, ser2net on a second pty."""

    def __init__(self, stack) -> None:
        self.pty = Pty()
        stack.callback(self.pty.close)
        self.listener = socket.create_server(("127.0.0.1", 0))
        stack.callback(self.listener.close)
        self.ser2net_pty = Pty()
        stack.callback(self.ser2net_pty.close)
        self.rfc2217_url = stack.enter_context(ser2net_on(self.ser2net_pty))

    def url(self, kind: str) -> str:
        if kind == "pty":
            return self.pty.path
        if kind == "socket":
            return f"socket://127.0.0.1:{self.listener.getsockname()[1]}"
        return self.rfc2217_url

    def writer_target(self, kind: str):
        """Where the writer writes, once the session is open (for ``socket``: the accepted end)."""
        if kind == "socket":
            conn, _ = self.listener.accept()
            return SocketEnd(conn)
        return self.pty if kind == "pty" else self.ser2net_pty


def session_trial(bench: Bench, kind: str, total: int) -> dict:
    """The Session with a recorder on ``kind``: read until the recording holds every byte."""
    tmp = Path(tempfile.mkdtemp(prefix="spwf-bench-net-"))
    recorder = Recorder(directory=tmp, max_bytes=1 << 62)
    # No reconnect: the socket writer closing its end after the flood must not start one.
    session = Session(PortSettings(bench.url(kind)), recorder=recorder, reconnect=False)
    session.open()
    target = bench.writer_target(kind)
    writer = Writer(target, total)
    if isinstance(target, SocketEnd):
        target.conn.close()  # the writer process holds its own copy
    done = threading.Event()
    session.add_listener(lambda: session.rx_bytes >= writer.size and done.set())
    entries = 0
    try:
        entries += len(session.entries.drain())
        writer.go()
        start = last_progress = time.perf_counter()
        seen = 0
        while not done.wait(DRAIN_INTERVAL):
            entries += len(session.entries.drain())
            if session.rx_bytes != seen:
                seen, last_progress = session.rx_bytes, time.perf_counter()
            elif time.perf_counter() - last_progress > STALL_SECONDS:
                break
        elapsed = time.perf_counter() - start
        link = session.link_state
    finally:
        session.close()
        writer.wait()
    recorded, digest = recorded_rx(recorder.path)
    shutil.rmtree(tmp, ignore_errors=True)
    return {"seconds": elapsed, "bytes": writer.size, "mbps": recorded / elapsed / MB,
            "bytes_lost": writer.size - recorded, "exact": digest == writer.sha256 and recorded == writer.size,
            "stalled_link": None if done.is_set() else link}


def handler_trial(bench: Bench, kind: str, total: int) -> dict:
    """pyserial's own handler for ``kind`` under miniterm's read loop, nothing else."""
    port = serial.serial_for_url(pyserial_url(bench.url(kind)), timeout=0.05)
    target = bench.writer_target(kind)
    writer = Writer(target, total)
    if isinstance(target, SocketEnd):
        target.conn.close()
    try:
        got = 0
        writer.go()
        start = time.perf_counter()
        while got < writer.size:
            got += len(port.read(port.in_waiting or 1))
        elapsed = time.perf_counter() - start
    finally:
        port.close()
        writer.wait()
    return {"mbps": writer.size / elapsed / MB}


def run(total: int, trials: int, handler_total: int) -> dict:
    from contextlib import ExitStack

    results: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    handlers: dict[str, list[dict]] = {kind: [] for kind in KINDS[1:]}
    with ExitStack() as stack:
        bench = Bench(stack)
        for _ in range(trials):
            for kind in KINDS:
                results[kind].append(session_trial(bench, kind, total))
            if handler_total:
                for kind in handlers:
                    handlers[kind].append(handler_trial(bench, kind, handler_total))
    pty = median([t["mbps"] for t in results["pty"]])
    out = {"net_bytes": total, "net_trials": trials, "net_pty_mbps": pty}
    for kind in KINDS[1:]:
        speed = median([t["mbps"] for t in results[kind]])
        out[f"net_{kind}_mbps"] = speed
        out[f"net_{kind}_ratio"] = speed / pty
        if handlers[kind]:
            handler = median([t["mbps"] for t in handlers[kind]])
            out[f"net_{kind}_pyserial_handler_mbps"] = handler
            out[f"net_{kind}_vs_pyserial_handler"] = speed / handler
    out["net_bytes_lost"] = sum(t["bytes_lost"] for kind in KINDS for t in results[kind])
    out["net_exact"] = all(t["exact"] for kind in KINDS for t in results[kind])
    out["net_stalls"] = [f"{kind}: link {t['stalled_link']}" for kind in KINDS for t in results[kind]
                         if t["stalled_link"] is not None]
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.netingest")
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--handler-megabytes", type=float, default=1,
                        help="flood for pyserial's bare handlers (slow: ~0.1 MB/s); 0 skips them")
    args = parser.parse_args(argv)
    emit(run(int(args.megabytes * MB), args.trials, int(args.handler_megabytes * MB)))


if __name__ == "__main__":
    main()
