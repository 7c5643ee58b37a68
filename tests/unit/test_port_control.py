"""Port settings and modem lines as typed (REPL, scripts, config), the session's port control
with a transport that records what it is asked, and following the module's speed."""

from __future__ import annotations

import time

import pytest

from spwf_tui.cli.script import PORT, parse_line
from spwf_tui.config import ConfigError, load
from spwf_tui.errors import UserError
from spwf_tui.session.session import Session
from spwf_tui.transport.errors import PortError
from spwf_tui.core.present.status import modem_lines_text
from spwf_tui.transport.base import Transport
from spwf_tui.transport.modem import LineAction, parse_line_action
from spwf_tui.transport.settings import PortSettings, SettingsError, as_changes, parse_changes


class _Port(Transport):
    """A transport that records the calls (the real ones are tested on ptys and ser2net)."""
    route = None  # transport.base.Transport: no endpoint other than its name

    def __init__(self, refuse: bool = False) -> None:
        self.calls: list = []
        self.refuse = refuse
        self.sent = b""

    def open(self) -> None: ...
    def close(self) -> None: ...

    def write(self, data: bytes) -> int:
        self.sent += data
        return len(data)

    def apply_settings(self, settings: PortSettings) -> None:
        if self.refuse:
            raise PortError("refused")
        self.calls.append(("settings", settings.describe()))

    def set_line(self, line: str, on: bool) -> None:
        self.calls.append((line, on))

    def send_break(self, seconds: float) -> None:
        self.calls.append(("break", seconds))

    def modem_lines(self) -> dict[str, bool]:
        return {"cts": True, "dsr": False, "ri": False, "cd": True}


def test_changes_parse_every_name_and_refuse_the_rest():
    assert parse_changes("baud=921600 bytesize=7 parity=even stopbits=1.5 rtscts=on xonxoff=0") == {
        "baudrate": 921600, "bytesize": 7, "parity": "E", "stopbits": 1.5, "rtscts": True, "xonxoff": False}
    for bad, says in (("", "no setting given"), ("baud", "write NAME=VALUE"), ("speed=9600", "write NAME=VALUE"),
                      ("parity=X", "parity 'X'"), ("stopbits=3", "stop bits"), ("bytesize=9", "data bits"),
                      ("rtscts=maybe", "on or off"), ("baud=0", "out of range")):
        with pytest.raises(SettingsError, match=says):
            parse_changes(bad)
    assert parse_changes(as_changes(PortSettings("p", 9600, 7, "O", 2, True))) == {
        "baudrate": 9600, "bytesize": 7, "parity": "O", "stopbits": 2, "rtscts": True, "xonxoff": False}


def test_line_actions_parse_with_default_lengths():
    assert parse_line_action("dtr", "pulse") == LineAction("dtr", "pulse", 100)
    assert parse_line_action(":rts", "pulse 20") == LineAction("rts", "pulse", 20)
    assert parse_line_action("break", "") == LineAction("break", "pulse", 250)
    assert parse_line_action("DTR", "off") == LineAction("dtr", "off")
    for line, argument in (("dtr", ""), ("dtr", "blink"), ("dtr", "on 5"), ("rts", "pulse 0"),
                           ("break", "1 2"), ("cts", "on"), ("break", "99999999")):
        with pytest.raises(SettingsError):
            parse_line_action(line, argument)
    assert modem_lines_text({"cts": True, "dsr": False}) == "CTS on  DSR off"


def test_script_steps_are_parsed_before_anything_is_sent():
    step = parse_line("port baud=921600 parity=E", "s.at:1", {}, lambda _: b"")
    assert step.kind == PORT and step.port_changes == {"baudrate": 921600, "parity": "E"}
    assert parse_line("dtr pulse 100", "s.at:2", {}, lambda _: b"").line_action == LineAction("dtr", "pulse", 100)
    assert parse_line("break", "s.at:3", {}, lambda _: b"").line_action.ms == 250
    with pytest.raises(UserError, match="s.at:4: parity"):
        parse_line("port parity=Q", "s.at:4", {}, lambda _: b"")


def test_config_framing_and_log(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('parity = "E"\nbytesize = 7\nstopbits = 2\nlog = "~/x.log"\nlog_timestamps = true\n')
    cfg = load(path)
    assert (cfg.parity, cfg.bytesize, cfg.stopbits, cfg.log_timestamps) == ("E", 7, 2, True)
    assert cfg.log.name == "x.log" and "~" not in str(cfg.log)
    path.write_text('parity = "Q"\n')
    with pytest.raises(ConfigError, match="line 1: parity"):
        load(path)


def _session(port: _Port, **kwargs) -> Session:
    session = Session(PortSettings("test"), transport=port, **kwargs)
    session.open()
    return session


def test_a_change_is_applied_noted_and_kept():
    port = _Port()
    session = _session(port)
    session.port.change(baudrate=921600, parity="E")
    assert port.calls == [("settings", "921600 8E1")]
    assert session.settings.describe() == "921600 8E1"
    assert "port settings 115200 8N1 -> 921600 8E1" in [e.text for e in session.entries.drain()]


def test_a_refused_change_keeps_the_old_settings():
    session = _session(_Port(refuse=True))
    with pytest.raises(PortError):
        session.port.change(baudrate=9600)
    assert session.settings.baudrate == 115200


def test_a_pulse_is_on_then_off_and_lines_are_read():
    port = _Port()
    session = _session(port)
    session.port.act(parse_line_action("dtr", "pulse 10"))
    session.port.act(parse_line_action("break", "30"))
    assert port.calls == [("dtr", True), ("dtr", False), ("break", 0.03)]
    assert session.port.lines() == {"cts": True, "dsr": False, "ri": False, "cd": True}


def _answer_ok(session: Session, port: _Port) -> None:
    """The module's OK for the command just sent (echo off)."""
    session.data_received(b"AT-S.OK\r\n")


@pytest.mark.parametrize("follow", [True, False])
def test_the_speed_is_followed_or_offered_after_save_and_reset(follow):
    port = _Port()
    session = _session(port, follow_speed=follow)
    for line in ("AT+S.SCFG=console_speed,921600", "AT+S.WCFG", "AT+S.RESET"):
        session.send(line)
        _answer_ok(session, port)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not (port.calls or session.port.speed_offer):
        time.sleep(0.01)
    if follow:
        assert port.calls == [("settings", "921600 8N1")] and session.port.speed_offer is None
    else:
        assert port.calls == [] and session.port.speed_offer == 921600


def test_no_follow_without_a_save_or_when_the_change_failed():
    port = _Port()
    session = _session(port, follow_speed=True)
    session.send("AT+S.SCFG=console_speed,921600")
    session.data_received(b"AT-S.ERROR:17:Invalid parameter\r\n")
    session.send("AT+S.WCFG")
    _answer_ok(session, port)
    session.send("AT+S.RESET")
    _answer_ok(session, port)
    time.sleep(0.2)
    assert port.calls == []
