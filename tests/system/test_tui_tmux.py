"""The installed TUI in a real tmux: panes on screen, a command round trip, a clean exit."""

from __future__ import annotations


def test_wide_screen_shows_all_panes_and_a_round_trip(spwf_tmux):
    term = spwf_tmux("sim://", width=120, height=40)
    term.ready_for_keys("WiFi Up")
    screen = term.wait_for("Certificate inspector")  # the first frame may come before the resize
    for pane in ("UART log", "Sockets & module", "Certificate inspector"):
        assert pane in screen
    term.type("AT+S.STS=fw_version")
    term.keys("Enter")
    screen = term.wait_for("AT-S.Var:fw_version=1.1.0")
    assert "> AT+S.STS=fw_version" in screen
    term.keys("C-]")
    screen = term.wait_for("EXITED:0")
    assert "UART log" not in screen  # the alternate screen is gone: terminal restored


def test_small_screen_switches_panes_and_completes(spwf_tmux):
    term = spwf_tmux("sim://", width=80, height=24)
    term.ready_for_keys("WiFi Up")
    term.type("AT+S.SOCKO")
    term.wait_for("AT+S.SOCKO")
    term.keys("Tab")
    term.wait_for("AT+S.SOCKON=<host>")  # the hint line shows the syntax once completed
    term.keys("F3")
    assert "Sockets & module" in term.wait_for("TLS: CA:?")  # unknown until the module says
    term.keys("F4")
    term.wait_for("Certificate inspector")
    term.keys("F2")
    term.wait_for("UART log")
    term.keys("C-q")
    term.wait_for("EXITED:0")


def test_resize_redraws_from_one_pane_to_four(spwf_tmux):
    term = spwf_tmux("sim://", width=80, height=24)
    screen = term.wait_for("WiFi Up")
    assert "Certificate inspector" not in screen
    term.resize(120, 40)
    screen = term.wait_for("Certificate inspector")
    assert "Sockets & module" in screen and "UART log" in screen
    term.resize(80, 24)
    term.wait_gone("Certificate inspector")
    term.keys("C-q")
    term.wait_for("EXITED:0")
