"""The TUI's display as a user meets it (issue 15 items 1, 2, 4, 9, 11-15; issue 14.8; issue 13 §1, §9).

Each test drives the app with keys at 120x40 and 80x24 (Pilot) and reads back what the panes
hold; tests/system/test_tui_display_tmux.py does the same in a real tmux.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from spwf_tui.session.recording.reader import read_recording
from spwf_tui.session.recording.replay import ReplaySession
from spwf_tui.session.state import ModuleState, SocketInfo
from spwf_tui.ui.app import SpwfApp
from spwf_tui.ui.screens.keys_help import KeysHelp
from spwf_tui.ui.widgets.command_builder import CommandBuilder
from spwf_tui.ui.widgets.socket_status import SocketStatus, SocketTable
from spwf_tui.ui.widgets.uart_log import UartLog
from tests.functional.conftest import log_text, wait_until

EXAMPLE = Path(__file__).parent.parent.parent / "recordings" / "seed-tls-20-byte-auth.jsonl"
SIZES = pytest.mark.parametrize("size", [(120, 40), (80, 24)])


async def _send(pilot, line: str) -> None:
    pilot.app.query_one(CommandBuilder).set_line(line)
    await pilot.press("enter")


def _screen_rows(log: UartLog) -> list[str]:
    """The log pane's rows as painted (text of each rendered strip)."""
    return [log.render_line(y).text for y in range(log.size.height)]


@SIZES
async def test_right_arrow_past_short_rows_does_not_crash(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await _send(pilot, "AT")
        await wait_until(pilot, lambda: "< AT-S.OK" in log_text(app))
        await pilot.press("f2")
        log = app.query_one(UartLog)
        await pilot.press("home")
        for _ in range(12):  # past "< AT-S.OK" (9 columns) and "# ..." notes
            await pilot.press("right")
        await pilot.pause(0.1)
        assert log.scroll_x > 9
        rows = _screen_rows(log)  # the rows rendered at that offset, short ones blank
        assert all(cell_len(row) == log.size.width for row in rows)
        assert app.is_running


@SIZES
async def test_the_newest_reply_is_in_view_when_the_log_first_overflows(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        log = app.query_one(UartLog)
        await _send(pilot, "AT+S.STS")  # about 70 lines: the log overflows for the first time
        await wait_until(pilot, lambda: "ip_cert_len_dhp" in log_text(app) and "< AT-S.OK" in log_text(app))
        # the view repaints at its own pace: wait until it holds every row, then for the scroll
        await wait_until(pilot, lambda: log.virtual_size.height == len(log.rows()) and log.max_scroll_y > 0
                         and log.scroll_y == log.max_scroll_y)
        assert any(row.strip() == "< AT-S.OK" for row in _screen_rows(log))
        assert log.follow


async def test_end_brings_the_newest_rows_back_into_view(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        log = app.query_one(UartLog)
        await _send(pilot, "AT+S.STS")
        await wait_until(pilot, lambda: "< AT-S.OK" in log_text(app))
        # the first overflow's own scroll to the end (after the layout) must be over, as it is for a person
        await wait_until(pilot, lambda: log.max_scroll_y > 0 and log.follow and log.scroll_y == log.max_scroll_y)
        log.focus()
        await wait_until(pilot, lambda: app.focused is log)  # else Home may still reach the builder
        await pilot.press("home")  # rows still arriving do not undo it (test_log_follow.py)
        await wait_until(pilot, lambda: not log.follow and log.scroll_y == 0)
        await pilot.press("end")
        await wait_until(pilot, lambda: log.follow and log.scroll_y == log.max_scroll_y)


async def test_a_reply_while_another_pane_shows_is_told_in_a_notice(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await _send(pilot, "AT+S.BOGUS")
        await wait_until(pilot, lambda: any("reply: AT-S.ERROR" in str(n.message) for n in app._notifications))


@SIZES
async def test_explanations_wrap_inside_the_pane(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await _send(pilot, "AT+S.SOCKON=127.0.0.1,9,,t")  # nothing listens: ERROR:74, a long explanation
        await wait_until(pilot, lambda: "netcat" in log_text(app))
        log = app.query_one(UartLog)
        width = log.size.width - log.styles.scrollbar_size_vertical
        explanation = [row.text for row in log.rows() if row.style == "explanation"][-3:]
        assert len(explanation) >= 2 and all(cell_len(text) <= width for text in explanation)
        assert "netcat on the server first." in " ".join(t.strip() for t in explanation)


async def test_w_wraps_long_data_rows_and_unwraps_them(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        long = "x" * 200
        await _send(pilot, f'AT+S.SOCKW=0,"{long}"')  # the module echoes the whole line back
        await wait_until(pilot, lambda: long in log_text(app))
        log = app.query_one(UartLog)
        await pilot.press("f2")
        await pilot.press("w")
        await wait_until(pilot, lambda: log.options.wrap)
        assert all(cell_len(row.text) <= log.options.width for row in log.rows())
        assert "wrap" in log.border_subtitle
        await pilot.press("w")
        await wait_until(pilot, lambda: any(long in row.text for row in log.rows()))


async def test_hex_rows_keep_their_ascii_column_in_the_pane(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2", "x", "t")  # hex view, with absolute timestamps: the widest rows
        await _send(pilot, 'AT+S.SOCKW=0,"0123456789abcdefXYZ"')
        await wait_until(pilot, lambda: "> AT+S.SOCKW" in log_text(app))
        log = app.query_one(UartLog)
        hex_rows = [row.text for row in log.rows() if "000000  " in row.text]
        assert hex_rows and all(cell_len(text) <= log.options.width for text in hex_rows)


async def test_escape_returns_to_the_builder_from_a_maximized_log(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        log = app.query_one(UartLog)
        await pilot.press("f2")
        app.screen.maximize(log)
        await pilot.pause(0.1)
        assert app.screen.maximized is log
        await pilot.press("escape")
        assert app.screen.maximized is None
        builder = app.query_one(CommandBuilder).input
        assert app.focused is builder
        await pilot.press(*"cAT")  # letters go to the builder, not to the log's keys
        assert builder.value == "cAT" and not log.options.show_controls


async def test_a_maximized_log_keeps_its_right_border(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.query_one(UartLog)
        app.screen.maximize(log)
        await pilot.pause(0.2)
        assert log.region.right <= app.size.width and log.outer_size.width == app.size.width


@SIZES
async def test_f1_and_question_mark_list_the_focused_panes_keys(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("f2", "question_mark")
        assert isinstance(app.screen, KeysHelp)
        text = str(app.screen.query_one("#keys-help-text").render())
        assert "UART log" in text and "Wrap" in text and "Clear log view" in text and "Everywhere" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, KeysHelp)
        await pilot.press("f3", "f1")
        assert "Sockets" in str(app.screen.query_one("#keys-help-text").render())


async def test_ctrl_l_clears_the_view_and_the_recording_keeps_everything(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _send(pilot, "AT")
        await wait_until(pilot, lambda: "< AT-S.OK" in log_text(app))
        await pilot.press("ctrl+l")
        await pilot.pause(0.1)
        assert log_text(app) == ""
        await _send(pilot, "AT+S.STS=fw_version")
        await wait_until(pilot, lambda: "fw_version=1.1.0" in log_text(app))
        assert "< AT-S.OK" in log_text(app) and "> AT\n" not in log_text(app)


async def test_ctrl_y_copies_the_last_reply_to_the_clipboard_and_a_file(make_app, isolated_user_dirs):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _send(pilot, "AT+S.STS=fw_version")
        await wait_until(pilot, lambda: "< AT-S.OK" in log_text(app))
        await pilot.press("ctrl+y")
        copied = isolated_user_dirs / "data" / "copied.txt"
        assert copied.read_text() == "AT+S.STS=fw_version\nAT-S.Var:fw_version=1.1.0\nAT-S.OK\n"
        assert (copied.stat().st_mode & 0o777) == 0o600
        assert app.clipboard == copied.read_text()
        await pilot.press("f2", "y")  # the rows in view
        assert "> AT+S.STS=fw_version" in copied.read_text()


async def test_screenshot_is_saved_in_the_data_directory_and_says_where(make_app, isolated_user_dirs):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_screenshot()
        await pilot.pause(0.1)
        shots = list((isolated_user_dirs / "data" / "screenshots").glob("*.svg"))
        assert len(shots) == 1 and (shots[0].stat().st_mode & 0o777) == 0o600
        assert any(str(shots[0]) in str(n.message) for n in app._notifications)


@SIZES
async def test_status_line_fits_and_a_replay_says_replay(size):
    replay = ReplaySession(read_recording(EXAMPLE), path=EXAMPLE)
    app = SpwfApp(replay)
    async with app.run_test(size=size) as pilot:
        replay.play(speed=1000)
        await wait_until(pilot, lambda: replay.at_end)
        await pilot.pause(0.2)
        status = str(app.query_one("#status").render())
        assert status.startswith("REPLAY end at") or status.startswith("▶ REPLAY end at")
        assert "REC" not in status.replace("REPLAY", "")
        assert cell_len(status) <= size[0] - 2
        await pilot.press("f1")
        text = str(app.screen.query_one("#keys-help-text").render())
        assert "Play/pause" in text and "Next mark" in text
    replay.close()


async def test_hostile_text_in_the_panes_is_escaped_never_markup(make_app):
    """A peer name or module fact of markup and controls: no crash, no style, shown as escapes."""
    hostile = "[/][link=http://evil.example]L[/link]\x1b]52;c;UFdO\x07\u202e界"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        state = ModuleState()
        state.sockets[0] = SocketInfo(0, host=hostile, port="1", kind="s")
        state.firmware = hostile
        app.query_one(SocketStatus).update_from(state)
        app.session.state.firmware = hostile
        app._refresh_status()
        app.notify(hostile)
        await pilot.pause(0.2)
        cell = str(app.query_one(SocketTable).get_row_at(0)[0])
        assert "[/][link=http://evil.example]" in cell and "\\x1b]52" in cell and "\\u202e" in cell
        status = str(app.query_one("#status").render())
        assert "\x1b" not in status and "\u202e" not in status
        await pilot.press("ctrl+f", "left_square_bracket", "slash", "right_square_bracket", "enter")
        await wait_until(pilot, lambda: any(str(n.message) == "not found: [/]" for n in app._notifications))
        await pilot.pause(0.2)  # the notice is drawn: as text, not as a closing tag
        assert app.is_running


async def test_ctrl_f_finds_in_the_log_highlights_the_match_and_closes_its_bar(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        log = app.query_one(UartLog)
        await _send(pilot, "AT+S.STS")  # about 70 lines: the match scrolls out of view
        await wait_until(pilot, lambda: "ip_cert_len_dhp" in log_text(app) and "< AT-S.OK" in log_text(app))
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: app.focused is log.find_bar)
        assert log.find_bar.has_class("-visible") and log.find_bar.display
        log.find_bar.value = "FW_VERSION"  # case does not matter
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.focused is log and not log.find_bar.display)
        assert not log.follow
        await wait_until(pilot, lambda: any("fw_version" in text for text in _screen_rows(log)))
        rows = _screen_rows(log)
        at = next(y for y, text in enumerate(rows) if "fw_version" in text)
        match = [segment for segment in log.render_line(at) if segment.text == "fw_version"]
        assert match and match[0].style.reverse  # the match's component style
        await pilot.press("escape")  # Esc: back to the builder, the bar stays closed
        assert app.focused is app.query_one(CommandBuilder).input and not log.find_bar.display


async def test_log_rows_take_their_colours_from_the_component_classes(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        log = app.query_one(UartLog)
        await _send(pilot, "AT")
        await wait_until(pilot, lambda: any(text.startswith("< AT-S.OK") for text in _screen_rows(log)))
        rows = _screen_rows(log)
        sent = log.render_line(next(y for y, text in enumerate(rows) if text.startswith("> AT ")))
        ok = log.render_line(next(y for y, text in enumerate(rows) if text.startswith("< AT-S.OK")))
        assert sent.text.startswith("> AT") and ok.text.startswith("< AT-S.OK")
        tx_style = log.get_component_rich_style("uart-log--tx", partial=True)
        ok_style = log.get_component_rich_style("uart-log--ok", partial=True)
        assert tx_style.bold and tx_style.color is not None and ok_style.color is not None
        first_sent, first_ok = next(iter(sent)), next(iter(ok))
        assert first_sent.style.color == tx_style.color and first_sent.style.bold
        assert first_ok.style.color == ok_style.color
        assert first_sent.style.bgcolor == log.rich_style.bgcolor  # the pane's background under the text


async def test_the_last_line_of_a_flood_is_on_screen_once_it_stops(make_app):
    """A flood repaints the log seldom (docs/architecture.md §6.1); the view still ends on its last line."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.query_one(UartLog)
        for batch in range(30):  # more than two panes of rows per repaint: the flood's pace
            app.session.data_received(b"".join(b"+WIND:55:Pending Data:0:%d:%d\r\n" % (batch, n) for n in range(60)))
            await pilot.pause(0.02)
        app.session.data_received(b"END OF FLOOD\r\n")
        await wait_until(pilot, lambda: any("< END OF FLOOD" in text for text in _screen_rows(log)))
        assert log.follow and log.scroll_y == log.max_scroll_y
