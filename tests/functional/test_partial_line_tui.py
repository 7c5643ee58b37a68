"""Issue 14 item 1 in the TUI: a prompt with no line end shows at once in the log, and the whole
line takes its place when the rest arrives. The module is the test, on the far end of a pty."""

from __future__ import annotations

import pytest

from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings
from spwf_tui.ui.app import SpwfApp
from spwf_tui.ui.widgets.command_builder import CommandBuilder
from tests.functional.conftest import log_text, wait_until
from tests.support.far_end import FarEnd


@pytest.fixture
def far_end():
    far = FarEnd({b"AT+S.PYTHON": b"AT-S.OK\r\n\r\nMicroPython v1.9\r\n>>> "})
    yield far
    far.close()


async def test_a_prompt_shows_and_is_completed_in_place(far_end):
    session = Session(PortSettings(far_end.path), reconnect=False)
    session.open()
    try:
        app = SpwfApp(session)
        async with app.run_test(size=(120, 40)) as pilot:
            app.query_one(CommandBuilder).set_line("AT+S.PYTHON")
            await pilot.press("enter")
            await wait_until(pilot, lambda: log_text(app).endswith("< >>> "))
            far_end.write(b"print(1)\r\n1\r\n>>> ")
            await wait_until(pilot, lambda: "< >>> print(1)" in log_text(app) and "< 1" in log_text(app))
            rows = log_text(app).splitlines()
            assert rows[-3:] == ["< >>> print(1)", "< 1", "< >>> "]
            assert sum(row.startswith("< >>>") for row in rows) == 2  # the first prompt was replaced
    finally:
        session.close()
