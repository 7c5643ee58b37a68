"""An idle session costs no wake-ups: many boards in one process (issue 19 item 6).

The deadline watcher sleeps until the earliest deadline of a pending command, and without end
while none waits; it still gives up on a command whose reply never comes. Wake-ups are counted
as the thread's context switches in /proc (Linux), not timed.
"""

from __future__ import annotations

import sys
import threading
import time

import pytest

from spwf_tui.session import session as session_module
from spwf_tui.session.pending import TIMED_OUT
from spwf_tui.session.recording.replay import NullTransport
from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="context switches from /proc")


def switches(thread: threading.Thread) -> int:
    """Context switches of ``thread`` so far (each sleep that ended is one)."""
    with open(f"/proc/self/task/{thread.native_id}/status", encoding="ascii") as status:
        return sum(int(line.split()[1]) for line in status if "ctxt_switches:" in line)


def stays_asleep(thread: threading.Thread, seconds: float = 0.5, tries: int = 6) -> bool:
    """True once ``thread`` did not wake at all during ``seconds``; up to ``tries`` windows, so
    a thread still on its way into its wait (a loaded machine) is not taken for one that polls.
    A thread that wakes on a timer (the old 50 ms read, the old 100 ms look) wakes in every one."""
    for _ in range(tries):
        before = switches(thread)
        time.sleep(seconds)
        if switches(thread) == before:
            return True
    return False


def watcher(session: Session) -> threading.Thread:
    thread = session._watcher
    assert thread is not None and thread.is_alive()
    return thread


@pytest.fixture
def session():
    opened = Session(PortSettings("idle"), transport=NullTransport())
    opened.open()
    yield opened
    opened.close()


@linux_only
def test_the_deadline_watcher_sleeps_while_no_command_waits(session):
    assert stays_asleep(watcher(session))  # the old watcher looked 5 times each half second


def test_a_command_without_reply_is_given_up_by_the_watcher(session, monkeypatch):
    monkeypatch.setattr(session_module, "DEFAULT_TIMEOUT", 0.2)
    command = session.send("AT")  # NullTransport: nothing ever answers
    assert command.wait(30), "the watcher never gave up on the command"
    assert command.outcome == TIMED_OUT
    assert "no final reply within 0.2 s" in command.reason
    # and the next command after it is watched as well (the watcher went back to sleep, not away)
    again = session.send("AT")
    assert again.wait(30)
    assert again.outcome == TIMED_OUT


def test_a_shorter_wait_brings_the_watchers_deadline_nearer(session, monkeypatch):
    """``wait(command, timeout)`` may set a deadline earlier than the one the watcher sleeps
    towards; the watcher is told, so a front end that does not wait itself is not left behind."""
    command = session.send("AT")  # watched for the default 5 s
    done = threading.Event()

    def wait_then_signal():
        session.wait(command, timeout=0.2)
        done.set()

    threading.Thread(target=wait_then_signal, daemon=True).start()
    assert done.wait(30)
    assert command.outcome == TIMED_OUT


def test_close_ends_a_sleeping_watcher(session):
    thread = watcher(session)
    session.close()
    thread.join(timeout=30)
    assert not thread.is_alive()


# -- the reader of a native port (a real pty) ---------------------------------------------------

class Pty:
    """A pseudo-terminal whose slave is raw, like a UART; the test holds the master (the module)."""

    def __init__(self) -> None:
        import os
        import tty

        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        os.close(slave)

    def close(self) -> None:
        import os

        try:
            os.close(self.master)
        except OSError:
            pass


@pytest.fixture
def pty():
    opened = Pty()
    yield opened
    opened.close()


def reader(session: Session) -> threading.Thread:
    thread = session._transport._thread
    assert thread is not None and thread.is_alive()
    return thread


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 30  # a bound for a broken build, not a measurement
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


@linux_only
def test_an_idle_port_does_not_wake_its_reader_and_bytes_still_come(pty):
    import os

    session = Session(PortSettings(pty.path), reconnect=False)
    session.open()
    try:
        thread = reader(session)
        os.write(pty.master, b"AT-S.OK\r\n")
        wait_for(lambda: session.rx_bytes == 9, "the reader never handed the line on")
        assert stays_asleep(thread)  # pyserial's read with a 50 ms timeout woke 10 times each half second
        os.write(pty.master, b"+WIND:24:WiFi Up:0:192.168.1.7\r\n")  # and a sleeping reader wakes for bytes
        wait_for(lambda: session.state.ip_address == "192.168.1.7", "a sleeping reader missed the bytes")
    finally:
        session.close()


def test_close_wakes_a_reader_that_sleeps_without_timeout(pty):
    session = Session(PortSettings(pty.path), reconnect=False)
    session.open()
    thread = reader(session)
    session.close()  # joins the reader for at most 5 s: a reader not woken would still be alive
    assert not thread.is_alive()
    assert session.link_state == "closed"


def test_a_port_that_vanishes_while_its_reader_sleeps_is_reported(pty):
    session = Session(PortSettings(pty.path), reconnect=False)
    session.open()
    try:
        time.sleep(0.05)  # the reader is in its wait
        pty.close()  # the module side goes away: the slave hangs up
        wait_for(lambda: session.link_state == "closed", "the hang-up was not seen by a sleeping reader")
        assert any("vanished" in entry.text for entry in session.entries.drain())
    finally:
        session.close()


def test_a_spy_port_is_still_read_and_written_through_its_own_methods(pty, tmp_path):
    """``spy://`` (pyserial's logging wrapper of a native port) logs what it reads and writes:
    the direct descriptor read and write must not go around it."""
    import os

    log = tmp_path / "spy.txt"
    session = Session(PortSettings(f"spy://{pty.path}?file={log}"), reconnect=False)
    session.open()
    try:
        os.write(pty.master, b"AT-S.OK\r\n")
        wait_for(lambda: session.rx_bytes == 9, "the spy port's bytes never came")
        session.send("AT+S.STS=version")
    finally:
        session.close()
    logged = log.read_text(errors="replace")  # a hexdump: a line per read, text on the right
    assert "A" in logged and "T-S.OK" in logged, logged  # the first byte's read and the rest's
    assert "TX" in logged and "AT+S.STS=versi" in logged, logged  # the write went through it
