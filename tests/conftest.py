"""Shared test fixtures: isolation from the user's own config and data, system-tool checks, and
a fake board on a pty with sessions opened on it (closed and unplugged after the test)."""

from __future__ import annotations

import os
import shutil

import pytest

from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings
from tests.support.pty_streamer import PtyStreamer

REQUIRE_TOOLS_ENV = "SPWF_TUI_REQUIRE_SYSTEM_TOOLS"
"""Set by .ci/run: a missing system tool fails the test instead of skipping it."""

NO_RERUNS_ENV = "SPWF_TUI_NO_RERUNS"
"""Set it to see the first failure of a timing-bound test instead of its reruns."""

RERUN_DIRS = ("system", "functional")
"""Tests that drive real terminals, ptys, servers and the Textual pilot against wall-clock waits.
On a loaded machine (CI shares two cores) a wait can run out although the behaviour is right, so a
failure there runs again, at most twice, and the summary lists it as a rerun (``R``). A test that
is broken fails all three runs; unit tests never rerun."""


def pytest_collection_modifyitems(config, items):
    if os.environ.get(NO_RERUNS_ENV):
        return
    tests_root = config.rootpath / "tests"
    for item in items:
        try:
            area = item.path.relative_to(tests_root).parts[0]
        except ValueError:
            continue
        if area in RERUN_DIRS and item.get_closest_marker("flaky") is None:
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=2))


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Never read the developer's config or write into their data directory."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("SPWF_TUI_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("SPWF_TUI_DATA_DIR", str(home / "data"))
    return home


def require_tool(name: str) -> str:
    """The path of system tool ``name``; skips (or fails under CI) when it is missing."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install {name})"
        if os.environ.get(REQUIRE_TOOLS_ENV):
            pytest.fail(f"{message}; .ci/run requires every system tool")
        pytest.skip(message)
    return path


@pytest.fixture
def board(tmp_path):
    """``board(**options)``: a ``PtyStreamer`` plugged in at ``tmp_path/ttyBOARD``."""
    made: list[PtyStreamer] = []

    def plug(**options) -> PtyStreamer:
        streamer = PtyStreamer(tmp_path / "ttyBOARD", **options)
        streamer.plug()
        made.append(streamer)
        return streamer

    yield plug
    for streamer in made:
        streamer.unplug()


@pytest.fixture
def open_session():
    """``open_session(port, **session_options)``: an open ``Session`` on ``port``."""
    sessions: list[Session] = []

    def opener(port, **options) -> Session:
        session = Session(PortSettings(str(port)), **options)
        session.open()
        sessions.append(session)
        return session

    yield opener
    for session in sessions:
        session.close()
