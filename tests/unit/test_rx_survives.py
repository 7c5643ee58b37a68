"""Issue 13 §2: no device input can kill the receive path.

The exact lines found by fuzzing (a superscript digit where a number goes, numbers beyond
Python's 4300-digit limit, clock readouts no calendar has, ``AT+S.TIME`` with a value beyond 32
bits answered OK) go through a whole session; after each, the next command still gets its
reply and the module clock can still be shown. Then the last line of defence: a bug anywhere in
the RX pipeline gives one note, the bytes stay in the recording and reading goes on.
"""

from __future__ import annotations

import time

import pytest

from spwf_tui.core.classify import classify
from spwf_tui.core.digits import U32_MAX, ascii_int
from spwf_tui.core.events import ERROR, OTHER
from spwf_tui.core.moduletime import ModuleTimeError, parse_module_time
from spwf_tui.session import session as session_module
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.recording.reader import read_recording
from spwf_tui.session.recording.replay import NullTransport
from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings

HUGE = "9" * 5000
"""More digits than Python's int() takes from a string (4300)."""


@pytest.mark.parametrize(("text", "maximum", "expected"), ids=lambda value: str(value)[:12], argvalues=[
    ("42", U32_MAX, 42), ("007", U32_MAX, 7), ("0", U32_MAX, 0), ("0" * 5000 + "5", U32_MAX, 5),
    (str(U32_MAX), U32_MAX, U32_MAX), (str(U32_MAX + 1), U32_MAX, None), (HUGE, U32_MAX, None),
    ("²", U32_MAX, None), ("1²", U32_MAX, None), ("٣", U32_MAX, None), ("３", U32_MAX, None),
    ("-1", U32_MAX, None), ("+1", U32_MAX, None), (" 1", U32_MAX, None), ("1_000", U32_MAX, None),
    ("", U32_MAX, None), ("100", 99, None), ("99", 99, 99),
])
def test_ascii_int_takes_plain_digits_up_to_a_ceiling(text, maximum, expected):
    assert ascii_int(text, maximum) == expected


def test_lines_with_hostile_numbers_classify_without_a_number():
    assert classify(f"AT-S.ERROR:{HUGE}:oops").kind == ERROR
    assert classify(f"AT-S.ERROR:{HUGE}:oops").code is None
    assert classify(f"AT-S.Certificate Error:{HUGE}").code is None
    assert classify(f"+WIND:{HUGE}:Hello").kind == OTHER
    assert classify("+WIND:²:Hello").kind == OTHER
    assert classify("+WIND:٣:Hello").kind == OTHER  # int() would take it; the module never prints it
    assert classify("AT-S.ERROR:٣:x").code is None


def _session(**options) -> Session:
    session = Session(PortSettings("/dev/ttyHOSTILE"), transport=NullTransport(), reconnect=False,
                      read_file=lambda _path: b"x", **options)
    session.open()
    return session


def _answer(session: Session, line: str, reply: bytes):
    command = session.send(line)
    session.data_received(reply)
    return command


def _still_hears(session: Session) -> None:
    """The next command gets its reply, the clock shows, and nothing went to the fallback."""
    command = _answer(session, "AT", b"AT\r\nAT-S.OK\r\n")
    assert command.done and command.succeeded
    module_time = session.state.module_time()
    if module_time is not None:
        time.strftime("module %Y-%m-%d %H:%M:%S UTC", time.gmtime(module_time))  # the TUI status line
    assert session.internal_errors == 0


# The issue's lines, each as the reply to the command it followed when found.
ISSUE_LINES = [
    pytest.param(None, "+WIND:58:Socket Closed:²:0".encode(), id="WIND 58 superscript socket"),
    pytest.param("AT+S.SOCKON=192.0.2.1,80,NULL,t", "AT-S.On:192.0.2.1:²\r\nAT-S.OK".encode(),
                 id="SOCKON id superscript"),
    pytest.param(None, f"AT-S.ERROR:{HUGE}:Command not found".encode(), id="ERROR 5000 digits"),
    pytest.param(None, f"+WIND:{HUGE}:Hello".encode(), id="WIND 5000 digits"),
    pytest.param("AT+S.SOCKON=192.0.2.1,443,NULL,s", f"AT-S.Certificate Error:{HUGE}\r\nAT-S.ERROR:74:x".encode(),
                 id="Certificate Error 5000 digits"),
    pytest.param("AT+S.SOCKR=0,", f"AT-S.Reading:{HUGE}:{HUGE}\r\nAT-S.OK".encode(), id="Reading 5000 digits"),
    pytest.param("AT+S.TIME", b"AT-S.Date:99.13.01:00\r\nAT-S.Time:10.10.10\r\nAT-S.OK", id="Date month 13"),
    pytest.param("AT+S.TIME", f"AT-S.Date:{HUGE}.12.01:00\r\nAT-S.Time:10.10.10\r\nAT-S.OK".encode(),
                 id="Date huge year"),
    pytest.param("AT+S.TIME", b"AT-S.Date:17.08.31:00\r\nAT-S.Time:99.99.99\r\nAT-S.OK", id="Time 99.99.99"),
    pytest.param("AT+S.TIME=" + "1" + "0" * 20, b"AT-S.OK", id="TIME 1e20 OK"),
    pytest.param("AT+S.TIME=1e20", b"AT-S.OK", id="TIME 1e20 text OK"),
    pytest.param("AT+S.TIME=" + HUGE, b"AT-S.OK", id="TIME 5000 digits OK"),
    pytest.param("AT+S.SOCKQ=0", "AT-S.Query:²\r\nAT-S.OK".encode(), id="Query superscript"),
    pytest.param(None, "+WIND:55:Pending Data::²:³:⁴".encode(), id="WIND 55 superscripts"),
]


@pytest.mark.parametrize(("command", "reply"), ISSUE_LINES)
def test_a_hostile_number_leaves_the_session_hearing(command, reply):
    session = _session()
    try:
        if command:
            _answer(session, command, reply + b"\r\n")
        else:
            session.data_received(reply + b"\r\n")
        _still_hears(session)
        shown = [entry.text for entry in session.entries.drain()]
        assert any(reply.split(b"\r\n")[0].decode()[:40] in text for text in shown)  # the line is shown
    finally:
        session.close()


def test_a_superscript_socket_id_opens_no_socket_and_a_plain_one_does():
    session = _session()
    try:
        _answer(session, "AT+S.SOCKON=192.0.2.1,80,NULL,t", "AT-S.On:192.0.2.1:²\r\nAT-S.OK\r\n".encode())
        assert session.state.sockets == {}
        _answer(session, "AT+S.SOCKON=192.0.2.1,80,NULL,t", b"AT-S.On:192.0.2.1:1\r\nAT-S.OK\r\n")
        assert list(session.state.sockets) == [1]
        session.data_received("+WIND:58:Socket Closed:¹:0\r\n".encode())
        assert not session.state.sockets[1].closed_by_peer
    finally:
        session.close()


def test_the_clock_is_set_by_a_real_readout_and_left_alone_by_an_impossible_one():
    session = _session(clock=lambda: 1_000_000.0)
    try:
        _answer(session, "AT+S.TIME", b"AT-S.Date:17.08.31:00\r\nAT-S.Time:09.05.38\r\nAT-S.OK\r\n")
        assert session.state.module_time() == 1504170338  # the readout of docs/protocol.md §6.5
        _answer(session, "AT+S.TIME", b"AT-S.Date:99.13.01:00\r\nAT-S.Time:10.10.10\r\nAT-S.OK\r\n")
        assert session.state.module_time() == 1504170338
    finally:
        session.close()


def test_time_beyond_32_bits_answered_ok_makes_the_clock_unknown():
    session = _session()
    try:
        _answer(session, "AT+S.TIME=1700000000", b"AT-S.OK\r\n")
        assert session.state.module_time() is not None
        _answer(session, "AT+S.TIME=" + "1" + "0" * 20, b"AT-S.OK\r\n")
        assert session.state.module_time() is None
    finally:
        session.close()


@pytest.mark.parametrize("text", [HUGE, "²", "٣٣٣", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"],
                         ids=["5000 digits", "superscript", "arabic-indic", "year 1 east", "year 9999 west"])
def test_module_time_option_refuses_what_the_clock_cannot_hold_in_one_line(text):
    with pytest.raises(ModuleTimeError) as caught:
        parse_module_time(text)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 200


# -- the last line of defence ---------------------------------------------------------------------


def _break_state_on(session: Session, trigger: str) -> None:
    """A bug in the RX pipeline: applying the line ``trigger`` raises."""
    apply = session.state.apply

    def faulty(event, command_line):
        if event.text == trigger:
            raise ValueError(f"cannot apply {trigger!r}")
        apply(event, command_line)

    session.state.apply = faulty
    session.state.APPLIED_KINDS = frozenset({"wind", "info", "ok", "other", "error", "echo"})


def test_a_bug_on_received_bytes_gives_one_note_keeps_the_bytes_and_reading_goes_on(tmp_path):
    recording = tmp_path / "bug.jsonl"
    session = _session(recorder=Recorder(path=recording))
    try:
        _break_state_on(session, "BOOM")
        session.data_received(b"+WIND:0:Console active\r\nBOOM\r\n")
        notes = [e.text for e in session.entries.drain() if e.direction == "note"]
        internal = [text for text in notes if text.startswith("internal error decoding the module's output")]
        assert len(internal) == 1, notes
        assert "ValueError: cannot apply 'BOOM'" in internal[0]
        assert "bytes kept in the recording" in internal[0] and " at test_rx_survives.py:" in internal[0]
        _still_hears_after_a_bug(session)
    finally:
        session.close()
    rx = b"".join(event.data for event in read_recording(recording).events if event.dir == "rx")
    assert b"BOOM\r\n" in rx and b"AT-S.OK\r\n" in rx


def _still_hears_after_a_bug(session: Session) -> None:
    command = _answer(session, "AT", b"AT\r\nAT-S.OK\r\n")
    assert command.succeeded
    assert [e.text for e in session.entries.drain() if e.direction == "rx"] == ["AT", "AT-S.OK"]


def test_without_a_recording_the_note_says_how_many_bytes_were_not_shown():
    session = _session()
    try:
        _break_state_on(session, "BOOM")
        session.data_received(b"BOOM\r\n")
        notes = [e.text for e in session.entries.drain() if e.direction == "note"]
        assert any("6 bytes not shown (the session is not recorded)" in text for text in notes), notes
    finally:
        session.close()


def test_a_bug_hit_by_every_read_is_noted_a_bounded_number_of_times():
    session = _session()
    try:
        _break_state_on(session, "BOOM")
        for _ in range(100):
            session.data_received(b"BOOM\r\n")
        notes = [e.text for e in session.entries.drain() if e.direction == "note"]
        internal = [text for text in notes if "internal error" in text]
        assert len(internal) == session_module.MAX_INTERNAL_ERROR_NOTES
        assert internal[-1].endswith("(further internal errors are counted, not shown)")
        assert session.internal_errors == 100
        _still_hears_after_a_bug(session)
    finally:
        session.close()


def test_a_bug_in_the_decoder_restarts_it():
    session = _session()
    try:
        def broken(_data):
            raise RuntimeError("decoder bug")

        session._decoder.feed = broken  # this decoder instance only: the session makes a new one
        session.data_received(b"AT-S.OK\r\n")
        assert session.internal_errors == 1
        session.internal_errors = 0
        _still_hears(session)
    finally:
        session.close()


def test_the_note_shows_the_error_text_escaped_and_cut():
    session = _session()
    try:
        def broken(data):
            raise ValueError(f"bad {data!r} \x1b]52;c;aGk=\x07" + "9" * 5000)

        session._decoder.feed = broken
        session.data_received(b"x\r\n")
        note = [e.text for e in session.entries.drain() if "internal error" in e.text][0]
        assert "\x1b" not in note and "\x07" not in note and "\\x1b]52" in note
        assert len(note) < 400
    finally:
        session.close()
