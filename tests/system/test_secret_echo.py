"""A private key the module refuses comes back as echoed command lines: it must not reach the
screen or the recording (issue 13 §3). The emulated module answers an over-size
``TLSCERT=key`` header with ``AT-S.ERROR:32`` and, like the real console, then reads the key's
lines as commands and echoes each one."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.system.helpers import run_cli


@pytest.fixture(scope="module")
def rsa4096():
    return rsa.generate_private_key(public_exponent=65537, key_size=4096)


@pytest.fixture(scope="module", params=["crlf", "lf"])
def big_key(request, rsa4096, tmp_path_factory):
    """A 4096-bit RSA key in PEM (about 3.3 KB: more than the module takes). With CRLF the
    module echoes it line by line; with LF only it is one long command line, echoed cut."""
    pem = rsa4096.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    if request.param == "crlf":
        pem = pem.replace(b"\n", b"\r\n")
    folder = tmp_path_factory.mktemp("bigkey")
    (folder / "key.pem").write_bytes(pem)
    # What a user sends raw with :send-file to try it anyway: the header and the key, as typed.
    (folder / "upload.bin").write_bytes(b"AT+S.TLSCERT=key,%d\r" % len(pem) + pem)
    return folder, pem


def _key_lines(pem: bytes) -> list[str]:
    """The key's base64 lines, and their halves (what a module that cuts lines could show)."""
    lines = [line.decode() for line in pem.splitlines() if len(line) > 8 and b"-----" not in line]
    return lines + [half for line in lines for half in (line[:len(line) // 2], line[len(line) // 2:])]


def _recorded_text(path) -> str:
    events = [json.loads(line) for line in path.read_text().splitlines()[1:]]
    return "".join(event.get("text", "") for event in events if event.get("dir") in ("rx", "tx"))


def test_a_refused_key_echoed_back_is_neither_shown_nor_recorded(big_key, tmp_path):
    folder, pem = big_key
    recording = tmp_path / "session.jsonl"
    result = run_cli("repl", "sim://", "--record", str(recording), cwd=folder,
                     input=":send-file upload.bin\nAT\n")
    assert result.returncode == 0, result.stderr
    assert "AT-S.ERROR:32:Argument exceeds allowed size" in result.stdout  # the module refused it
    if b"\r\n" in pem:  # and echoed it, line by line
        assert result.stdout.count("AT-S.ERROR:1:Command not found") >= len(pem.splitlines())
    recorded = _recorded_text(recording)
    assert "AT-S.ERROR:32" in recorded
    leaks = [line for line in _key_lines(pem) if line in result.stdout + result.stderr or line in recorded]
    assert leaks == []
    assert "*" * 64 in result.stdout and "*" * 64 in recorded  # shown as stars


def test_with_show_and_record_secrets_the_echo_is_kept(big_key, tmp_path):
    folder, pem = big_key
    recording = tmp_path / "session.jsonl"
    result = run_cli("repl", "sim://", "--record", str(recording), "--record-secrets", "--show-secrets",
                     cwd=folder, input=":send-file upload.bin\nAT\n")
    assert result.returncode == 0, result.stderr
    line = _key_lines(pem)[3]
    assert line in result.stdout and line in _recorded_text(recording)
    # A recording made with the secrets is redacted again on export, echo included.
    exported = run_cli("export", str(recording), "--to", "text")
    assert exported.returncode == 0, exported.stderr
    assert not [line for line in _key_lines(pem) if line in exported.stdout]
