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
    thread = watcher(session)
    time.sleep(0.05)  # let it reach its wait
    before = switches(thread)
    time.sleep(0.5)  # the old watcher looked 5 times in this half second
    assert switches(thread) == before


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
