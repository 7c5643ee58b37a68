"""The CLI on a real pty driven by pexpect: the REPL (and anything else that talks to a person).

prompt-toolkit asks the terminal where its cursor is; a pexpect pty never answers, so the
REPL is told not to ask (``PROMPT_TOOLKIT_NO_CPR``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pexpect

from tests.system.helpers import CLI

PROMPT = "spwf>"
CTRL_RIGHT_BRACKET = "\x1d"
"""Leaves the REPL (as Ctrl+D on an empty line does: ``\\x04``)."""

EXPECT_TIMEOUT = 30
"""Seconds an ``expect`` waits: it returns as soon as the text comes, so this only bounds a failure."""


def spawn_cli(*args: str, width: int = 100, cwd: Path | None = None, term: str = "xterm-256color",
              env: dict[str, str] | None = None) -> pexpect.spawn:
    """``spwf-tui ARGS`` on a fresh pty of 24 rows and ``width`` columns; nothing awaited yet."""
    environment = {**os.environ, "TERM": term, "PROMPT_TOOLKIT_NO_CPR": "1", **(env or {})}
    return pexpect.spawn(CLI[0], [*CLI[1:], *args], env=environment, encoding="utf-8", timeout=EXPECT_TIMEOUT,
                         dimensions=(24, width), cwd=str(cwd) if cwd else None)


def spawn_repl(port: str, *args: str, **options) -> pexpect.spawn:
    """``spwf-tui repl PORT ARGS`` (options as ``spawn_cli``), once its prompt is up."""
    child = spawn_cli("repl", str(port), *args, **options)
    child.expect(PROMPT)
    return child


def quit_with(child: pexpect.spawn, keys: str) -> int:
    """Send ``keys`` (say ``CTRL_RIGHT_BRACKET``), wait for the end; the exit status."""
    child.send(keys)
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus
