"""Issue 2 acceptance: the seed thread's exchange, done by `spwf-tui run` over a real pty
against the emulated module, with the real `openssl s_server` as the TLS peer."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tests.system.helpers import run_cli, tls_peer

DATA = Path(__file__).parent.parent / "data"


def test_seed_exchange_clean_time_and_crlf_ca_upload(sim, tmp_path):
    ca = tmp_path / "ca_cert.pem"
    ca.write_bytes((DATA / "seed_ca_cert.pem").read_bytes().replace(b"\n", b"\r\n"))
    result = run_cli("run", str(sim.link), "-c", "AT+S.TLSCERT=content,2", "-c", "AT+S.TIME=1504170338",
                     "-c", "AT+S.TIME", "-c", f"AT+S.TLSCERT=ca,@{ca}")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    # The module clock runs on between TIME= and TIME: a slow machine may read 09.05.39.
    assert re.search(r"< AT-S.Time:09\.05\.(3[89]|4\d)", out)
    for line in ["< AT-S.Clean", "< AT-S.Date:17.08.31:00",
                 "> AT+S.TLSCERT=ca,1426", "< AT-S.No SubjectKeyId"]:
        assert line in out
    assert b"AT+S.TLSCERT=ca,1426\r" + ca.read_bytes() in sim.received()


@pytest.fixture
def tls_server(tmp_path):
    with tls_peer(tmp_path, "-rev") as peer:
        yield peer


def test_forty_hex_characters_fail_and_twenty_raw_bytes_work(sim, tmp_path, tls_server):
    ca, port = tls_server
    ca_file = tmp_path / "ca_cert.pem"
    setup = ["AT+S.TLSCERT=content,2", f"AT+S.TIME={int(time.time())}", f"AT+S.TLSCERT=ca,@{ca_file}"]
    wrong = [f'AT+S.TLSCERT=auth,"{ca.ski.hex().upper()}"', f"AT+S.SOCKON=127.0.0.1,{port},NULL,s"]
    refused = run_cli("run", str(sim.link), *[a for line in setup + wrong for a in ("-c", line)])
    assert refused.returncode == 2 and refused.stdout == ""  # nothing sent: the port never opened
    assert f"-c #4: auth takes the CA's key id as 20 raw bytes" in refused.stderr
    assert f"Fix: AT+S.TLSCERT=auth,ski:{ca_file} (--force sends it as written)" in refused.stderr
    result = run_cli("run", str(sim.link), "--force", *[a for line in setup + wrong for a in ("-c", line)])
    assert result.returncode == 1
    assert "> AT+S.TLSCERT=auth,40" in result.stdout
    assert "< AT-S.No SubjectKeyId" in result.stdout
    assert "< AT-S.Certificate Error:3" in result.stdout
    assert "< AT-S.ERROR:74:Failed to open socket" in result.stdout
    assert "the auth value must be the 20 raw SKI bytes" in result.stdout
    assert f"Fix: AT+S.TLSCERT=auth,ski:{ca_file} (sends" in result.stdout  # the session's own CA file
    assert "AT+S.SOCKON" in result.stderr  # the failed step is named

    fixed = [f"AT+S.TLSCERT=auth,ski:{ca_file}", f"AT+S.SOCKON=127.0.0.1,{port},NULL,s",
             'AT+S.SOCKW=0,"hello spwf\\n"', "wait WIND:55", "AT+S.SOCKR=0,", "AT+S.SOCKC=0"]
    result = run_cli("run", str(sim.link), "--json", *[a for line in fixed for a in ("-c", line)])
    assert result.returncode == 0, result.stdout + result.stderr
    steps = [json.loads(line) for line in result.stdout.splitlines()]
    assert steps[0]["command"] == "AT+S.TLSCERT=auth,20" and steps[0]["ok"]
    assert b"AT+S.TLSCERT=auth,20\r" + ca.ski in sim.received()
    assert steps[1]["replies"][1:] == ["AT-S.Loading:1:2", "AT-S.On:127.0.0.1:0", "AT-S.OK"]
    assert steps[3]["event"].startswith("+WIND:55:Pending Data::0:")
    reading = steps[4]["replies"]
    assert reading[1] == "AT-S.Reading:11:11" and reading[2] == "fwps olleh\n" and reading[-1] == "AT-S.OK"
