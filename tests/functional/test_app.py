"""Pilot tests of the TUI against the emulated module (and a real openssl s_server)."""

from __future__ import annotations

import re
import time
from pathlib import Path

from spwf_tui.ui.widgets.command_builder import CommandBuilder
from spwf_tui.ui.widgets.socket_status import PENDING_COLUMN, SocketTable
from tests.functional.conftest import log_text, wait_until
from tests.system.helpers import tls_peer

DATA = Path(__file__).parent.parent / "data"


async def _type_and_send(pilot, app, line: str) -> None:
    app.query_one(CommandBuilder).set_line(line)
    await pilot.press("enter")


async def _inspect(pilot, app, path: Path) -> None:
    """Type ``path`` into the certificate inspector and press Enter, as a user would."""
    path_input = app.query_one("#cert-path")
    path_input.value = str(path)
    path_input.focus()
    await pilot.press("enter")


async def test_complete_send_and_see_the_reply(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"AT+S.SOCKO")
        await pilot.press("tab")
        assert app.query_one(CommandBuilder).input.value == "AT+S.SOCKON="
        app.query_one(CommandBuilder).input.value = ""
        await pilot.press(*"AT+S.TIME=1504170338", "enter")
        await pilot.press(*"AT+S.TIME", "enter")
        # The module clock runs on: allow for a slow machine between the two commands.
        await wait_until(pilot, lambda: re.search(r"< AT-S.Time:09\.05\.(3[89]|4\d)", log_text(app)))
        assert "> AT+S.TIME=1504170338" in log_text(app)
        assert "module 2017-08-31" in str(app.query_one("#status").render())


async def test_history_up_recalls_the_previous_command(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"AT+S.STS=fw_version", "enter")
        await wait_until(pilot, lambda: "AT-S.Var:fw_version=1.1.0" in log_text(app))
        await pilot.press("up")
        assert app.query_one(CommandBuilder).input.value == "AT+S.STS=fw_version"


async def test_bad_payload_source_is_not_sent_and_says_why(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _type_and_send(pilot, app, "AT+S.SOCKW=0,hex:3E F")
        await wait_until(pilot, lambda: "not sent: hex: odd number of digits" in log_text(app))
        assert "> AT+S.SOCKW" not in log_text(app)


async def test_plain_length_opens_the_payload_dialog(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _type_and_send(pilot, app, "AT+S.FSC=/hello.txt,5")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "PayloadDialog")
        await pilot.press(*"hello", "enter")
        await wait_until(pilot, lambda: "> AT+S.FSC=/hello.txt,5" in log_text(app))
        await _type_and_send(pilot, app, "AT+S.FSP=/hello.txt,,")
        await wait_until(pilot, lambda: "< hello" in log_text(app))


async def test_inspector_uploads_a_pem_ca_with_its_auth(make_app, tmp_path, monkeypatch):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _inspect(pilot, app, DATA / "seed_ca_cert.pem")
        report = str(app.query_one("#cert-report").render())
        assert "3E:F1:74:7F" in report and "expired 2026-05-13" in report
        await pilot.click("#upload-ca")
        await wait_until(pilot, lambda: "AT-S.Id:1" in log_text(app))
        text = log_text(app)
        assert "< AT-S.No SubjectKeyId" in text
        assert "> AT+S.TLSCERT=auth,20" in text
        for line in ("AT-S.CA:1", "AT-S.Cert:0", "AT-S.Key:0", "AT-S.Id:1"):
            assert f"< {line}" in text


async def test_tls_socket_shows_in_the_table_and_reads_pending_bytes(make_app, tmp_path):
    ca_file = tmp_path / "ca_cert.pem"
    app = make_app()
    with tls_peer(tmp_path, "-rev") as (_, port):
        async with app.run_test(size=(120, 40)) as pilot:
            for line in (f"AT+S.TIME={int(time.time())}", f"AT+S.TLSCERT=ca,@{ca_file}",
                         f"AT+S.TLSCERT=auth,ski:{ca_file}", f"AT+S.SOCKON=127.0.0.1,{port},,s"):
                await _type_and_send(pilot, app, line)
            table = app.query_one(SocketTable)
            await wait_until(pilot, lambda: table.row_count == 1)
            await _type_and_send(pilot, app, 'AT+S.SOCKW=0,"ping\\n"')
            await wait_until(pilot, lambda: str(table.get_row_at(0)[PENDING_COLUMN]) == "5")
            table.focus()
            await pilot.press("r")
            await wait_until(pilot, lambda: [str(cell) for cell in table.get_row_at(0)[1:]] == ["0", "5", "5"])
            assert "< gnip" in log_text(app)
            assert str(table.get_row_at(0)[0]) == f"0 TLS open\n127.0.0.1:{port}"


async def test_narrow_terminal_switches_panes_with_function_keys(make_app):
    app = make_app()

    def shown(selector: str) -> bool:
        return app.query_one(selector).region.area > 0

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.one_pane_at_a_time
        assert shown("#uart-log") and not shown("#sockets") and not shown("#inspector")
        await pilot.press("f3")
        await pilot.pause()
        assert shown("#sockets") and not shown("#uart-log") and not shown("#inspector")
        await pilot.press("f4")
        await pilot.pause()
        assert shown("#inspector") and not shown("#sockets")
        await pilot.press("f2")
        await pilot.pause()
        assert shown("#uart-log") and shown("#builder")
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.3)
        assert not app.one_pane_at_a_time
        assert shown("#uart-log") and shown("#sockets") and shown("#inspector")


async def test_follow_pauses_when_scrolled_up_and_says_how_much_waits(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        from spwf_tui.ui.widgets.uart_log import UartLog

        log = app.query_one(UartLog)
        for _ in range(3):
            await _type_and_send(pilot, app, "AT+S.GCFG")
        await wait_until(pilot, lambda: log_text(app).count("console_echo=1") >= 3)
        # the view has taken the rows (it repaints at its own pace) and follows them: Home can pause it
        await wait_until(pilot, lambda: log.virtual_size.height == len(log.rows()) and log.max_scroll_y > 0
                         and log.scroll_y == log.max_scroll_y)
        log.focus()
        await pilot.press("home")
        await wait_until(pilot, lambda: not log.follow)
        app.session.note("something the module said meanwhile")  # not a reply to a command sent now
        await wait_until(pilot, lambda: "rows below" in (log.border_subtitle or ""))
        assert not log.follow
        log.focus()
        await pilot.press("end")
        await wait_until(pilot, lambda: log.follow)
        await pilot.press("home")
        await wait_until(pilot, lambda: not log.follow)
        await _type_and_send(pilot, app, "AT+S.STS=fw_version")  # a command sent: its reply is seen
        await wait_until(pilot, lambda: log.follow and log.scroll_y == log.max_scroll_y)


async def test_port_picker_lists_the_emulated_module():
    from textual.widgets import OptionList

    from spwf_tui.ui.port_picker import PortPickerApp

    app = PortPickerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        options = app.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids[-1] == "sim://"
        options.highlighted = len(ids) - 1
        options.focus()
        await pilot.press("enter")
    assert app.return_value == "sim://"


async def test_command_palette_offers_the_actions(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Show the certificate inspector" in titles and "Drop a marker into the recording" in titles
        await pilot.press("f9")
        await wait_until(pilot, lambda: "# marker" in log_text(app))


async def test_keys_from_the_config_rebind_actions(booted_session):
    from spwf_tui.ui.app import SpwfApp

    app = SpwfApp(booted_session, keymap={"app.mark": "f8"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f8")
        await wait_until(pilot, lambda: "# marker" in log_text(app))


async def test_module_facts_keep_their_height_right_when_the_clock_gets_set(make_app):
    # The facts are updated without a re-layout unless their wrapped height changes: the long
    # "clock: unknown ..." line wraps in the side pane, the set clock's line does not.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        facts = app.query_one("#module-facts")
        await wait_until(pilot, lambda: "clock: unknown" in str(facts.render()))
        await pilot.pause(0.3)
        assert facts.size.height > 3
        state = app.session.state
        state.clock_offset = 1504170338 - state.clock()
        app.query_one("#sockets").update_from(state)  # as the next batch would, with nothing else to lay out
        await pilot.pause(0.2)
        assert "clock: 2017-08-31" in str(facts.render())
        assert facts.size.height == 3


async def test_the_cli_app_tunes_the_collector_once_mounted(make_app):
    import gc

    from spwf_tui.ui.app import STEADY_GC_THRESHOLD, SpwfApp

    before = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        assert gc.get_threshold() == before  # tests (many apps in one process) are left alone
    steady = SpwfApp(app.session, steady_gc=True)
    try:
        async with steady.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: gc.get_threshold() == STEADY_GC_THRESHOLD)
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


async def test_typing_keeps_the_builder_size_and_a_long_line_still_scrolls(make_app):
    # A key typed must not change the input's virtual size (that lays out the whole screen).
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        field = app.query_one(CommandBuilder).input
        await pilot.pause(0.2)
        await pilot.press("A")
        before = field.virtual_size
        await pilot.press(*"T+S.STS")
        assert field.value == "AT+S.STS" and field.virtual_size == before == (field.content_size.width, 1)
        long_line = "AT+S.SOCKW=0," + "x" * 300 + "END"
        field.value = long_line
        field.cursor_position = len(long_line)
        await pilot.pause(0.2)
        assert field.virtual_size.width == len(long_line) + 1
        assert field.scroll_x > 0 and "xEND" in str(field.render_line(0).text)


async def test_inspector_rejudges_only_when_the_module_clock_changes(make_app, monkeypatch):
    from spwf_tui.ui import cert_report  # the inspector imports it on first use (cryptography)

    reads = []
    real = cert_report.describe_file
    monkeypatch.setattr(cert_report, "describe_file", lambda *a: reads.append(a) or real(*a))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _inspect(pilot, app, DATA / "seed_ca_cert.pem")
        assert "expired 2026-05-13" in str(app.query_one("#cert-report").render()) and len(reads) == 1
        for _ in range(5):  # batches that leave the clock alone: the file is not read again
            app.session.data_received(b"+WIND:55:Pending Data:0:10:10\r\n")
            await pilot.pause(0.05)
        assert len(reads) == 1
        await _type_and_send(pilot, app, "AT+S.TIME=1600000000")  # 2020: the CA is still valid then
        await wait_until(pilot, lambda: "expired" not in str(app.query_one("#cert-report").render()))
        assert len(reads) == 2
