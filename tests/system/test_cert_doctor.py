"""Issue 4 acceptance: the certificate doctor end to end.

For an RSA and an ECDSA chain made here, the real `openssl s_server` on 127.0.0.1 serves the
leaf; `spwf-tui sim --pty` is the module. In each scenario `spwf-tui cert check` predicts the
outcome first, then `spwf-tui run` (executing the `cert plan --write-script` script) opens
`AT+S.SOCKON=127.0.0.1,<port>,NULL,s`, and the module's answer must be the predicted one.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.support.certfactory import Issued, make_ca, make_server
from tests.system.helpers import SimProcess, free_port, run_cli, start_openssl_server


@dataclass
class Bench:
    """One key type's files, its server's port and the upload plan script of its CA."""

    kind: str
    ca: Issued
    server: Issued
    port: int
    dir: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def sockon(self) -> str:
        return f"AT+S.SOCKON=127.0.0.1,{self.port},NULL,s"


@pytest.fixture(scope="module")
def sim(module_sim):
    """One emulator for the whole file."""
    return module_sim


@pytest.fixture(scope="module", params=["rsa", "ec"])
def bench(request, tmp_path_factory):
    openssl = require_tool("openssl")
    kind = request.param
    folder = tmp_path_factory.mktemp(f"pki-{kind}")
    ca = make_ca(f"Doctor {kind.upper()} CA", key_type=kind)
    server = make_server(ca, key_type=kind)
    (folder / "ca_cert.pem").write_bytes(ca.pem)
    (folder / "ca_cert.der").write_bytes(ca.der)
    (folder / "server_cert.pem").write_bytes(server.pem)
    (folder / "server_key.pem").write_bytes(server.key_pem)
    (folder / "other_ca.pem").write_bytes(make_ca("Some Other CA", key_type=kind).pem)
    port = free_port()
    proc = start_openssl_server(openssl, folder / "server_cert.pem", folder / "server_key.pem", port)
    yield Bench(kind, ca, server, port, folder)
    proc.kill()
    proc.wait()


def _predict(bench: Bench, ca: str, *extra: str) -> dict:
    """`cert check` before touching the module: its JSON, after checking exit status and verdict."""
    result = run_cli("cert", "check", "--ca", str(bench.dir / ca), "--server", bench.address, "--json", *extra)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    prediction = json.loads(result.stdout)
    assert result.returncode == (0 if prediction["connects"] else 1)
    return prediction


def _plan_script(bench: Bench, ca: str, *extra: str) -> Path:
    script = bench.dir / f"{ca}.at"
    # several tests plan on one bench: the script of an earlier one is replaced on purpose
    result = run_cli("cert", "plan", str(bench.dir / ca), "--write-script", str(script), "--force", *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return script


def _run(sim: SimProcess, script: Path, *lines: str) -> tuple[int | None, str]:
    """Run the plan then ``lines``; (the Certificate Error number or None when it connected, transcript)."""
    # --force: one case sends the seed's 40 hex characters on purpose (run refuses them otherwise)
    result = run_cli("run", str(sim.link), str(script), "--force", *[a for line in lines for a in ("-c", line)])
    out = result.stdout
    error = re.search(r"^< AT-S\.Certificate Error:(\d+)$", out, re.MULTILINE)
    if error:
        assert "< AT-S.ERROR:74:Failed to open socket" in out
        assert result.returncode == 1
        return int(error.group(1)), out
    assert result.returncode == 0, out + result.stderr
    assert re.search(r"^< AT-S\.On:127\.0\.0\.1:\d+$", out, re.MULTILINE), out
    return None, out


def test_executing_the_plan_connects(sim, bench):
    prediction = _predict(bench, "ca_cert.pem")
    assert prediction["verdict"] == "will connect"
    script = _plan_script(bench, "ca_cert.pem")
    observed, out = _run(sim, script, bench.sockon, "AT+S.SOCKC=0")
    assert observed is None
    assert "> AT+S.TLSCERT=auth,20" in out and "< AT-S.No SubjectKeyId" in out and "< AT-S.Id:1" in out
    assert b"AT+S.TLSCERT=auth,20\r" + bench.ca.ski in sim.received()


def test_der_plan_needs_no_auth_and_connects(sim, bench):
    script = _plan_script(bench, "ca_cert.der")
    assert "auth" not in "".join(line for line in script.read_text().splitlines() if not line.startswith("#"))
    observed, out = _run(sim, script, bench.sockon, "AT+S.SOCKC=0")
    assert observed is None and "< AT-S.SubjectKeyId:" in out


def test_wrong_ca_is_predicted_as_certificate_error_23(sim, bench):
    prediction = _predict(bench, "other_ca.pem")
    assert prediction["certificate_error"] == 23
    assert "will fail: Certificate Error:23 expected (the server's chain is not signed by this CA)" \
        == prediction["verdict"]
    observed, _ = _run(sim, _plan_script(bench, "other_ca.pem"), bench.sockon)
    assert observed == prediction["certificate_error"] == 23


def test_forty_character_auth_is_predicted_as_certificate_error_3(sim, bench):
    forty = f'"{bench.ca.ski.hex().upper()}"'
    prediction = _predict(bench, "ca_cert.pem", "--auth", forty)
    assert prediction["certificate_error"] == 3
    observed, out = _run(sim, _plan_script(bench, "ca_cert.pem"), f"AT+S.TLSCERT=auth,{forty}", bench.sockon)
    assert "> AT+S.TLSCERT=auth,40" in out
    assert observed == prediction["certificate_error"] == 3


def test_clock_before_the_server_certificate_is_predicted(sim, bench):
    early = int(bench.server.cert.not_valid_before_utc.timestamp()) - 3600
    prediction = _predict(bench, "ca_cert.pem", "--module-time", str(early))
    assert prediction["certificate_error"] == 9
    assert "not yet valid at module time" in prediction["verdict"]
    observed, _ = _run(sim, _plan_script(bench, "ca_cert.pem", "--module-time", str(early)), bench.sockon)
    assert observed == prediction["certificate_error"]


def test_check_text_output_and_exit_status(bench):
    good = run_cli("cert", "check", "--ca", str(bench.dir / "ca_cert.pem"), "--server", bench.address)
    assert good.returncode == 0 and good.stdout.splitlines()[0] == "will connect"
    if sys.version_info < (3, 13):  # ssl shows only the leaf before 3.13: the output says so
        assert "Only the server's leaf certificate could be read" in good.stdout
    bad = run_cli("cert", "check", "--ca", str(bench.dir / "other_ca.pem"), "--chain",
                  str(bench.dir / "server_cert.pem"), "--name", "localhost")
    assert bad.returncode == 1 and bad.stdout.startswith("will fail: Certificate Error:23 expected")


def test_nothing_listening_is_predicted_as_error_74_without_certificate_check(bench):
    result = run_cli("cert", "check", "--ca", str(bench.dir / "ca_cert.pem"), "--server", f"127.0.0.1:{free_port()}")
    assert result.returncode == 1
    assert result.stdout.startswith("will fail: ERROR:74 expected, with no Certificate Error line: nothing listens")


def test_a_tls13_only_server_is_predicted_and_fails_without_certificate_error(sim, tmp_path):
    """The module speaks TLS 1.2 at most: no certificate check happens, SOCKON answers 74 alone."""
    openssl = require_tool("openssl")
    ca = make_ca("TLS 1.3 CA")
    server = make_server(ca)
    for name, data in {"ca.pem": ca.pem, "cert.pem": server.pem, "key.pem": server.key_pem}.items():
        (tmp_path / name).write_bytes(data)
    port = free_port()
    proc = start_openssl_server(openssl, tmp_path / "cert.pem", tmp_path / "key.pem", port, "-tls1_3")
    try:
        result = run_cli("cert", "check", "--ca", str(tmp_path / "ca.pem"), "--server", f"127.0.0.1:{port}")
        assert result.returncode == 1 and "ERROR:74 expected" in result.stdout and "TLS 1.2" in result.stdout
        script = tmp_path / "plan.at"
        assert run_cli("cert", "plan", str(tmp_path / "ca.pem"), "--write-script", str(script)).returncode == 0
        run = run_cli("run", str(sim.link), str(script), "-c", f"AT+S.SOCKON=127.0.0.1,{port},NULL,s")
        assert "< AT-S.ERROR:74:Failed to open socket" in run.stdout
        assert "Certificate Error" not in run.stdout
    finally:
        proc.kill()
        proc.wait()
