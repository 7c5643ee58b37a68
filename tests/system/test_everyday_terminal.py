"""Issue 14 (items 1, 4, 5, 6): the CLI as a subprocess against a pty whose far end is the test,
which answers like the module and checks the bytes and the line settings (termios) the host set."""

from __future__ import annotations

import os
import re

import pexpect
import pytest

from tests.support.far_end import FarEnd
from tests.system.helpers import CLI, run_cli

PYTHON_ANSWER = b"AT-S.OK\r\n\r\nMicroPython v1.9\r\n>>> "


@pytest.fixture
def far_end():
    far = FarEnd()
    yield far
    far.close()


def spawn(*args: str) -> pexpect.spawn:
    env = {**os.environ, "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1"}
    return pexpect.spawn(CLI[0], [*CLI[1:], *args], env=env, encoding="utf-8", timeout=15,
                         dimensions=(24, 100))


# -- item 1: lines without a line end ----------------------------------------------------------

def test_repl_shows_a_prompt_above_its_own_and_completes_it_in_place(far_end):
    far_end.answers[b"AT+S.PYTHON"] = PYTHON_ANSWER
    child = spawn("repl", far_end.path, "--no-record")
    child.expect("spwf>")
    child.send("AT+S.PYTHON\r")
    far_end.wait_received(b"AT+S.PYTHON\r")
    # The module's prompt has no line end: it is drawn on the line above the REPL's prompt.
    child.expect(r"< >>>(\x1b\[[0-9;?]*[A-Za-z]|\s)*spwf>")
    far_end.write(b"print(1)\r\n1\r\n")
    child.expect(r"< >>> print\(1\)")
    child.expect("< 1")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)


def test_run_prints_the_line_still_arriving_at_the_end_of_the_step(far_end):
    far_end.answers[b"AT+S.PYTHON"] = PYTHON_ANSWER
    result = run_cli("run", far_end.path, "--no-record", "-c", "AT+S.PYTHON", "-c", "sleep 0.3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines.count("< >>>   [no line end yet]") == 1, result.stdout
    assert lines.index("< >>>   [no line end yet]") == lines.index("< MicroPython v1.9") + 1
