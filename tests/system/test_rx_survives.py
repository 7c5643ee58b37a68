"""Issue 13 §2 end to end: one hostile line from the module no longer deafens ``run`` or the TUI,
and a crash of the TUI is not a clean exit.

``run`` and the TUI are real subprocesses on a pty whose other end is a scripted board
(``PtyStreamer``): it answers the first command with the issue's line, the next one with OK.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.system.helpers import run_cli
from tests.system.tmux_driver import SPWF_TUI, Tmux

HUGE = "9" * 5000


class Board:
    """Echo, then the canned reply for a line (else ``AT-S.OK``): a module that answers."""

    def __init__(self, canned: dict[bytes, bytes]) -> None:
        self.canned = canned

    def __call__(self, line: bytes) -> bytes:
        return line + b"\r\n" + self.canned.get(line, b"AT-S.OK\r\n")


ISSUE_LINES = [
    pytest.param("AT+S.SOCKON=192.0.2.1,80,NULL,t", "AT-S.On:192.0.2.1:²\r\nAT-S.OK\r\n", id="SOCKON superscript"),
    pytest.param("AT+S.STS", "+WIND:58:Socket Closed:²:0\r\nAT-S.OK\r\n", id="WIND 58 superscript"),
    pytest.param("AT+S.STS", f"AT-S.ERROR:{HUGE}:x\r\n", id="ERROR 5000 digits"),
    pytest.param("AT+S.STS", f"+WIND:{HUGE}:x\r\nAT-S.OK\r\n", id="WIND 5000 digits"),
    pytest.param("AT+S.STS", f"AT-S.Certificate Error:{HUGE}\r\nAT-S.ERROR:74:x\r\n", id="Certificate Error 5000"),
    pytest.param("AT+S.SOCKR=0,", f"AT-S.Reading:{HUGE}:1\r\nAT-S.OK\r\n", id="Reading 5000 digits"),
    pytest.param("AT+S.TIME", "AT-S.Date:99.13.01:00\r\nAT-S.Time:10.10.10\r\nAT-S.OK\r\n", id="Date 99.13.01"),
    pytest.param("AT+S.TIME=100000000000000000000", "AT-S.OK\r\n", id="TIME 1e20 OK"),
]


@pytest.mark.parametrize(("command", "reply"), ISSUE_LINES)
def test_run_hears_the_next_reply_after_a_hostile_line(board, command, reply):
    pty = board(stream=False, answer=Board({command.encode(): reply.encode()}))
    result = run_cli("run", str(pty.link), "--no-record", "--keep-going", "--timeout", "4",
                     "-c", command, "-c", "AT+S.STS=fw_version", timeout=60)
    assert "Traceback" not in result.stderr, result.stderr
    assert "no final reply" not in result.stdout + result.stderr
    assert "internal error" not in result.stdout  # the numbers themselves are handled, not contained
    assert result.stdout.splitlines()[-1] == "< AT-S.OK", result.stdout[-500:]
    assert pty.lines[-1] == b"AT+S.STS=fw_version"


# -- the TUI in tmux ------------------------------------------------------------------------------


@pytest.fixture
def tui(spwf_tmux):
    """``tui(*args, program=SPWF_TUI)`` in a 120x40 tmux; the screen includes 200 lines above it,
    where a traceback scrolls to."""
    def start(*args: str, program: str = SPWF_TUI) -> Tmux:
        return spwf_tmux(*args, program=program, scrollback=200)

    return start


def test_the_tui_lives_on_after_time_beyond_32_bits_is_answered_ok(board, tui):
    # Before: OverflowError in the status line's clock; the TUI vanished with exit status 0.
    pty = board(stream=False, answer=Board({}))
    term = tui(str(pty.link), "--no-record")
    term.ready_for_keys("UART log")
    term.type_line("AT+S.TIME=100000000000000000000")
    term.wait_for("< AT-S.OK")
    term.type_line("AT+S.STS=fw_version")
    screen = term.wait_for("< AT+S.STS=fw_version")  # the board's echo: the TUI still hears
    assert "EXITED" not in screen and "clock: unknown" in screen
    term.keys("C-q")
    assert "EXITED:0" in term.wait_for("EXITED:")


CRASHING_TUI = (
    "import sys; from spwf_tui.ui import app; "
    "app.SpwfApp._status_facts = lambda self: 1 / 0; "  # a bug in the status line, as OverflowError was
    "from spwf_tui.cli import main; sys.exit(main(sys.argv[1:]))"
)


def test_a_crash_of_the_tui_exits_non_zero(tui):
    term = tui("-c", CRASHING_TUI, "sim://", "--no-record", program=sys.executable)
    screen = term.wait_for("EXITED:")
    assert "ZeroDivisionError" in screen
    assert "EXITED:1" in screen


# -- the last line of defence, on the real reader thread -------------------------------------------

BUGGY_RUN = (
    "import sys; from spwf_tui.session import state; "
    "apply = state.ModuleState.apply; "
    "state.ModuleState.apply = lambda self, event, line: "
    "apply(self, event, line) if event.text != 'AT-S.Var:bug=1' else 1 / 0; "  # a bug some line hits
    "from spwf_tui.cli import main; sys.exit(main(sys.argv[1:]))"
)


def test_a_bug_on_received_bytes_is_one_note_and_run_goes_on(board, tmp_path):
    from spwf_tui.session.recording.reader import read_recording

    pty = board(stream=False, answer=Board({b"AT+S.GCFG=bug": b"AT-S.Var:bug=1\r\nAT-S.OK\r\n"}))
    recording = tmp_path / "bug.jsonl"
    result = subprocess.run([sys.executable, "-c", BUGGY_RUN, "run", str(pty.link), "--record", str(recording),
                             "--keep-going", "--timeout", "3", "-c", "AT+S.GCFG=bug", "-c", "AT+S.STS=fw_version"],
                            capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    notes = [line for line in result.stdout.splitlines() if line.startswith("# internal error")]
    assert len(notes) == 1, result.stdout
    assert notes[0].startswith("# internal error decoding the module's output: ZeroDivisionError: division by zero at ")
    assert notes[0].endswith("; bytes kept in the recording; reading goes on")
    assert result.stdout.splitlines()[-1] == "< AT-S.OK"  # the second command's reply was heard
    assert pty.lines[-1] == b"AT+S.STS=fw_version"
    received = b"".join(event.data for event in read_recording(recording).events if event.dir == "rx")
    assert b"AT-S.Var:bug=1\r\n" in received


CRASHING_PICKER = (
    "import sys; from spwf_tui.ui import port_picker; "
    "port_picker.PortPickerApp.compose = lambda self: iter([1 / 0]); "
    "from spwf_tui.cli import main; sys.exit(main(sys.argv[1:]))"
)


def test_a_crash_of_the_port_picker_exits_non_zero(tui):
    term = tui("-c", CRASHING_PICKER, program=sys.executable)  # no port given: the picker comes first
    screen = term.wait_for("EXITED:")
    assert "ZeroDivisionError" in screen and "EXITED:1" in screen
