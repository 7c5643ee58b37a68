"""Issue 14 items 4 and 5 in the TUI: the port settings dialog (F7), BREAK (Shift+F8) and a DTR pulse
(F8) against the in-process emulated module, wired to reset by DTR."""

from __future__ import annotations

import pytest

from spwf_tui.session.session import Session
from spwf_tui.transport.base import Transport
from spwf_tui.transport.settings import PortSettings
from spwf_tui.ui.app import SpwfApp
from tests.functional.conftest import log_text, wait_until


@pytest.fixture
def reset_wired_session():
    session = Session(PortSettings("sim://?boot_delay=0&reset_line=dtr"))
    session.open()
    yield session
    session.close()


async def test_f7_changes_the_port_settings_and_esc_changes_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "PortDialog")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ != "PortDialog")
        assert "port settings" not in log_text(app)
        await pilot.press("f7")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "PortDialog")
        field = app.screen.query_one("#port-input")
        assert field.value == "baud=115200 bytesize=8 parity=N stopbits=1 rtscts=off xonxoff=off"
        field.value = "baud=fast"
        await pilot.pause()
        assert "not a number" in str(app.screen.query_one("#port-status").render())
        field.value = "baud=921600 parity=E"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "# port settings 115200 8N1 -> 921600 8E1" in log_text(app))
        await wait_until(pilot, lambda: "921600 8E1" in str(app.query_one("#status").render()))


async def test_f8_pulses_dtr_and_resets_a_module_wired_to_it(reset_wired_session):
    app = SpwfApp(reset_wired_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "WIND:32:WiFi Hardware Started" in log_text(app))
        before = log_text(app).count("< +WIND:1:Poweron")
        await pilot.press("f8")
        await wait_until(pilot, lambda: "# DTR pulse of 100 ms" in log_text(app))
        await wait_until(pilot, lambda: log_text(app).count("< +WIND:1:Poweron") == before + 1)
        await pilot.press("shift+f8")
        await wait_until(pilot, lambda: "# sent BREAK for 250 ms" in log_text(app))
        assert "CTS" not in str(app.query_one("#status").render())  # the emulator has no input lines


class _AdapterWithLines(Transport):
    """A port that reports its input lines as a USB adapter does (the real ones: ptys have none)."""
    route = None  # transport.base.Transport: no endpoint other than its name

    def open(self) -> None: ...
    def close(self) -> None: ...
    def write(self, data: bytes) -> int: return len(data)
    def apply_settings(self, settings: PortSettings) -> None: ...
    def set_line(self, line: str, on: bool) -> None: ...
    def send_break(self, seconds: float) -> None: ...
    def modem_lines(self) -> dict[str, bool]:
        return {"cts": True, "dsr": False, "ri": False, "cd": True}


async def test_the_status_line_shows_the_modem_lines_a_port_reports():
    session = Session(PortSettings("/dev/ttyUSB9"), transport=_AdapterWithLines())
    session.open()
    try:
        app = SpwfApp(session)
        async with app.run_test(size=(160, 40)) as pilot:
            await wait_until(pilot, lambda: "CTS● DSR○ RI○ CD●" in str(app.query_one("#status").render()))
    finally:
        session.close()
