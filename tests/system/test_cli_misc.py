"""The small subcommands as a user runs them: ports, sim --tcp with socket://, decode --json."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from tests.system.helpers import CLI, run_cli

SEED = Path(__file__).parent.parent / "data" / "seed-forum-thread.txt"


def test_ports_lists_the_emulated_module():
    result = run_cli("ports")
    assert result.returncode == 0
    assert "sim://" in result.stdout and "emulated SPWF04SA" in result.stdout


def test_sim_over_tcp_is_reachable_as_a_socket_url():
    proc = subprocess.Popen([*CLI, "sim", "--tcp", "127.0.0.1:0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        port = re.search(r"127\.0\.0\.1:(\d+)", first).group(1)
        result = run_cli("run", f"socket://127.0.0.1:{port}", "-c", "AT+S.STS=fw_version")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "< AT-S.Var:fw_version=1.1.0" in result.stdout
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_sim_warns_when_listening_beyond_loopback():
    proc = subprocess.Popen([*CLI, "sim", "--tcp", "0.0.0.0:0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert "listening on" in proc.stdout.readline()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=5)
    assert "warning: 0.0.0.0 is not loopback" in err


def test_decode_json_on_the_seed_thread():
    result = run_cli("decode", "--json", str(SEED))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert all({"line", "kind", "code", "text", "explain"} <= set(r) for r in records)
    by_text = {r["text"]: r for r in records}
    assert by_text["AT-S.OK"]["kind"] == "ok"
    assert by_text["AT+S.TLSCERT=Auth,40"]["kind"] == "echo"
    assert by_text["AT-S.Clean"]["line"] == "-S.Clean"  # the original, with the eaten AT
    cert_error = by_text["AT-S.Certificate Error:3"]
    assert cert_error["kind"] == "error" and cert_error["code"] == 3
    assert "the auth value must be the 20 raw SKI bytes" in cert_error["explain"]
    assert "AT+S.TLSCERT=auth,ski:" in cert_error["explain"]
    assert by_text["AT-S.ERROR:74:Failed to open socket"]["code"] == 74


def test_decode_reads_stdin():
    result = run_cli("decode", "-", input="+WIND:55:Pending Data::0:31:31\r\n")
    assert result.returncode == 0
    assert result.stdout.startswith("wind    55  +WIND:55:Pending Data::0:31:31")
