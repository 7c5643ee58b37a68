"""Issue 13 §8: a pty number handed to another program is not reopened.

The REPL (a real subprocess on a real pty, driven by pexpect) opens /dev/pts/N, the "module" end
closes it, and the test then takes the same number for "another program", as the system does for
the next terminal that opens. The session must not reopen it by itself (it would show the other
program's traffic and type into it); it says so, and ``:reopen`` opens it when the user asks.
"""

from __future__ import annotations

import os
import threading
import tty

import pexpect
import pytest

from spwf_tui.transport.serial_transport import REOPEN_INTERVAL
from tests.system.repl_driver import spawn_cli

OTHER = b"OTHER-PROGRAM-TERMINAL-OUTPUT\r\n"
WINDOW = 10 * REOPEN_INTERVAL
"""How long the REPL is watched for a reopen it must not do: ten of its former retry intervals
(the old code reopened within one)."""


def open_pty() -> tuple[int, str]:
    master, slave = os.openpty()
    tty.setraw(slave)
    path = os.ttyname(slave)
    os.close(slave)  # the master keeps the pty alive; the session is to be its only user
    return master, path


def take_number(path: str, attempts: int = 200) -> int | None:
    """Open ptys until one gets ``path`` (Linux hands out the lowest free number); the master of
    that one, or None when another program on this machine took the number first."""
    spare = []
    try:
        for _ in range(attempts):
            master, got = open_pty()
            if got == path:
                return master
            spare.append(master)
        return None
    finally:
        for fd in spare:
            os.close(fd)


def holds(pid: int, path: str) -> bool:
    """Whether process ``pid`` has ``path`` open."""
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == path:
                return True
        except OSError:
            continue
    return False


class OtherProgram:
    """Writes its own terminal traffic into the pty now and then; keeps whatever it is sent."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        os.set_blocking(self.master, False)
        while not self._stop.wait(0.05):
            try:
                os.write(self.master, OTHER)
            except BlockingIOError:
                pass  # nobody reads the slave: its buffer is full
            try:
                self.received += os.read(self.master, 4096)
            except (BlockingIOError, OSError):
                pass

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        os.close(self.master)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux's /proc")
def test_a_pty_number_given_to_another_program_is_not_reopened():
    module, path = open_pty()
    child = spawn_cli("repl", path, "--no-record", width=200)
    other = None
    try:
        child.expect("spwf>")
        os.write(module, b"+WIND:0:Console active\r\n")
        child.expect("Console active")
        os.close(module)  # the module's end goes away: the pty is gone
        module = None
        child.expect("vanished")
        child.expect("not reopened automatically")
        child.expect(":reopen")
        master = take_number(path)
        if master is None:
            pytest.skip(f"another program took {path} first; cannot hand it over in this run")
        other = OtherProgram(master)
        child.send("AT\r")  # typed while the port is lost: must not reach the other program
        index = child.expect(["OTHER-PROGRAM", "is back", pexpect.TIMEOUT], timeout=WINDOW)
        assert index == 2, f"the session reopened {path}, now another program's terminal: {child.before!r}"
        assert not holds(child.pid, path)
        assert b"AT" not in other.received
        # The user knows better: :reopen opens the path as it is now.
        child.send(":reopen\r")
        child.expect("reopened as asked")
        child.expect("OTHER-PROGRAM")
        assert holds(child.pid, path)
        child.send("\x1d")  # Ctrl+]
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
        if other is not None:
            other.stop()
        if module is not None:
            os.close(module)
