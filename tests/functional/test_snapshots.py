"""Snapshots of the main screen (120x40, 80x24) and of the inspector on the seed's CA.

Deterministic by construction: boot output is drained before the app starts, the module clock is
never set (the status line would tick), and the cursor does not blink.
"""

from __future__ import annotations

from pathlib import Path

from spwf_tui.config import Config
from spwf_tui.ui.app import SpwfApp
from spwf_tui.ui.factory import build_app
from spwf_tui.ui.widgets.command_builder import CommandBuilder
from tests.functional.conftest import log_text, wait_until

ROOT = Path(__file__).parent.parent.parent


def _quiet_app(session) -> SpwfApp:
    session.entries.drain()  # boot lines arrive in a racy order relative to the "opened" note
    return build_app(session, Config())  # as the CLI builds it, with the built-in defaults


async def _common(pilot) -> None:
    app = pilot.app
    app.query_one(CommandBuilder).input.cursor_blink = False
    app.query_one("#cert-path").cursor_blink = False
    for line in ("AT+S.GCFG=console_echo", "AT+S.STS=fw_version", "AT+S.BOGUS"):
        app.query_one(CommandBuilder).set_line(line)
        await pilot.press("enter")
    await wait_until(pilot, lambda: "Command not found" in log_text(app))
    await pilot.pause(0.2)


def test_main_screen_120x40(snap_compare, fixed_clock_session):
    assert snap_compare(_quiet_app(fixed_clock_session), terminal_size=(120, 40), run_before=_common)


def test_main_screen_80x24(snap_compare, fixed_clock_session):
    assert snap_compare(_quiet_app(fixed_clock_session), terminal_size=(80, 24), run_before=_common)


def test_inspector_on_the_expired_seed_ca(snap_compare, fixed_clock_session, monkeypatch):
    monkeypatch.chdir(ROOT)

    async def inspect(pilot) -> None:
        await _common(pilot)
        field = pilot.app.query_one("#cert-path")
        field.value = "tests/data/seed_ca_cert.pem"
        field.focus()
        await pilot.press("enter")
        report = str(pilot.app.query_one("#cert-report").render())
        assert "expired 2026-05-13" in report
        await pilot.pause(0.2)

    assert snap_compare(_quiet_app(fixed_clock_session), terminal_size=(120, 40), run_before=inspect)


def test_keys_help_over_the_log_80x24(snap_compare, fixed_clock_session):
    async def help_over_the_log(pilot) -> None:
        await _common(pilot)
        await pilot.press("f2", "f1")
        await pilot.pause(0.2)

    assert snap_compare(_quiet_app(fixed_clock_session), terminal_size=(80, 24), run_before=help_over_the_log)


def test_wrapped_log_and_two_row_footer_80x24(snap_compare, fixed_clock_session):
    async def wrapped(pilot) -> None:
        await _common(pilot)
        pilot.app.query_one(CommandBuilder).set_line('AT+S.SOCKW=0,"' + "wrapped data " * 12 + '"')
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Illegal Socket ID" in log_text(pilot.app))
        await pilot.press("f2", "w")
        await pilot.pause(0.2)

    assert snap_compare(_quiet_app(fixed_clock_session), terminal_size=(80, 24), run_before=wrapped)
