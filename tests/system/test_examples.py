"""Issue 6 acceptance: every script in examples/ passes against the emulated module on a pty
(the TLS one with a real `openssl s_server -www`); failing expectations and script mistakes
are reported by line, and a mistake sends nothing."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.system.helpers import run_cli, tls_peer

EXAMPLES = Path(__file__).parent.parent.parent / "examples"


def test_every_example_starts_with_a_comment_block_naming_its_variables():
    scripts = sorted(EXAMPLES.glob("*.at"))
    assert {p.name for p in scripts} >= {"tls-setup.at", "join-ap.at", "fs-roundtrip.at"}
    for script in scripts:
        head = script.read_text().split("\n\n")[0]
        assert all(line.startswith("#") for line in head.splitlines()), script.name
        assert "Variables" in script.read_text(), script.name


def test_fs_roundtrip(sim):
    result = run_cli("run", str(sim.link), str(EXAMPLES / "fs-roundtrip.at"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "< Hello from spwf-tui\\r\\n" in result.stdout
    assert b'AT+S.FSC=/spwf-tui-roundtrip.txt,21\rHello from spwf-tui\r\n' in sim.received()


def test_join_ap(sim):
    result = run_cli("run", str(sim.link), str(EXAMPLES / "join-ap.at"), "--set", "SSID=Bench AP",
                     env={**os.environ, "PASSPHRASE": "from-the-environment"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "< +WIND:25:WiFi Association successful:Bench AP" in result.stdout
    assert b"AT+S.SCFG=wifi_wpa_psk_text,from-the-environment\r" in sim.received()


@pytest.fixture
def https_server(tmp_path):
    with tls_peer(tmp_path, "-www") as peer:
        yield peer


def test_tls_setup_against_openssl_s_server(sim, tmp_path, https_server):
    ca, port = https_server
    result = run_cli("run", str(sim.link), str(EXAMPLES / "tls-setup.at"), "--set", f"NOW={int(time.time())}",
                     "--set", f"CA={tmp_path / 'ca_cert.pem'}", "--set", "HOST=127.0.0.1", "--set", f"PORT={port}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert b"AT+S.TLSCERT=auth,20\r" + ca.ski in sim.received()
    assert '# expect "HTTP/1.0 200": held by HTTP/1.0 200 ok' in result.stdout


def test_a_failing_expect_exits_1_and_names_the_line(sim, tmp_path):
    script = tmp_path / "check.at"
    script.write_text("# checks\nAT+S.STS=fw_version\nexpect /fw_version=9\\./ 1\nAT+S.STS=fw_version\n")
    result = run_cli("run", str(sim.link), str(script))
    assert result.returncode == 1
    assert f"{script}:3: expect /fw_version=9\\./ 1: not seen within 1 s" in result.stderr
    assert sim.received().count(b"AT+S.STS=fw_version\r") == 1  # the run stopped there


def test_json_results_for_expect_note_and_wait(sim):
    lines = ["AT+S.WIFI=0", "wait WIND:38 5", "expect /WPA Terminated:\\d/", "note radio is off", "AT+S.WIFI=1",
             "wait WIND:24 10"]
    result = run_cli("run", str(sim.link), "--json", *[a for line in lines for a in ("-c", line)])
    assert result.returncode == 0, result.stdout + result.stderr
    steps = [json.loads(line) for line in result.stdout.splitlines()]
    assert steps[1] == {"step": "-c #2", "wait": "WIND:38", "ok": True, "event": "+WIND:38:WiFi Powered Down"}
    assert steps[2] == {"step": "-c #3", "expect": "/WPA Terminated:\\d/", "ok": True,
                        "matched": "+WIND:49:WPA Terminated:0"}
    assert steps[3] == {"step": "-c #4", "note": "radio is off", "ok": True}
    assert "# radio is off" in result.stderr


def test_keep_going_runs_past_a_failed_expect(sim):
    result = run_cli("run", str(sim.link), "--keep-going", "-c", "AT", "-c", 'expect "never" 0.5', "-c", "note after")
    assert result.returncode == 1
    assert "# after" in result.stdout


MISTAKES = {
    "missing script": ("{tmp}/missing.at", "", "missing.at: no such script file"),
    "syntax error": ("{tmp}/bad.at", "AT\nexpect /unclosed\n", "bad.at:2: '/unclosed': a regular expression"),
    "undefined variable": ("{tmp}/var.at", "AT\nAT+S.SOCKON=${{NO_SUCH_HOST}},80,,t\n",
                           "var.at:2: undefined variable ${{NO_SUCH_HOST}}"),
    "unknown step": ("{tmp}/step.at", "AT\nsend AT\n", "step.at:2: 'send AT' is not a step"),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_script_mistakes_are_one_line_exit_2_and_send_nothing(case, sim, tmp_path):
    path, content, expected = (x.format(tmp=tmp_path) for x in MISTAKES[case])
    if content:
        Path(path).write_text(content)
    env = {k: v for k, v in os.environ.items() if k != "NO_SUCH_HOST"}
    result = run_cli("run", str(sim.link), path, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("spwf-tui: "), result.stderr
    assert expected in lines[0]
    assert result.stdout == ""
    assert sim.received() == b""
