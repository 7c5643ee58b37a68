"""Fixtures for Pilot tests: the app on a session with the in-process emulated module."""

from __future__ import annotations

import asyncio
import time

import pytest

from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings
from spwf_tui.config import Config
from spwf_tui.ui.app import SpwfApp
from spwf_tui.ui.factory import build_app


FIXED_HOST_TIME = 1_795_780_800.0
"""2026-11-27 12:00:00 UTC: snapshots must not show the real clock."""


@pytest.fixture
def booted_session():
    """A session on sim:// whose boot (and emulated Wi-Fi join) has completed."""
    yield from _booted(Session(PortSettings("sim://?boot_delay=0")))


@pytest.fixture
def fixed_clock_session():
    """Like ``booted_session`` with the host clock frozen (for snapshots)."""
    yield from _booted(Session(PortSettings("sim://?boot_delay=0"), clock=lambda: FIXED_HOST_TIME))


def _booted(session: Session):
    with session:
        deadline = time.monotonic() + 10
        while session.state.ip_address is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)  # the IPv6 WIND follows the IPv4 one
        yield session


@pytest.fixture
def make_app(booted_session):
    def factory() -> SpwfApp:
        return build_app(booted_session, Config())  # the CLI's factory, with the built-in defaults
    return factory


async def wait_until(pilot, predicate, timeout: float = 10.0) -> None:
    """Let the app run until ``predicate()`` holds (fails the test after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.05)
        await asyncio.sleep(0)


def log_text(app: SpwfApp) -> str:
    from spwf_tui.ui.widgets.uart_log import UartLog

    return "\n".join(row.text for row in app.query_one(UartLog).rows())
