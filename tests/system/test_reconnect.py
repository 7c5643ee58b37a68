"""Pulling the pty away mid-session and bringing it back: the session reconnects and goes on."""

from __future__ import annotations

import socket
import time

from spwf_tui.session.session import Session
from spwf_tui.transport.serial_transport import CONNECTED, RECONNECTING
from spwf_tui.transport.settings import PortSettings
from tests.system.helpers import SimProcess


def _wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def _settle(session, quiet=0.3, timeout=10.0):
    """Wait until the module has said nothing for ``quiet`` seconds (boot lines passed)."""
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline and session.rx_bytes != last:
        last = session.rx_bytes
        time.sleep(quiet)


def test_session_survives_the_port_vanishing_and_returning(tmp_path):
    link = tmp_path / "ttySIM"
    sim = SimProcess(link, tmp_path / "trace1.bin").start()
    session = Session(PortSettings(str(link)))
    session.open()
    try:
        _settle(session)
        assert session.execute("AT", timeout=5).succeeded
        sim.stop()
        assert _wait_until(lambda: session.link_state == RECONNECTING)
        sim = SimProcess(link, tmp_path / "trace2.bin").start()
        assert _wait_until(lambda: session.link_state == CONNECTED)
        _settle(session)
        command = session.execute("AT+S.TIME=1504170338", timeout=5)
        assert command.succeeded, (command.outcome, command.reason, command.replies)
        notes = [e.text for e in session.entries.drain() if e.direction == "note"]
        assert any("vanished" in n for n in notes) and any("is back" in n for n in notes)
    finally:
        session.close()
        sim.stop()


def test_command_in_flight_when_the_port_vanishes_is_reported_interrupted(tmp_path):
    link = tmp_path / "ttySIM"
    sim = SimProcess(link, tmp_path / "trace.bin").start()
    silent_server = socket.socket()
    silent_server.bind(("127.0.0.1", 0))
    silent_server.listen(1)  # completes the TCP handshake but never speaks TLS: SOCKON hangs
    session = Session(PortSettings(str(link)))
    session.open()
    try:
        _settle(session)
        command = session.send(f"AT+S.SOCKON=127.0.0.1,{silent_server.getsockname()[1]},,s")
        time.sleep(0.3)
        sim.proc.kill()
        session.wait(command, timeout=10)
        assert command.outcome == "interrupted", (command.outcome, command.reason)
        assert "vanished" in command.reason
    finally:
        session.close()
        sim.stop()
        silent_server.close()
