"""Fixtures the system tests share: the emulated module on a pty, and the front ends in tmux."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.system.helpers import SimProcess
from tests.system.tmux_driver import SPWF_TUI, Tmux, shell_command


def _running_sim(directory: Path) -> Iterator[SimProcess]:
    process = SimProcess(directory / "ttySIM", directory / "host-to-module.bin").start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def sim(tmp_path) -> Iterator[SimProcess]:
    """``spwf-tui sim --pty`` at ``tmp_path/ttySIM``; ``sim.received()`` is every byte it got."""
    yield from _running_sim(tmp_path)


@pytest.fixture(scope="module")
def module_sim(tmp_path_factory) -> Iterator[SimProcess]:
    """One emulated module for a whole test file (for tests that only read its trace's tail)."""
    yield from _running_sim(tmp_path_factory.mktemp("sim"))


@pytest.fixture
def joined_lab(tmp_path):
    """The emulated module in the lab world (``test_sim_world.LAB_WORLD``), reset and joined: its
    whole boot went by and Wi-Fi is up."""
    from tests.system.test_sim_world import LAB_WORLD, World

    world = World(tmp_path, LAB_WORLD)
    try:
        world.restart()
        world.host.recv(rb"\+WIND:24:WiFi Up:0:192\.168\.1\.50", timeout=20)
        yield world
    finally:
        world.stop()


@pytest.fixture
def tmux_session():
    """``tmux_session(command, width, height, **options)``: a ``Tmux`` running a shell command;
    every server started is killed after the test."""
    tmux = require_tool("tmux")
    started: list[Tmux] = []

    def start(command: str, width: int = 120, height: int = 40, **options) -> Tmux:
        started.append(Tmux(command, width, height, tmux=tmux, **options))
        return started[-1]

    yield start
    for term in started:
        term.kill()


@pytest.fixture
def spwf_tmux(tmux_session, isolated_user_dirs, tmp_path):
    """``spwf_tmux(*args, width=120, height=40, cwd=tmp_path, env={}, program=SPWF_TUI, **options)``:
    the installed ``spwf-tui ARGS`` in tmux, with this test's own config and data directories;
    the pane prints ``EXITED:<status>`` when it ends."""
    if not shutil.which(SPWF_TUI):
        pytest.fail(f"{SPWF_TUI} is not installed (pip install -e .)")

    def start(*args: str, width: int = 120, height: int = 40, cwd: Path | None = None,
              env: dict[str, str] | None = None, program: str = SPWF_TUI, **options) -> Tmux:
        settings = {"SPWF_TUI_CONFIG": str(isolated_user_dirs / "config.toml"),
                    "SPWF_TUI_DATA_DIR": str(isolated_user_dirs / "data"), **(env or {})}
        command = shell_command(program, *args, env=settings, cwd=cwd or tmp_path)
        return tmux_session(command, width, height, **options)

    return start
