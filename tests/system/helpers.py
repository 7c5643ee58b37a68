"""Running the real programs: the spwf-tui CLI, its emulator on a pty, openssl s_server."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

CLI = [sys.executable, "-m", "spwf_tui"]

FLOOD = 100_000
FLOOD_LINE = b"+WIND:55:Pending Data::9:%d:%d\r\n"
"""Numbered flood lines (socket 9 is not open: the state ignores them)."""


def flood(count: int = FLOOD) -> bytes:
    """``count`` numbered flood lines in one piece, as a module dumps them faster than any reader."""
    return b"".join(FLOOD_LINE % (i, i) for i in range(count))


def flood_answer(line: bytes) -> bytes:
    """A board's answers (``PtyStreamer(answer=...)``): ``AT+S.STS=flood`` gets the whole flood
    before its ``AT-S.OK``, any other line an echo and OK."""
    if line == b"AT+S.STS=flood":
        return line + b"\r\n" + flood() + b"AT-S.OK\r\n"
    return line + b"\r\nAT-S.OK\r\n"


def run_cli(*args: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    """Run ``spwf-tui ARGS`` as a subprocess and capture its output."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, **kwargs)


class SimProcess:
    """``spwf-tui sim --pty --link PATH --trace FILE`` as a child process."""

    def __init__(self, link: Path, trace: Path) -> None:
        self.link = link
        self.trace = trace
        self.proc: subprocess.Popen | None = None

    def start(self) -> SimProcess:
        # The trace keeps the secrets: tests compare it with the exact bytes sent.
        self.proc = subprocess.Popen([*CLI, "sim", "--pty", "--link", str(self.link), "--trace", str(self.trace),
                                      "--record-secrets"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline()
        assert "listening on" in first, first + self.proc.stderr.read()
        return self

    def received(self) -> bytes:
        """Every byte the emulated module got from the host so far."""
        return self.trace.read_bytes() if self.trace.exists() else b""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_until(predicate, what: str = "the condition", timeout: float = 30) -> None:
    """Poll ``predicate`` until it holds; fail with ``what`` after ``timeout`` seconds (generous:
    a wait that succeeds returns at once, the bound only ends a broken test)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"still waiting for {what} after {timeout:g}s"
        time.sleep(0.01)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def start_openssl_server(openssl: str, cert: Path, key: Path, port: int, *extra: str) -> subprocess.Popen:
    """``openssl s_server`` on 127.0.0.1:port; ``-rev`` makes it answer each line reversed."""
    proc = subprocess.Popen([openssl, "s_server", "-accept", f"127.0.0.1:{port}", "-cert", str(cert),
                             "-key", str(key), "-quiet", *extra],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "OPENSSL_CONF": "/dev/null"})
    wait_for_port(port)
    return proc


@contextlib.contextmanager
def tls_peer(directory: Path, *server_options: str, ca=None):
    """A test CA and a server certificate for 127.0.0.1 written to ``directory`` (``ca_cert.pem``,
    ``server_cert.pem``, ``server_key.pem``), served by the real ``openssl s_server``.

    Yields ``(ca, port)``; ``server_options`` go to s_server (``-rev`` echoes lines reversed,
    ``-www`` answers HTTP GETs).
    """
    from tests.conftest import require_tool
    from tests.support.certfactory import make_ca, make_server

    openssl = require_tool("openssl")
    ca = ca or make_ca()
    server = make_server(ca)
    (directory / "ca_cert.pem").write_bytes(ca.pem)
    (directory / "server_cert.pem").write_bytes(server.pem)
    (directory / "server_key.pem").write_bytes(server.key_pem)
    port = free_port()
    proc = start_openssl_server(openssl, directory / "server_cert.pem", directory / "server_key.pem", port,
                                *server_options)
    try:
        yield ca, port
    finally:
        proc.kill()
        proc.wait()
