"""The installed TUI in a real tmux: panes on screen, a command round trip, a clean exit."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import require_tool

SPWF_TUI = str(Path(sys.executable).with_name("spwf-tui"))


class Tmux:
    """One detached tmux session running a command, on its own server socket."""

    def __init__(self, tmux: str, width: int, height: int, command: str) -> None:
        self.tmux = tmux
        self.socket = f"spwf-test-{uuid.uuid4().hex[:8]}"
        self._run("new-session", "-d", "-x", str(width), "-y", str(height), command)

    def _run(self, *args: str) -> str:
        return subprocess.run([self.tmux, "-L", self.socket, *args], capture_output=True, text=True,
                              check=True).stdout

    def keys(self, *keys: str) -> None:
        self._run("send-keys", "-t", "0", *keys)

    def type(self, text: str) -> None:
        self._run("send-keys", "-t", "0", "-l", text)

    def settle(self, ready_text: str) -> None:
        """Wait for ``ready_text``, then a moment: keys typed while Textual is still exchanging
        start-up queries with the terminal can be garbled (seen once in 3 runs)."""
        self.wait_for(ready_text)
        time.sleep(0.5)

    def screen(self) -> str:
        return self._run("capture-pane", "-p", "-t", "0")

    def wait_for(self, text: str, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen:\n{self.screen()}")

    def resize(self, width: int, height: int) -> None:
        self._run("resize-window", "-t", "0", "-x", str(width), "-y", str(height))

    def kill(self) -> None:
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def tmux_factory(tmp_path, isolated_user_dirs):
    tmux = require_tool("tmux")
    if not shutil.which(SPWF_TUI):
        pytest.fail(f"{SPWF_TUI} is not installed (pip install -e .)")
    sessions = []

    def start(width: int, height: int) -> Tmux:
        env = f"SPWF_TUI_CONFIG={isolated_user_dirs}/config.toml SPWF_TUI_DATA_DIR={isolated_user_dirs}/data"
        # COLUMNS/LINES can leak in from the test runner and would pin the size at 80x24.
        command = f"env -u COLUMNS -u LINES TERM=xterm-256color {env} {SPWF_TUI} sim://; echo EXITED:$?; sleep 60"
        session = Tmux(tmux, width, height, command)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.kill()


def test_wide_screen_shows_all_panes_and_a_round_trip(tmux_factory):
    term = tmux_factory(120, 40)
    term.settle("WiFi Up")
    screen = term.wait_for("Certificate inspector")  # the first frame may come before the resize
    for pane in ("UART log", "Sockets & module", "Certificate inspector"):
        assert pane in screen
    term.type("AT+S.STS=fw_version")
    term.keys("Enter")
    screen = term.wait_for("AT-S.Var:fw_version=1.1.0")
    assert "> AT+S.STS=fw_version" in screen
    term.keys("C-]")
    screen = term.wait_for("EXITED:0")
    assert "UART log" not in screen  # the alternate screen is gone: terminal restored


def test_small_screen_switches_panes_and_completes(tmux_factory):
    term = tmux_factory(80, 24)
    term.settle("WiFi Up")
    term.type("AT+S.SOCKO")
    term.wait_for("AT+S.SOCKO")
    term.keys("Tab")
    term.wait_for("AT+S.SOCKON=<host>")  # the hint line shows the syntax once completed
    term.keys("F3")
    assert "Sockets & module" in term.wait_for("TLS: CA:?")  # unknown until the module says
    term.keys("F4")
    term.wait_for("Certificate inspector")
    term.keys("F2")
    term.wait_for("UART log")
    term.keys("C-q")
    term.wait_for("EXITED:0")


def test_resize_redraws_from_one_pane_to_four(tmux_factory):
    term = tmux_factory(80, 24)
    screen = term.wait_for("WiFi Up")
    assert "Certificate inspector" not in screen
    term.resize(120, 40)
    screen = term.wait_for("Certificate inspector")
    assert "Sockets & module" in screen and "UART log" in screen
    term.resize(80, 24)
    deadline = time.monotonic() + 10
    while "Certificate inspector" in term.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Certificate inspector" not in term.screen()
    term.keys("C-q")
    term.wait_for("EXITED:0")
