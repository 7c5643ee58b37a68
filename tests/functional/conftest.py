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


BOOT_DONE = "+WIND:24:WiFi Up::"
"""The emulated module's last boot line with factory settings (the IPv6 WiFi Up, after the IPv4 one)."""


def _booted(session: Session):
    with session:
        done = session.wait_for_event(lambda event: event.text.startswith(BOOT_DONE), timeout=30, since=-1)
        assert done is not None and session.state.ip_address is not None, "the emulated module did not boot"
        yield session


@pytest.fixture
def make_app(booted_session):
    def factory() -> SpwfApp:
        return build_app(booted_session, Config())  # the CLI's factory, with the built-in defaults
    return factory


async def wait_until(pilot, predicate, timeout: float = 30.0) -> None:
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
