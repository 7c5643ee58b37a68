"""The port over the network: the real ser2net (RFC 2217) in front of the emulator's pty.

A plain ``rfc2217://host:port`` must work although ser2net in front of a pty never acknowledges
modem-control changes (pyserial would time out waiting for option 'control').
"""

from __future__ import annotations

import hashlib
import json
import os
import termios
import threading
import time
import tty
from pathlib import Path

import pytest
import serial

from spwf_tui.transport.settings import PortSettings
from spwf_tui.transport.urls import pyserial_url
from tests.support.counting import Collector, CountingTransport
from tests.system.helpers import run_cli, tls_peer
from tests.system.ser2net_server import ser2net

def serial_device(path: Path | str) -> str:
    """ser2net's connector for a serial device (here a pty) at 115200 8N1, modem lines ignored."""
    return f"serialdev,{path},115200n81,local"


@pytest.fixture
def bench(tmp_path, sim):
    """The emulator on a pty, served by ser2net as RFC 2217 on a local port."""
    with ser2net(tmp_path, serial_device(sim.link)) as url:
        yield sim, url


def test_tls_setup_runs_through_ser2net(bench, tmp_path):
    sim, url = bench
    ca_file = tmp_path / "ca_cert.pem"
    with tls_peer(tmp_path, "-rev") as (_, tls_port):
        steps = ["AT+S.TLSCERT=content,2", f"AT+S.TIME={int(time.time())}", f"AT+S.TLSCERT=ca,@{ca_file}",
                 f"AT+S.TLSCERT=auth,ski:{ca_file}", f"AT+S.SOCKON=127.0.0.1,{tls_port},NULL,s",
                 'AT+S.SOCKW=0,"over the network\\n"', "wait WIND:55", "AT+S.SOCKR=0,", "AT+S.SOCKC=0"]
        result = run_cli("run", url, "--json", *[a for s in steps for a in ("-c", s)])
    assert result.returncode == 0, result.stdout + result.stderr
    results = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert "AT-S.On:127.0.0.1:0" in results[4]["replies"]
    assert "krowten eht revo\n" in results[7]["replies"]


def test_binary_payload_and_line_ends_cross_byte_exact(bench, tmp_path):
    sim, url = bench
    payload = bytes(range(256)) + b"\r\n\r\r\n\n\xff\xff\x00"
    (tmp_path / "blob.bin").write_bytes(payload)
    result = run_cli("run", url, "--json", "-c", f"AT+S.FSC=/blob.bin,@{tmp_path / 'blob.bin'}",
                     "-c", "AT+S.HASH=2,/blob.bin")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"AT+S.FSC=/blob.bin,{len(payload)}\r".encode() + payload in sim.received()
    digest = hashlib.sha256(payload).hexdigest()
    assert any(digest in reply.lower() for reply in json.loads(result.stdout.splitlines()[1])["replies"])


def test_baud_change_reaches_the_serial_device(bench):
    sim, url = bench
    port = serial.serial_for_url(pyserial_url(url), baudrate=115200, timeout=1)
    try:
        port.baudrate = 9600

        def ospeed() -> int:  # of the pty behind ser2net
            fd = os.open(Path(sim.link).resolve(), os.O_RDONLY | os.O_NOCTTY)
            try:
                return termios.tcgetattr(fd)[5]
            finally:
                os.close(fd)

        # ser2net sets the speed when the RFC 2217 request reaches it: wait for that, not a time.
        deadline = time.monotonic() + 30
        while ospeed() != termios.B9600 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ospeed() == termios.B9600
    finally:
        port.close()


def test_plain_rfc2217_url_gets_the_control_workaround():
    assert pyserial_url("rfc2217://pi:2217") == "rfc2217://pi:2217?ign_set_control"
    assert pyserial_url("rfc2217://pi:2217?logging=debug") == "rfc2217://pi:2217?logging=debug"
    assert pyserial_url("/dev/ttyACM0") == "/dev/ttyACM0"


@pytest.fixture
def raw_bench(tmp_path):
    """ser2net (RFC 2217) in front of a bare pty whose master the test writes to."""
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        with ser2net(tmp_path, serial_device(os.ttyname(slave))) as url:
            yield master, url
    finally:
        os.close(master)
        os.close(slave)


def test_a_burst_through_ser2net_arrives_exact_and_in_blocks(raw_bench):
    """Issue 13 §7: every byte value (0xFF is doubled on the wire by Telnet) crosses exact, and
    the session's reader takes it a network segment at a time, not one byte a call."""
    master, url = raw_bench
    burst = bytes(range(256)) * 256  # 64 KiB, 256 of them 0xFF
    listener = Collector(len(burst))
    transport = CountingTransport(PortSettings(url), listener, reconnect=False)
    python_calls = [0]

    def count(frame, event, arg):
        if event == "call":
            python_calls[0] += 1

    threading.setprofile(count)  # the reader and pyserial's network thread start in open()
    try:
        transport.open()
    finally:
        threading.setprofile(None)
    try:
        before, calls_before = transport.port.calls, python_calls[0]
        view = memoryview(burst)
        while view:
            view = view[os.write(master, view):]
        assert listener.complete.wait(60), len(listener.data)
        port_calls, calls = transport.port.calls - before, python_calls[0] - calls_before
    finally:
        transport.close()
    assert bytes(listener.data) == burst
    # ser2net sends segments of about 1 KB: a port call per segment and a few empty waits.
    assert port_calls <= len(burst) // 128, port_calls
    # Work per block, not per byte: pyserial's handler runs its Telnet state machine and a
    # queue put and get for every byte (over 300,000 Python calls for this burst).
    print(f"\nport calls {port_calls}, Python calls {calls}")
    assert calls <= len(burst) // 8, calls


def test_the_rfc2217_port_holds_a_bounded_backlog_and_loses_nothing(raw_bench):
    """A reader that falls behind: the port keeps about 1 MiB, TCP flow control holds the rest
    back at ser2net (pyserial's queue grew without a bound); then every byte arrives, in order."""
    from spwf_tui.transport.netports import RECV_SIZE, RX_BUFFER_LIMIT, Rfc2217Port

    master, url = raw_bench
    flood = os.urandom(3 * RX_BUFFER_LIMIT)
    port = Rfc2217Port(pyserial_url(url), baudrate=115200, timeout=0.05)

    def write_all() -> None:
        view = memoryview(flood)
        while view:
            view = view[os.write(master, view):]

    writer = threading.Thread(target=write_all, daemon=True)
    writer.start()
    try:
        deadline = time.monotonic() + 60
        while port.in_waiting < RX_BUFFER_LIMIT and time.monotonic() < deadline:
            time.sleep(0.02)
        assert port.in_waiting >= RX_BUFFER_LIMIT
        time.sleep(0.5)  # more keeps coming only if the bound does not hold
        assert port.in_waiting < RX_BUFFER_LIMIT + RECV_SIZE
        received = bytearray()
        while len(received) < len(flood) and time.monotonic() < deadline:
            received += port.read_available(RECV_SIZE)
        assert bytes(received) == flood
    finally:
        port.close()
        writer.join(timeout=10)
