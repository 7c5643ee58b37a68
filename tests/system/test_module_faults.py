"""Faults on the module's side, end to end through a real pty and the serial transport: a reset in
the middle of commands, a module that stops answering, an over-announced ``Reading`` payload.

The "board" is a ``PtyStreamer`` that answers each host line like a module would (echo, then a
final line), except where the test tells it to misbehave.
"""

from __future__ import annotations

import time

import pytest

from spwf_tui.session import session as session_module
from spwf_tui.session.pending import DONE_OK, INTERRUPTED, TIMED_OUT
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.recording.reader import read_recording
from spwf_tui.session.session import Session
from tests.system.helpers import run_cli, wait_until

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")

BOOT = (b"\r\n+WIND:1:Poweron:171117-0328fe3-SPWF04S\r\n"
        b"+WIND:13:ST SPWF04SA IWM: Copyright (c) 2012-2017 STMicroelectronics, Inc.  All rights Reserved:SPWF04SA\r\n"
        b"+WIND:0:Console active\r\n")
"""What a real SPWF04SA prints when it boots (its first lines)."""


class ScriptedModule:
    """Answers like the module: the echo, any canned lines, then ``AT-S.OK``.

    ``swallow``: lines answered with nothing at all, once each; ``canned``: line -> the lines
    between the echo and the final OK; ``raw``: line -> exactly the bytes to answer.
    """

    def __init__(self, *, swallow=(), canned=None, raw=None) -> None:
        self.swallow = list(swallow)
        self.canned = canned or {}
        self.raw = raw or {}

    def __call__(self, line: bytes) -> bytes:
        if line in self.swallow:
            self.swallow.remove(line)
            return b""
        if line in self.raw:
            return self.raw[line]
        return line + b"\r\n" + self.canned.get(line, b"") + b"AT-S.OK\r\n"


def notes(session: Session) -> list[str]:
    return [e.text for e in session.entries.drain() if e.direction == "note"]


# -- the module resets mid-command --------------------------------------------------------------

SOCKON = b"AT+S.SOCKON=192.0.2.7,443,NULL,s"


def test_boot_winds_mid_command_interrupt_every_pending_command_and_reset_the_state(board, open_session, tmp_path):
    # The module is busy with STS when GCFG comes; it echoes STS, then reboots: boot WINDs.
    module = ScriptedModule(swallow=[b"AT+S.STS=fw_version"], raw={
        b"AT+S.GCFG=console_echo": b"AT+S.STS=fw_version\r\nAT-S.Var:fw_ver" + BOOT}, canned={
        SOCKON: b"AT-S.On:192.0.2.7:0\r\n",
        b"AT+S.TLSCERT=content,1": b"AT-S.CA:1\r\nAT-S.Cert:1\r\nAT-S.Key:1\r\nAT-S.Id:0\r\n",
    })
    pty = board(stream=False, answer=module)
    recording = tmp_path / "reset.jsonl"
    session = open_session(pty.link, recorder=Recorder(path=recording))
    for line in ("AT+S.TIME=1700000000", SOCKON.decode(), "AT+S.TLSCERT=content,1"):
        assert session.execute(line, timeout=5).succeeded, line
    state = session.state
    assert state.module_time() is not None and list(state.sockets) == [0]
    assert state.tls == {"ca": True, "cert": True, "key": True, "auth": False}
    resets = state.resets

    # Two commands in flight when the module reboots in the middle of answering the first.
    first = session.send("AT+S.STS=fw_version")
    second = session.send("AT+S.GCFG=console_echo")
    session.wait(first, timeout=5)
    session.wait(second, timeout=5)
    for command in (first, second):
        assert command.outcome == INTERRUPTED, (command.line, command.outcome, command.reason)
        assert command.reason == "the module reset (boot WINDs arrived)"
    shown: list[str] = []
    expected = ["AT+S.STS=fw_version: interrupted, the module reset",
                "AT+S.GCFG=console_echo: interrupted, the module reset"]
    # The commands end before the RX thread has written its notes: collect until they are there.
    wait_until(lambda: shown.extend(notes(session)) or all(n in shown for n in expected))
    # What a real reset leaves: sockets gone, clock unknown, TLS objects kept (they are in flash).
    assert state.sockets == {} and state.clock_offset is None and state.module_time() is None
    assert state.tls == {"ca": True, "cert": True, "key": True, "auth": False}
    assert state.resets == resets + 1 and state.firmware == "171117-0328fe3-SPWF04S"
    # The module answers again after its reboot.
    assert session.execute("AT", timeout=5).outcome == DONE_OK
    session.close()
    assert b"".join(e.data for e in read_recording(recording).events if e.dir == "rx") == bytes(pty.written)


def test_reset_command_on_the_emulated_module_leaves_what_a_real_reset_leaves(open_session):
    """``AT+S.RESET`` on the emulator: its state and the session's agree afterwards."""
    session = open_session("sim://?boot_delay=0")
    wait_until(lambda: session.state.ip_address is not None)
    time.sleep(0.1)
    from tests.support.certfactory import make_ca

    assert session.execute("AT+S.TIME=1700000000").succeeded
    assert session.execute(f"AT+S.TLSCERT=ca,hex:{make_ca().der.hex()}").succeeded
    assert session.state.tls["ca"] and session.state.clock_offset is not None
    resets = session.state.resets
    assert session.execute("AT+S.RESET").succeeded
    wait_until(lambda: session.state.ip_address is not None)
    assert session.state.resets == resets + 1, "one reset counts once"
    assert session.state.clock_offset is None and session.state.sockets == {}
    # The emulated module agrees: its clock is back at 1970 and the CA is still in flash.
    time_read = session.execute("AT+S.TIME")
    assert any(e.text.startswith("AT-S.Date:70.01.01") for e in time_read.replies)
    content = session.execute("AT+S.TLSCERT=content,1")
    assert any(e.text == "AT-S.CA:1" for e in content.replies), [e.text for e in content.replies]
    assert session.state.tls["ca"]


# -- the module goes silent ---------------------------------------------------------------------

def test_a_swallowed_command_times_out_with_a_clear_message_and_the_next_one_works(board, open_session):
    pty = board(stream=False, answer=ScriptedModule(swallow=[b"AT+S.STS=fw_version"]))
    session = open_session(pty.link)
    started = time.monotonic()
    lost = session.execute("AT+S.STS=fw_version", timeout=0.5)
    assert lost.outcome == TIMED_OUT and lost.reason == "no final reply within 0.5 s"
    # Not before the 0.5 s given. The upper bound only tells it from the 5 s default (a loaded
    # machine can stretch 0.5 s by a lot; a timed bound tighter than that would flake).
    assert 0.5 <= time.monotonic() - started < session_module.DEFAULT_TIMEOUT
    assert "AT+S.STS=fw_version: no final reply within 0.5 s" in notes(session)
    nxt = session.execute("AT+S.STS=fw_version", timeout=5)
    assert nxt.outcome == DONE_OK and [e.text for e in nxt.replies] == ["AT+S.STS=fw_version", "AT-S.OK"]
    assert pty.lines == [b"AT+S.STS=fw_version"] * 2


def test_front_ends_that_never_wait_still_see_the_timeout(board, open_session, monkeypatch):
    """The TUI and the REPL only send; the session's watcher gives up on overdue commands."""
    monkeypatch.setattr(session_module, "DEFAULT_TIMEOUT", 0.3)
    pty = board(stream=False, answer=ScriptedModule(swallow=[b"AT"]))
    session = open_session(pty.link)
    lost = session.send("AT")
    wait_until(lambda: lost.done, "the watcher to give up")
    assert lost.outcome == TIMED_OUT and lost.reason == "no final reply within 0.3 s"
    assert session.execute("AT", timeout=5).succeeded
    time.sleep(0.5)  # the watcher had time to give up twice: it must say so once
    assert notes(session).count("AT: no final reply within 0.3 s") == 1


def test_run_reports_the_silent_step_and_goes_on_with_keep_going(board, tmp_path):
    pty = board(stream=False, answer=ScriptedModule(swallow=[b"AT+S.STS=fw_version"]))
    result = run_cli("run", str(pty.link), "--timeout", "0.5", "--keep-going", "--no-record",
                     "-c", "AT+S.STS=fw_version", "-c", "AT+S.STS=fw_version")
    assert result.returncode == 1
    assert result.stderr == "spwf-tui run: -c #1: AT+S.STS=fw_version: no final reply within 0.5 s\n"
    assert "# AT+S.STS=fw_version: no final reply within 0.5 s" in result.stdout
    assert result.stdout.rstrip().endswith("< AT-S.OK")


def test_a_reading_header_that_announces_more_than_comes_is_given_up(board, open_session, tmp_path):
    """``AT-S.Reading:100000`` then 5 bytes: the decoder waits for payload that never comes; the
    timeout hands what came over as data and the next command is read as lines again."""
    reading = b"AT+S.SOCKR=0,\r\nAT-S.Reading:100000:100000\r\nshort"
    pty = board(stream=False, answer=ScriptedModule(raw={b"AT+S.SOCKR=0,": reading}))
    recording = tmp_path / "reading.jsonl"
    session = open_session(pty.link, recorder=Recorder(path=recording))
    read = session.execute("AT+S.SOCKR=0,", timeout=0.5)
    assert read.outcome == TIMED_OUT
    assert [(e.kind, e.text) for e in read.replies] == [("echo", "AT+S.SOCKR=0,"), ("info", "AT-S.Reading:100000:100000"),
                                                        ("data", "short")]
    after = session.execute("AT", timeout=5)
    assert after.outcome == DONE_OK and [e.kind for e in after.replies] == ["echo", "ok"]
    session.close()
    events = read_recording(recording).events
    assert b"".join(e.data for e in events if e.dir == "rx") == bytes(pty.written)
    assert any(e.dir == "session" and e.fields.get("event") == "timeout" for e in events)
