"""`spwf-tui cert inspect|plan` on the seed's CA, through the CLI entry point (in process)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from spwf_tui.cli import main

SEED_PATH = Path(__file__).parent.parent / "data" / "seed_ca_cert.pem"
SEED_SKI = bytes.fromhex("3EF1747FD79122144BCADF4F95DF960A32823B4C")


def test_inspect_json_on_the_seed_ca(capsys):
    assert main(["cert", "inspect", str(SEED_PATH), "--module-time", "2026-11-27T00:00:00Z", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    first = record["certificates"][0]
    assert first["ski"].startswith("3E:F1:74:7F") and first["ski"].endswith("3B:4C")
    assert (record["format"], record["length"], record["length_crlf"]) == ("PEM", 1403, 1426)
    assert (first["key"], first["ca"], first["validity"]) == ("1024-bit RSA", True, "expired")
    assert first["crl_distribution_points"] and record["needs_auth"] is True
    assert record["time_source"] == "module time"


def test_inspect_text_says_needs_auth_and_which_clock(capsys):
    assert main(["cert", "inspect", str(SEED_PATH)]) == 0
    out = capsys.readouterr().out
    assert "needs auth (AT+S.TLSCERT=auth,ski:" in out and "(host clock)" in out
    assert "1403 bytes as the file is (1426 with CRLF line ends)" in out


def test_plan_json_auth_20_is_followed_by_exactly_the_ski(capsys, tmp_path):
    script = tmp_path / "seed.at"
    assert main(["cert", "plan", str(SEED_PATH), "--module-time", "1504170338", "--json",
                 "--write-script", str(script)]) == 0
    captured = capsys.readouterr()
    plan = json.loads(captured.out)  # stdout stays pure JSON; the script notice goes to stderr
    assert "script written to" in captured.err
    lines = [step["line"] for step in plan["steps"]]
    auth = plan["steps"][lines.index("AT+S.TLSCERT=auth,20")]
    assert base64.b64decode(auth["payload_base64"]) == SEED_SKI
    assert lines[1] == "AT+S.TIME=1504170338"
    assert f"AT+S.TLSCERT=auth,ski:{SEED_PATH.resolve()}" in script.read_text()


def test_plan_text_shows_the_auth_payload_in_hex(capsys):
    assert main(["cert", "plan", str(SEED_PATH), "--no-clean", "--no-time"]) == 0
    out = capsys.readouterr().out
    assert " 2. AT+S.TLSCERT=auth,20\n    payload: 20 bytes: 3e f1 74 7f" in out
    assert "AT+S.TLSCERT=content,2" not in out and "AT+S.TIME=" not in out
    assert "no AT+S.TIME step" in out
