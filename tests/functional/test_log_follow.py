"""Home in the UART log stays home while rows keep arriving (the log stops following at once).

Textual starts Home's scroll only after the next refresh, and animates it. Rows that arrived in
between used to find the log still following: its scroll to the end stopped Home's animation
(which jumps to the top), and the jump back to the end made the log follow again, so the user's
Home was undone. The race is made here on purpose, in the order it happens on a loaded machine.
"""

from __future__ import annotations

import time

from textual.app import App, ComposeResult

from spwf_tui.session.log import NOTE, LogEntry
from spwf_tui.ui.widgets.uart_log import REPAINT_INTERVAL, UartLog
from tests.functional.conftest import wait_until


class _LogApp(App):
    def compose(self) -> ComposeResult:
        yield UartLog(id="log")


def _rows(first: int, count: int) -> list[LogEntry]:
    return [LogEntry(100.0 + n, NOTE, f"row {n}") for n in range(first, first + count)]


async def _following_overflowed_log(pilot) -> UartLog:
    """The app's log, focused, holding more rows than it shows, following at the end."""
    log = pilot.app.query_one(UartLog)
    log.focus()
    log.add_entries(_rows(0, 200))
    await wait_until(pilot, lambda: log.max_scroll_y > 0 and log.follow and log.scroll_y == log.max_scroll_y)
    return log


async def test_home_is_not_undone_by_rows_arriving_before_its_scroll_starts():
    app = _LogApp()
    async with app.run_test(size=(80, 24)) as pilot:
        log = await _following_overflowed_log(pilot)
        time.sleep(REPAINT_INTERVAL)  # the next batch is shown at once, not at the next repaint
        log.action_scroll_home()  # the key's action: the scroll itself waits for a refresh
        log.add_entries(_rows(200, 20))  # rows that arrive before it starts
        await wait_until(pilot, lambda: log.scroll_y == 0)
        await pilot.pause()
        assert not log.follow and log.scroll_y == 0
        log.add_entries(_rows(220, 20))  # and more later: still at the top, the rows counted below
        await pilot.pause(2 * REPAINT_INTERVAL)
        assert not log.follow and log.scroll_y == 0
        assert "+40 rows below" in str(log.border_subtitle)


async def test_end_follows_again_after_home():
    app = _LogApp()
    async with app.run_test(size=(80, 24)) as pilot:
        log = await _following_overflowed_log(pilot)
        await pilot.press("home")
        await wait_until(pilot, lambda: log.scroll_y == 0)
        assert not log.follow
        await pilot.press("end")
        await wait_until(pilot, lambda: log.follow and log.scroll_y == log.max_scroll_y)
        log.add_entries(_rows(200, 20))
        await wait_until(pilot, lambda: log.scroll_y == log.max_scroll_y and "row 219" in log.last_row().text)
