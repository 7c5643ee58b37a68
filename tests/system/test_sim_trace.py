"""``spwf-tui sim --trace FILE`` writes what the host sent without its secrets, owner-only, and
never through a link (issue 13 §3)."""

from __future__ import annotations

import stat
import subprocess

from tests.support.certfactory import make_ca
from tests.system.helpers import CLI, run_cli

PASSPHRASE = "Tr0ub4dor-correct-horse"


def _serve(tmp_path, *extra: str) -> subprocess.Popen:
    proc = subprocess.Popen([*CLI, "sim", "--pty", "--link", str(tmp_path / "ttySIM"), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()
    assert "listening on" in first, first + proc.stderr.read()
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=10)


def _drive(tmp_path, key) -> None:
    result = run_cli("run", str(tmp_path / "ttySIM"), "--no-record", "-c", f"AT+S.SCFG=wifi_wpa_psk_text,{PASSPHRASE}",
                     "-c", f"AT+S.TLSCERT=key,@{key}", "-c", "AT+S.STS=fw_version")
    assert result.returncode == 0, result.stderr


def test_the_trace_is_redacted_and_private_by_default(tmp_path):
    key = tmp_path / "key.pem"
    key.write_bytes(make_ca().key_pem)
    trace = tmp_path / "trace.bin"
    proc = _serve(tmp_path, "--trace", str(trace))
    try:
        _drive(tmp_path, key)
    finally:
        _stop(proc)
    data = trace.read_bytes()
    assert b"AT+S.STS=fw_version\r" in data
    assert PASSPHRASE.encode() not in data and b"AT+S.SCFG=wifi_wpa_psk_text," + b"*" * len(PASSPHRASE) in data
    pem = key.read_bytes()
    assert pem.splitlines()[1] not in data and b"*" * len(pem) in data
    assert stat.S_IMODE(trace.stat().st_mode) == 0o600


def test_record_secrets_keeps_them(tmp_path):
    key = tmp_path / "key.pem"
    key.write_bytes(make_ca().key_pem)
    trace = tmp_path / "trace.bin"
    proc = _serve(tmp_path, "--trace", str(trace), "--record-secrets")
    try:
        _drive(tmp_path, key)
    finally:
        _stop(proc)
    data = trace.read_bytes()
    assert PASSPHRASE.encode() in data and key.read_bytes() in data


def test_a_trace_path_that_is_a_link_is_refused(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (tmp_path / "trace.bin").symlink_to(victim)
    result = run_cli("sim", "--pty", "--trace", str(tmp_path / "trace.bin"), timeout=20)
    assert result.returncode == 2
    assert result.stderr.startswith("spwf-tui: --trace ") and "symbolic link" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert victim.read_text() == "precious\n"
