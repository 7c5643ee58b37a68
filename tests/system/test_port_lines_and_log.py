"""Issue 14 (items 1, 4, 5, 6): the CLI as a subprocess against a pty whose far end is the test,
which answers like the module and checks the bytes and the line settings (termios) the host set."""

from __future__ import annotations

import json
import re
import socket
import time

import pexpect
import pytest
from serial import rfc2217
from serial.urlhandler.protocol_loop import Serial as LoopSerial

from tests.support.far_end import FarEnd
from tests.support.tcp_peer import TcpServer
from tests.system.helpers import run_cli
from tests.system.ser2net_server import ser2net
from tests.system.repl_driver import spawn_cli as spawn

PYTHON_ANSWER = b"AT-S.OK\r\n\r\nMicroPython v1.9\r\n>>> "


@pytest.fixture
def far_end():
    far = FarEnd()
    yield far
    far.close()


def type_line(child: pexpect.spawn, text: str) -> None:
    """Type ``text``, see the REPL echo it, then press Enter (as a person looks before Enter)."""
    child.send(text)
    child.expect_exact(text[-8:])
    child.send("\r")


# -- item 1: lines without a line end ----------------------------------------------------------

def test_repl_shows_a_prompt_above_its_own_and_completes_it_in_place(far_end):
    far_end.answers[b"AT+S.PYTHON"] = PYTHON_ANSWER
    child = spawn("repl", far_end.path, "--no-record")
    child.expect("spwf>")
    type_line(child, "AT+S.PYTHON")
    far_end.wait_received(b"AT+S.PYTHON\r")
    # The module's prompt has no line end: it is drawn on the line above the REPL's prompt.
    child.expect(r"< >>>(\x1b\[[0-9;?]*[A-Za-z]|\s)*spwf>")
    far_end.write(b"print(1)\r\n1\r\n")
    child.expect(r"< >>> print\(1\)")
    child.expect("< 1")
    child.send("\x1d")  # Ctrl+]: a Ctrl+D typed while output is printed can be taken by the tty
    child.expect(pexpect.EOF)


def test_run_prints_the_line_still_arriving_at_the_end_of_the_step(far_end):
    far_end.answers[b"AT+S.PYTHON"] = PYTHON_ANSWER
    result = run_cli("run", far_end.path, "--no-record", "-c", "AT+S.PYTHON", "-c", "sleep 0.3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines.count("< >>>   [no line end yet]") == 1, result.stdout
    assert lines.index("< >>>   [no line end yet]") == lines.index("< MicroPython v1.9") + 1


# -- item 4: port settings while open -----------------------------------------------------------

def test_framing_flags_reach_the_port(far_end):
    result = run_cli("run", far_end.path, "-c", "note open", "--no-record", "-b", "9600", "--stopbits", "2",
                     "--rtscts", "--bytesize", "8", "--parity", "N")
    assert result.returncode == 0, result.stderr
    # The settings stay on the pty after the program closed it (the test holds the slave open).
    assert far_end.settings() == {"baud": 9600, "bytesize": 8, "parity": "N", "stopbits": 2,
                                  "rtscts": True, "xonxoff": False}
    assert "# opened " + far_end.path + " at 9600 8N2 RTS/CTS" in result.stdout


def test_a_script_changes_the_settings_between_commands(far_end, tmp_path):
    far_end.answers[b"AT"] = b"AT-S.OK\r\n"
    record = tmp_path / "session.jsonl"
    result = run_cli("run", far_end.path, "--record", str(record), "-c", "AT",
                     "-c", "port baud=921600 stopbits=2 xonxoff=on", "-c", "AT")
    assert result.returncode == 0, result.stderr
    assert far_end.settings() == {"baud": 921600, "bytesize": 8, "parity": "N", "stopbits": 2,
                                  "rtscts": False, "xonxoff": True}
    assert "# port settings 115200 8N1 -> 921600 8N2 XON/XOFF" in result.stdout
    events = [json.loads(line) for line in record.read_text().splitlines()[1:]]
    changes = [e for e in events if e.get("event") == "port"]
    assert changes == [{"t": changes[0]["t"], "dir": "session", "event": "port", "settings": "921600 8N2 XON/XOFF"}]


def test_a_setting_the_port_refuses_is_one_line_and_nothing_changes(far_end):
    # This kernel's pseudo-terminals refuse parity (EINVAL): a real refusal to report.
    result = run_cli("run", far_end.path, "--no-record", "-c", "port baud=57600 parity=E")
    assert result.returncode == 1
    assert "refused 57600 8E1" in result.stderr and "Traceback" not in result.stderr
    assert far_end.settings()["baud"] == 115200


def test_bad_framing_flags_are_one_line_each():
    for flag, value, says in (("--parity", "X", "parity 'X'"), ("--stopbits", "3", "stop bits '3'"),
                              ("--bytesize", "9", "data bits '9'")):
        result = run_cli("run", "sim://", "-c", "AT", flag, value)
        assert result.returncode == 2
        assert says in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr


def _speed_change_answers(far_end: FarEnd) -> None:
    far_end.answers.update({
        b"AT+S.SCFG=console_speed,921600": b"AT-S.OK\r\n",
        b"AT+S.WCFG": b"AT-S.OK\r\n",
        b"AT+S.RESET": b"AT-S.OK\r\n",
    })


def test_follow_speed_switches_after_save_and_reset(far_end):
    _speed_change_answers(far_end)
    result = run_cli("run", far_end.path, "--no-record", "--follow-speed", "-c", "AT+S.SCFG=console_speed,921600",
                     "-c", "AT+S.WCFG", "-c", "AT+S.RESET", "-c", "sleep 0.3")
    assert result.returncode == 0, result.stderr
    assert "# port settings 115200 8N1 -> 921600 8N1" in result.stdout
    assert far_end.settings()["baud"] == 921600


def test_without_follow_speed_the_switch_is_offered(far_end):
    _speed_change_answers(far_end)
    result = run_cli("run", far_end.path, "--no-record", "-c", "AT+S.SCFG=console_speed,921600",
                     "-c", "AT+S.RESET", "-c", "sleep 0.3")
    assert "talks at" not in result.stdout  # not saved: the reset brings the old speed back
    result = run_cli("run", far_end.path, "--no-record", "-c", "AT+S.SCFG=console_speed,921600",
                     "-c", "AT+S.WCFG", "-c", "AT+S.RESET", "-c", "sleep 0.3")
    assert "the module now talks at 921600 baud" in result.stdout
    assert far_end.settings()["baud"] == 115200


def test_repl_port_command_changes_the_open_port(far_end):
    child = spawn("repl", far_end.path, "--no-record")
    child.expect("spwf>")
    type_line(child, ":port baud=57600 stopbits=2")
    child.expect("port settings 115200 8N1 -> 57600 8N2")
    assert far_end.wait_settings(baud=57600, stopbits=2)
    type_line(child, ":port")
    child.expect("57600 8N2; modem lines: not reported by this port")
    type_line(child, ":port baud=fast")
    child.expect("baud rate 'fast' is not a number")
    type_line(child, ":dtr pulse 50")
    child.expect("has no DTR line to drive")
    child.send("\x1d")  # Ctrl+]: a Ctrl+D typed while output is printed can be taken by the tty
    child.expect(pexpect.EOF)
    assert far_end.settings()["baud"] == 57600


# -- item 5: modem lines; the emulator reset by DTR ---------------------------------------------

def test_a_dtr_pulse_resets_the_emulated_module_wired_to_it(tmp_path):
    record = tmp_path / "session.jsonl"
    result = run_cli("run", "sim://?reset_line=dtr", "--record", str(record), "-c", "AT+S.SCFG=console_echo,0",
                     "-c", "dtr pulse 100", "-c", "wait WIND:1 5", "-c", "break 50", "-c", "rts pulse 20")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# DTR pulse of 100 ms" in result.stdout and "# sent BREAK for 50 ms" in result.stdout
    events = [json.loads(line) for line in record.read_text().splitlines()[1:]]
    lines = [(e["event"], e.get("line"), e.get("state"), e.get("ms")) for e in events
             if e.get("event") in ("line", "break")]
    assert lines == [("line", "dtr", "on", None), ("line", "dtr", "off", None), ("break", None, None, "50"),
                     ("line", "rts", "on", None), ("line", "rts", "off", None)]


def test_a_pty_has_no_dtr_and_says_so(far_end):
    result = run_cli("run", far_end.path, "--no-record", "-c", "dtr on")
    assert result.returncode == 1
    assert "has no DTR line to drive (not a serial line" in result.stderr


# -- items 4 and 5 through ser2net: RFC 2217 carries speed, DTR, RTS and BREAK ----------------

class _RecordingDevice(LoopSerial):
    """The serial device at the far end of the chain: records what the host asked of it."""

    def __init__(self, calls: list, *args, **kwargs) -> None:
        self.calls = calls
        super().__init__(*args, **kwargs)

    def _update_dtr_state(self) -> None:
        self.calls.append(("dtr", self._dtr_state))

    def _update_rts_state(self) -> None:
        self.calls.append(("rts", self._rts_state))

    def _update_break_state(self) -> None:
        self.calls.append(("break", self._break_state))

    def _reconfigure_port(self) -> None:
        self.calls.append(("baud", self._baudrate))
        super()._reconfigure_port()


@pytest.fixture
def modem_bench(tmp_path):
    """spwf-tui -> RFC 2217 -> the real ser2net -> RFC 2217 -> a device this test serves
    (pyserial's PortManager): ser2net passes every line change on, and the device records them."""
    calls: list = []

    def serve_one(conn: socket.socket) -> None:
        device = _RecordingDevice(calls, "loop://", timeout=0.05)

        class Writer:
            def write(self, data: bytes) -> None:
                conn.sendall(data)

        try:
            manager = rfc2217.PortManager(device, Writer())
            conn.settimeout(0.05)
            while not server.stopping.is_set():
                try:
                    data = conn.recv(4096)
                except TimeoutError:
                    manager.check_modem_lines()
                    continue
                if not data:
                    break
                device.write(b"".join(manager.filter(data)))
                manager.check_modem_lines()
        except OSError:
            pass  # ser2net hung up (wait_for_port's probe makes it open and close the device)

    # A thread per connection: the probe's connection may linger while the real one comes.
    with TcpServer(serve_one) as server:
        with ser2net(tmp_path, f"telnet(rfc2217),tcp,127.0.0.1,{server.port}") as url:
            yield calls, url


def test_speed_and_modem_lines_cross_ser2net(modem_bench, tmp_path):
    calls, url = modem_bench
    result = run_cli("run", url, "--no-record", "-c", "port baud=9600", "-c", "dtr pulse 100", "-c", "break 50",
                     "-c", "rts off")
    assert result.returncode == 0, result.stdout + result.stderr
    deadline = time.monotonic() + 5
    while ("rts", False) not in calls and time.monotonic() < deadline:
        time.sleep(0.05)
    # In order, after what opening the port did: the speed, the pulse, the BREAK, RTS off.
    expected = iter([("baud", 9600), ("dtr", True), ("dtr", False), ("break", True), ("break", False),
                     ("rts", False)])
    step = next(expected)
    for call in calls:
        if call == step:
            step = next(expected, None)
    assert step is None, calls


# -- item 6: a plain log beside the recording ---------------------------------------------------

def test_repl_log_holds_each_line_while_it_runs(far_end, tmp_path):
    far_end.answers[b"AT+S.STS=fw_version"] = b"AT-S.Var:fw_version=1.1.0\r\nAT-S.OK\r\n"
    log = tmp_path / "bench.log"
    child = spawn("repl", far_end.path, "--no-record", "--log", str(log), "--log-timestamps")
    child.expect("spwf>")
    type_line(child, "AT+S.STS=fw_version")
    child.expect("AT-S.OK")
    text = log.read_text()  # the REPL is still running
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z < AT-S.Var:fw_version=1.1.0$", text, re.MULTILINE)
    assert oct(log.stat().st_mode & 0o777) == "0o600"
    child.send("\x1d")  # Ctrl+]: a Ctrl+D typed while output is printed can be taken by the tty
    child.expect(pexpect.EOF)


def test_a_log_through_a_link_is_refused_before_the_port_opens(far_end, tmp_path):
    (tmp_path / "elsewhere").write_text("")
    (tmp_path / "bench.log").symlink_to(tmp_path / "elsewhere")
    result = run_cli("run", far_end.path, "--no-record", "--log", str(tmp_path / "bench.log"), "-c", "AT")
    assert result.returncode == 2
    assert "symbolic link" in result.stderr and len(result.stderr.splitlines()) == 1
    assert far_end.received() == b""
