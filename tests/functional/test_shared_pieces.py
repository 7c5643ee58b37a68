"""The TUI uses the pieces the REPL uses: the payload dialog reads its field as the REPL reads a
payload line, and the builder completes paths by the same rules (``pathnames``)."""

from __future__ import annotations

from spwf_tui.ui.widgets.command_builder import CommandBuilder
from tests.functional.conftest import log_text, wait_until


async def test_the_payload_dialog_refuses_what_the_repl_refuses(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one(CommandBuilder).set_line("AT+S.FSC=/x.txt,5")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "PayloadDialog")
        await pilot.press(*"hex:68 69", "enter")  # 2 bytes for 5 announced
        status = str(app.screen.query_one("#payload-status").render())
        assert "AT+S.FSC=/x.txt,5 announces 5 bytes but 2 were given; nothing sent" in status
        assert app.screen.__class__.__name__ == "PayloadDialog"
        await pilot.press("escape")
        await wait_until(pilot, lambda: "payload dialog cancelled" in log_text(app))
        assert "> AT+S.FSC=/x.txt" not in log_text(app)


async def test_the_builder_completes_paths_by_the_shared_rules(make_app, tmp_path, monkeypatch):
    (tmp_path / "ca_cert.pem").write_text("x")
    (tmp_path / ".ca_hidden").write_text("x")
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one(CommandBuilder).set_line("AT+S.TLSCERT=ca,@c")
        await pilot.press("tab")
        assert app.query_one(CommandBuilder).input.value == "AT+S.TLSCERT=ca,@ca_cert.pem"
        app.query_one(CommandBuilder).set_line("AT+S.TLSCERT=ca,@.c")
        await pilot.press("tab")
        assert app.query_one(CommandBuilder).input.value == "AT+S.TLSCERT=ca,@.ca_hidden"
