"""An internal error in the TUI shows one line and where the details are; the traceback with
the frames' local variables (module state, log entries, a passphrase) is never printed, and the
details file is private and holds no local variables (issue 13 §3)."""

from __future__ import annotations

import stat

from spwf_tui.ui.app import SpwfApp

PASSPHRASE = "Tr0ub4dor-correct-horse"


async def test_a_crash_prints_one_line_and_writes_a_private_report(make_app, monkeypatch, isolated_user_dirs, capsys):
    def explode(self) -> None:
        wifi_passphrase = PASSPHRASE  # a local variable Textual's crash screen would print
        module_state = self.session.state
        raise RuntimeError(f"boom while sending AT+S.SCFG=wifi_wpa_psk_text,{wifi_passphrase} "
                           f"({type(module_state).__name__})")

    monkeypatch.setattr(SpwfApp, "action_mark", explode)
    app = make_app()
    try:
        async with app.run_test() as pilot:
            await pilot.press("f9")
            await pilot.pause()
    except RuntimeError:
        pass  # Pilot re-raises the app's error for the test
    printed = capsys.readouterr()
    shown = " ".join((printed.out + printed.err).split())  # the console wraps the line at its width
    assert app.return_code == 1
    assert PASSPHRASE not in shown and "wifi_passphrase" not in shown and "module_state" not in shown
    assert "spwf-tui: internal error: RuntimeError: boom while sending AT+S.SCFG=wifi_wpa_psk_text,*" in shown
    reports = list((isolated_user_dirs / "data").glob("crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in shown
    report = reports[0].read_text()
    assert "Traceback" in report and "in explode" in report
    assert PASSPHRASE not in report and "module_state =" not in report
    assert stat.S_IMODE(reports[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((isolated_user_dirs / "data").stat().st_mode) == 0o700
