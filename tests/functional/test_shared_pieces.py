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


async def test_the_inspector_sends_what_cert_plan_plans_through_the_apps_worker(make_app):
    from pathlib import Path

    from spwf_tui.core.certs.plan import build_plan

    ca = Path(__file__).parent.parent / "data" / "seed_ca_cert.pem"
    plan = build_plan(ca.read_bytes(), _now(), name=str(ca),
                      script_path="FILE", role="ca", set_time=False, clean=False)
    planned = [step.line for step in plan.steps]
    assert planned == ["AT+S.TLSCERT=ca,1403", "AT+S.TLSCERT=auth,20", "AT+S.TLSCERT=content,1"]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        path_input = app.query_one("#cert-path")
        path_input.value = str(ca)
        path_input.focus()
        await pilot.press("enter")
        await pilot.click("#upload-ca")
        # Typed straight after the click: the same worker sends it after the upload's steps.
        app.query_one(CommandBuilder).set_line("AT+S.STS=fw_version")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "fw_version=1.1.0" in log_text(app))
        sent = [line[2:] for line in log_text(app).splitlines() if line.startswith("> AT")]
        assert sent[-4:] == [*planned, "AT+S.STS=fw_version"], log_text(app)
        steps = str(app.query_one("#cert-steps").render()).splitlines()
        assert [line.split("  → ")[0] for line in steps] == [f"✓ {line}" for line in planned]


def _now():
    from datetime import datetime, timezone

    from spwf_tui.core.moduletime import ModuleClock

    return ModuleClock(datetime.now(timezone.utc), False)


async def test_the_port_picker_lists_ports_as_ports_does_and_shows_a_hostile_description_as_text(monkeypatch):
    """The picker's list is ``transport.ports``'s (as ``spwf-tui ports``): a USB product string
    full of markup and escapes is shown as text, not read as markup or sent to the terminal."""
    from textual.widgets import OptionList

    from spwf_tui.transport import ports
    from spwf_tui.ui.port_picker import PortPickerApp

    hostile = ports.DetectedPort("/dev/ttyACM0", "[bold red]STM32 [link=x]\x1b]0;pwned\x07", "USB VID:PID=0483:374B")
    monkeypatch.setattr(ports, "detected_ports", lambda: [hostile])
    app = PortPickerApp()
    async with app.run_test(size=(100, 24)):
        options = app.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    assert [options.get_option_at_index(i).id for i in range(options.option_count)] == ["/dev/ttyACM0", "sim://"]
    assert shown[0] == "/dev/ttyACM0  [bold red]STM32 [link=x]\\x1b]0;pwned\\x07"
    assert shown[1] == f"sim://  {ports.SIM_DESCRIPTION}"
