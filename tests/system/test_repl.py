"""Issue 6 acceptance: `spwf-tui repl` driven by pexpect on a real pty, against the emulated
module on another pty; what the module received is checked on the emulator's side."""

from __future__ import annotations

import re
import socket
import subprocess

from tests.system.helpers import CLI, SimProcess
from tests.system.repl_driver import CTRL_RIGHT_BRACKET, PROMPT, quit_with, spawn_repl

UP = "\x1b[A"
CTRL_R = "\x12"


def sent_lines(sim: SimProcess) -> list[bytes]:
    return sim.received().split(b"\r")


def test_tab_completes_a_command_name(sim):
    child = spawn_repl(sim.link)
    child.send("AT+S.SOCKO\t")
    child.expect("N=")
    child.send("\r")
    child.expect("AT-S.ERROR:2")
    assert b"AT+S.SOCKON=" in sent_lines(sim)
    assert quit_with(child, CTRL_RIGHT_BRACKET) == 0


def test_a_wind_arriving_mid_line_leaves_the_line_intact(sim):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        child = spawn_repl(sim.link)
        child.send(f"AT+S.SOCKON=127.0.0.1,{port},,t\r")
        child.expect(r"AT-S\.On:127\.0\.0\.1:0")
        child.expect("AT-S.OK")
        peer, _ = server.accept()
        with peer:
            child.send("AT+S.STS=fw_")
            child.expect("fw_")  # the keys reached the prompt before the WIND does
            peer.sendall(b"hello")
            child.expect(r"\+WIND:55:Pending Data::0:5:5")
            child.expect(r"spwf>\S* AT\+S\.STS=fw_")  # the half line is drawn again under the WIND
            child.send("version\r")
            child.expect("AT-S.Var:fw_version=1.1.0")
    lines = sent_lines(sim)
    assert b"AT+S.STS=fw_version" in lines
    assert not [line for line in lines if line.startswith(b"AT+S.STS") and line != b"AT+S.STS=fw_version"]
    assert quit_with(child, CTRL_RIGHT_BRACKET) == 0


def test_history_survives_a_restart(sim, isolated_user_dirs):
    child = spawn_repl(sim.link)
    child.send("AT+S.STS=fw_version\r")
    child.expect("AT-S.Var:fw_version=1.1.0")
    assert quit_with(child, "\x04") == 0  # Ctrl+D on an empty line
    assert "AT+S.STS=fw_version" in (isolated_user_dirs / "data" / "history").read_text()

    child = spawn_repl(sim.link)
    child.send(UP)
    child.expect("fw_version")
    child.send("\r")
    child.expect("AT-S.Var:fw_version=1.1.0")
    assert sent_lines(sim).count(b"AT+S.STS=fw_version") == 2
    child.send("AT\r")
    child.expect(r"< AT\r+\n[^<]*< AT-S\.OK")  # this command's reply, not the OK of the one before
    # The prompt drawn again after that output: while prompt-toolkit prints above the prompt the
    # terminal is in cooked mode, where Ctrl+R is the line discipline's "reprint" and never arrives.
    child.expect(PROMPT)
    child.send(CTRL_R + "fw_v")  # reverse search; Enter takes the match, a second Enter sends it
    child.expect("fw_v")
    child.send("\r")
    child.send("\r")
    child.expect("AT-S.Var:fw_version=1.1.0")
    assert sent_lines(sim).count(b"AT+S.STS=fw_version") == 3
    assert quit_with(child, CTRL_RIGHT_BRACKET) == 0


def test_a_plain_length_asks_for_the_payload(sim):
    child = spawn_repl(sim.link)
    child.send("AT+S.FSC=/typed.txt,5\r")
    child.expect("payload, 5 bytes")
    child.send("hello\r")
    child.expect("AT-S.OK")
    child.send(":hex on\r")
    child.expect("hex display of payloads is on")
    child.send("AT+S.FSP=/typed.txt\r")
    child.expect("68 65 6c 6c 6f")
    assert b"AT+S.FSC=/typed.txt,5\rhello" in sim.received()
    assert quit_with(child, CTRL_RIGHT_BRACKET) == 0


def test_ctrl_right_bracket_exits_with_status_0(sim):
    child = spawn_repl(sim.link)
    child.send("AT+S.STS=fw_ver")  # even with a half-typed line
    child.expect("fw_ver")
    assert quit_with(child, CTRL_RIGHT_BRACKET) == 0
    assert not [line for line in sent_lines(sim) if line.startswith(b"AT+S.STS")]


def test_a_dumb_terminal_gets_plain_lines(sim):
    child = spawn_repl(sim.link, term="dumb")
    output = child.before
    child.sendline("AT+S.STS=fw_version")
    child.expect("AT-S.OK")
    output += child.before + child.after
    child.sendline(":note from a dumb terminal")
    child.expect("# from a dumb terminal")
    output += child.before
    assert quit_with(child, "\x04") == 0
    assert "< AT-S.Var:fw_version=1.1.0" in output
    assert "\x1b" not in output


def test_piped_stdin_runs_line_by_line_and_exits_at_the_end(sim, tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_bytes(b"AT+S.STS=fw_version\r")
    lines = ["AT+S.STS=wifi_state", ":note piped", "AT+S.FSC=/p.txt,3", "xyz",
             f":send-file {raw}", "AT+S.FSP=/p.txt", ":time"]
    result = subprocess.run([*CLI, "repl", str(sim.link)], input="\n".join(lines) + "\n", capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "\x1b" not in out
    assert re.search(r"^< AT-S\.Var:wifi_state=\d+$", out, re.MULTILINE)
    assert "# piped" in out
    assert "< xyz" in out and "module unknown" in out
    assert "< AT-S.Var:fw_version=1.1.0" in out  # the file's bytes went out raw and were answered
    received = sim.received()
    assert b"AT+S.FSC=/p.txt,3\rxyz" in received and b"AT+S.STS=fw_version\r" in received


def test_a_port_that_cannot_be_opened_is_one_line(tmp_path):
    result = subprocess.run([*CLI, "repl", str(tmp_path / "ttyNONE")], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no such port" in lines[0]
