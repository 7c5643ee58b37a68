"""Issue 15's display items in a real tmux at 120x40 and 80x24: keys typed, the screen read back.

Each terminal is its own tmux server (``-L``) with ``set-clipboard on``, so an OSC 52 copy lands
in a tmux paste buffer the test can read.
"""

from __future__ import annotations

import shlex
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import require_tool

SPWF_TUI = str(Path(sys.executable).with_name("spwf-tui"))
EXAMPLE = Path(__file__).parent.parent.parent / "recordings" / "seed-tls-20-byte-auth.jsonl"
SIZES = pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])


class Screen:
    """One tmux server running one command at a fixed size."""

    def __init__(self, tmux: str, workdir: Path, width: int, height: int, command: str) -> None:
        self.tmux = tmux
        self.socket = f"spwf-disp-{uuid.uuid4().hex[:8]}"
        config = workdir / f"{self.socket}.conf"
        config.write_text("set -s set-clipboard on\n")
        self._run("-f", str(config), "new-session", "-d", "-x", str(width), "-y", str(height),
                  f"env -u COLUMNS -u LINES TERM=xterm-256color {command}; echo EXITED:$?; sleep 120")

    def _run(self, *args: str) -> str:
        return subprocess.run([self.tmux, "-L", self.socket, *args], capture_output=True, text=True,
                              check=True).stdout

    def keys(self, *keys: str) -> None:
        self._run("send-keys", "-t", "0", *keys)

    def type(self, text: str) -> None:
        self._run("send-keys", "-t", "0", "-l", text)

    def screen(self) -> str:
        return self._run("capture-pane", "-p", "-t", "0")

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen:\n{self.screen()}")

    def wait_gone(self, text: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} still on screen:\n{self.screen()}")

    def send(self, line: str, reply: str) -> str:
        """Type ``line`` in the builder, Enter, and wait for ``reply`` on screen."""
        self.type(line)
        self.keys("Enter")
        return self.wait_for(reply)

    def buffer(self) -> str:
        names = self._run("list-buffers", "-F", "#{buffer_name}").split()
        return self._run("show-buffer", "-b", names[0]) if names else ""

    def kill(self) -> None:
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def tui(tmp_path, isolated_user_dirs):
    tmux = require_tool("tmux")
    if not shutil.which(SPWF_TUI):
        pytest.fail(f"{SPWF_TUI} is not installed (pip install -e .)")
    made: list[Screen] = []

    def start(size: tuple[int, int], arguments: str = "sim://", ready: str = "WiFi Up") -> Screen:
        env = (f"SPWF_TUI_CONFIG={shlex.quote(str(isolated_user_dirs / 'config.toml'))} "
               f"SPWF_TUI_DATA_DIR={shlex.quote(str(isolated_user_dirs / 'data'))}")
        made.append(Screen(tmux, tmp_path, *size, f"env {env} {SPWF_TUI} {arguments}"))
        made[-1].wait_for(ready)
        time.sleep(0.5)  # keys typed while Textual still queries the terminal can be garbled
        return made[-1]

    yield start
    for screen in made:
        screen.kill()


def _quit(term: Screen) -> None:
    term.keys("C-q")
    term.wait_for("EXITED:0")


@SIZES
def test_right_arrow_on_short_rows_then_a_reply_in_view(tui, size):
    term = tui(size)
    term.send("AT", "< AT-S.OK")
    term.keys("F2", "Home")
    term.keys("Right", "Right", "Right", "Right", "Right", "Right", "Right", "Right", "Right", "Right")
    time.sleep(0.5)
    screen = term.screen()
    assert "EXITED" not in screen and "Error" not in screen  # issue 15.1: IndexError, the TUI gone
    term.keys("Escape")
    time.sleep(0.3)  # an ESC followed at once by letters reads as Alt+letter
    # Issue 15.2: the long reply overflows the log; its last lines are on screen, at both sizes.
    screen = term.send("AT+S.STS", "ip_cert_len_dhp=0")
    assert "< AT-S.OK" in term.wait_for("< AT-S.OK")
    _quit(term)


@SIZES
def test_an_explanation_is_read_to_its_end(tui, size):
    with socket.socket() as closed:  # a port nobody listens on: ERROR:74 and its long explanation
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    term = tui(size)
    screen = term.send(f"AT+S.SOCKON=127.0.0.1,{port},,t", "netcat")
    lines = [line for line in screen.splitlines() if line.startswith("│")]
    joined = " ".join(line.strip("│ ").split("││")[0].strip() for line in lines)
    assert "netcat on the server first." in joined
    _quit(term)


@SIZES
def test_escape_from_a_maximized_log_returns_to_the_builder(tui, size):
    term = tui(size)
    term.keys("C-p")
    term.wait_for("Search for commands")
    term.type("Maximize the UART log")
    term.wait_for("Esc restores")
    term.keys("Enter")
    term.wait_gone("Search for commands")
    screen = term.wait_gone("Sockets & module")  # (at 80x24 never there)
    top = next(line for line in screen.splitlines() if "UART log" in line)
    assert top.startswith("╭") and top.rstrip().endswith("╮") and len(top.rstrip()) == size[0]  # whole border
    time.sleep(0.3)
    term.keys("Escape")
    time.sleep(0.3)
    screen = term.send("cAT", "Command not found")  # letters in the builder: c did not toggle ctrl chars
    assert "> cAT" in screen and "ctrl" not in screen.split("UART log", 1)[1].splitlines()[0]
    _quit(term)


@SIZES
def test_f1_lists_the_keys_and_the_footer_shows_the_apps_keys(tui, size):
    term = tui(size)
    screen = term.wait_for("f9 Mark")
    for key in ("f9 Mark", "^o File", "^f Find", "f1 Keys", "f2 Log", "f4 Certs"):
        assert key in screen, screen
    term.keys("F2")
    screen = term.wait_for("w Wrap")
    for key in ("f9 Mark", "^o File", "^f Find", "f1 Keys"):  # the log's keys come first: still room
        assert key in screen, screen
    term.keys("?")
    screen = term.wait_for("Keys (Esc closes)")
    assert "Wrap" in screen and "UART log" in screen
    term.keys("Escape")
    term.wait_gone("Keys (Esc closes)")
    _quit(term)


@SIZES
def test_screenshot_is_saved_in_the_data_directory(tui, size, isolated_user_dirs):
    term = tui(size)
    term.keys("C-p")
    term.wait_for("Search for commands")
    term.type("Screenshot")
    term.wait_for("Save an SVG")
    term.keys("Enter")
    screen = term.wait_for("screenshot saved")
    shots = list((isolated_user_dirs / "data" / "screenshots").glob("*.svg"))
    assert len(shots) == 1 and "Failed" not in screen
    _quit(term)


def test_sockets_table_fits_at_120x40(tui):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        term = tui((120, 40))
        term.send(f"AT+S.SOCKON=127.0.0.1,{port},,t", "AT-S.On:127.0.0.1:0")
        peer, _ = server.accept()
        with peer:
            peer.sendall(b"hello")
            screen = term.wait_for("0 TCP open")
            assert f"127.0.0.1:{port}" in screen
            header = next(line for line in screen.splitlines() if "socket · peer" in line)
            assert "pend" in header and "rd" in header and "wr" in header.split("rd", 1)[1]
            term.wait_for("WIND:55:Pending Data")

            def pending() -> str:
                row = next(line for line in term.screen().splitlines() if "0 TCP open" in line)
                return row.split("0 TCP open", 1)[1].split()[0]

            deadline = time.monotonic() + 5
            while pending() != "5" and time.monotonic() < deadline:
                time.sleep(0.1)
            assert pending() == "5"  # the pending count, in its column
    _quit(term)


def test_copy_the_last_reply_with_osc52_and_clear_the_view(tui, isolated_user_dirs):
    term = tui((120, 40))
    term.send("AT+S.STS=fw_version", "fw_version=1.1.0")
    term.keys("C-y")
    term.wait_for("copied the last reply")
    expected = "AT+S.STS=fw_version\nAT-S.Var:fw_version=1.1.0\nAT-S.OK\n"
    deadline = time.monotonic() + 5
    while term.buffer() != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert term.buffer() == expected  # tmux turned the OSC 52 into its paste buffer
    assert (isolated_user_dirs / "data" / "copied.txt").read_text() == expected
    term.keys("C-l")
    term.wait_gone("fw_version=1.1.0")
    term.wait_for("log view cleared")
    (recording,) = (isolated_user_dirs / "data" / "recordings").glob("*.jsonl")
    assert "fw_version=1.1.0" in recording.read_text()  # the recording keeps everything
    _quit(term)


@SIZES
def test_replay_says_replay_and_lists_its_keys(tui, size):
    term = tui(size, f"replay {shlex.quote(str(EXAMPLE))}", ready="REPLAY")
    term.keys("C-End")
    screen = term.wait_for("REPLAY end at")
    status = screen.splitlines()[0]
    assert "REC" not in status.replace("REPLAY", "")
    term.keys("?")
    screen = term.wait_for("Keys (Esc closes)")  # the overlay (the footer names Play/pause too)
    assert "Play/pause" in screen and "Next mark" in screen and "Faster" in screen
    term.keys("Escape")
    term.wait_gone("Keys (Esc closes)")
    _quit(term)
