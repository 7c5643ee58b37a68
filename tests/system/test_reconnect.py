"""Pulling the pty away mid-session and bringing it back: the session reconnects and goes on."""

from __future__ import annotations

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


def test_session_survives_the_port_vanishing_and_returning(tmp_path):
    link = tmp_path / "ttySIM"
    sim = SimProcess(link, tmp_path / "trace1.bin").start()
    session = Session(PortSettings(str(link)))
    session.open()
    try:
        assert session.execute("AT", timeout=5).succeeded
        sim.stop()
        assert _wait_until(lambda: session.link_state == RECONNECTING)
        sim = SimProcess(link, tmp_path / "trace2.bin").start()
        assert _wait_until(lambda: session.link_state == CONNECTED)
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
    session = Session(PortSettings(str(link)))
    session.open()
    try:
        assert session.execute("AT", timeout=5).succeeded
        # SOCKON to a closed local port answers quickly; a pending command with no reply is
        # simulated by the module going away before it answers anything.
        sim.proc.kill()
        sim.proc.wait()
        command = session.send("AT")
        session.wait(command, timeout=5)
        assert command.outcome in ("interrupted", "timeout")
        assert not command.succeeded
    finally:
        session.close()
        sim.stop()
