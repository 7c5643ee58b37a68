"""The UART pane makes rows only for what it shows: what it shows is what ``rows_for`` makes."""

from __future__ import annotations

from textual.app import App, ComposeResult

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.session.log import RX, LogEntry
from spwf_tui.ui import widgets
from spwf_tui.ui.log_rows import ViewOptions, rows_for
from spwf_tui.ui.widgets.uart_log import UartLog

STREAM = (b"+WIND:55:Pending Data::0:6:6\r\nAT+S.SOCKR=0,6\r\nAT-S.Reading:6:6\r\nab\r\n\x00\xffAT-S.OK\r\n"
          b"AT-S.ERROR:74:Failed to open socket\r\n")


class _LogApp(App):
    def compose(self) -> ComposeResult:
        yield UartLog(id="log")


def _entries(count: int) -> list[LogEntry]:
    events = [e for _ in range(count) for e in RxDecoder().feed(STREAM)]
    return [LogEntry(100.0 + i, RX, e.text, e, "why" if e.kind == "error" else None) for i, e in enumerate(events)]


def _expected(entries: list[LogEntry], options: ViewOptions, keep: int = 40) -> list[str]:
    """The rows of the last ``keep`` entries (the forgotten ones still feed the delta stamps)."""
    rows, previous = [], None
    for index, entry in enumerate(entries):
        if index >= len(entries) - keep:
            rows += [row.text for row in rows_for(entry, options, previous)]
        previous = entry.time
    return rows


async def test_rows_match_rows_for_in_batches_after_trimming_and_option_changes(monkeypatch):
    monkeypatch.setattr(widgets.uart_log, "MAX_ENTRIES", 40)
    app = _LogApp()
    async with app.run_test(size=(100, 20)) as pilot:
        log = app.query_one(UartLog)
        entries = _entries(12)  # 72 entries: the first ones are forgotten
        for start in range(0, len(entries), 10):
            log.add_entries(entries[start:start + 10])
            expected = _expected(entries[:start + 10], log.options)
            assert [row.text for row in log.rows()] == expected
            assert log.last_row().text == expected[-1]
        await pilot.pause()
        log.focus()
        for key in ("t", "t", "x", "c"):  # delta timestamps, then hex and control characters
            await pilot.press(key)
            assert [row.text for row in log.rows()] == _expected(entries, log.options)
        assert log.virtual_size.height == len(log.rows())
