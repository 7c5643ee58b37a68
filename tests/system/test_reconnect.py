"""Pulling the port away mid-session and bringing it back: over the network the session
reconnects by itself; a pty that comes back is reopened only when the user asks (its number may
belong to another program by then)."""

from __future__ import annotations

import socket
import subprocess
import time

from spwf_tui.session.session import Session
from spwf_tui.transport.serial_transport import CONNECTED, LOST, RECONNECTING
from spwf_tui.transport.settings import PortSettings
from tests.system.helpers import CLI, SimProcess, free_port, wait_for_port


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


def _answers(session, attempts: int = 5) -> bool:
    """``AT`` succeeds; a try that boot WINDs interrupt (the emulator boots when it starts and
    for a new connection, whichever client gets them) is repeated."""
    for _ in range(attempts):
        command = session.execute("AT", timeout=5)
        if command.succeeded:
            return True
        assert command.reason.startswith("the module reset"), (command.outcome, command.reason)
    return False


def test_a_vanished_pty_waits_for_the_user_and_reopens_when_asked(tmp_path):
    link = tmp_path / "ttySIM"
    sim = SimProcess(link, tmp_path / "trace1.bin").start()
    session = Session(PortSettings(str(link)))
    session.open()
    try:
        _settle(session)
        assert session.execute("AT", timeout=5).succeeded
        sim.stop()
        assert _wait_until(lambda: session.link_state == LOST)
        sim = SimProcess(link, tmp_path / "trace2.bin").start()
        assert session.link_state == LOST  # the link is back, but nobody can say what it leads to
        assert session.reopen()
        assert session.link_state == CONNECTED
        _settle(session)
        command = session.execute("AT+S.TIME=1504170338", timeout=5)
        assert command.succeeded, (command.outcome, command.reason, command.replies)
        notes = [e.text for e in session.entries.drain() if e.direction == "note"]
        vanished = [n for n in notes if " vanished: " in n]
        assert len(vanished) == 1
        assert "not reopened automatically" in vanished[0] and "pseudo-terminal" in vanished[0]
        assert ":reopen" in vanished[0] and "F5" in vanished[0]
        assert any("reopened as asked" in n for n in notes)
    finally:
        session.close()
        sim.stop()


def test_a_network_port_reconnects_to_the_same_endpoint_by_itself(tmp_path):
    port = free_port()

    def start_sim() -> subprocess.Popen:
        proc = subprocess.Popen([*CLI, "sim", "--tcp", f"127.0.0.1:{port}"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        wait_for_port(port)
        return proc

    sim = start_sim()
    session = Session(PortSettings(f"socket://127.0.0.1:{port}"))
    session.open()
    try:
        assert _answers(session)
        sim.terminate()
        sim.wait(timeout=10)
        assert _wait_until(lambda: session.link_state == RECONNECTING)
        sim = start_sim()
        assert _wait_until(lambda: session.link_state == CONNECTED)
        assert _answers(session)
        notes = [e.text for e in session.entries.drain() if e.direction == "note"]
        assert any(" vanished: " in n and "same endpoint" in n for n in notes)
        assert any(n.endswith(" is back") for n in notes)
    finally:
        session.close()
        sim.terminate()
        sim.wait(timeout=10)


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
        deadline = time.monotonic() + 30
        while b"AT+S.SOCKON" not in sim.received() and time.monotonic() < deadline:
            time.sleep(0.02)  # until the module has the command: then it is in flight
        sim.proc.kill()
        session.wait(command, timeout=10)
        assert command.outcome == "interrupted", (command.outcome, command.reason)
        assert "vanished" in command.reason
    finally:
        session.close()
        sim.stop()
        silent_server.close()
