"""`spwf-tui cert` on bad input, as a subprocess: one line on stderr, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.support.certfactory import make_ca, make_server
from tests.system.helpers import run_cli

SEED_CA = (Path(__file__).parent.parent / "data" / "seed_ca_cert.pem").read_bytes()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    ca = make_ca()
    server = make_server(ca)
    contents = {
        "empty.pem": b"",
        "truncated.pem": SEED_CA[:700],
        "garbage.bin": bytes(range(256)) * 3,
        "key.pem": server.key_pem,
        "cert.pem": server.pem,
        "ca.pem": ca.pem,
        "encrypted.pem": server.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.BestAvailableEncryption(b"letmein")),
    }
    for name, data in contents.items():
        (tmp / name).write_bytes(data)
    return tmp


CASES = {
    "empty file": (["inspect", "{d}/empty.pem"], "empty.pem: the file is empty"),
    "truncated PEM": (["inspect", "{d}/truncated.pem"], "truncated PEM"),
    "garbage": (["inspect", "{d}/garbage.bin"], "neither a certificate nor a private key"),
    "missing file": (["inspect", "{d}/nope.pem"], "nope.pem: no such file"),
    "directory": (["plan", "{d}"], "is a directory"),
    "key planned as ca": (["plan", "{d}/key.pem", "--as", "ca"], "is a private key, not a certificate"),
    "cert planned as key": (["plan", "{d}/cert.pem", "--as", "key"], "is a certificate, not a private key"),
    "key given as --ca": (["check", "--ca", "{d}/key.pem", "--chain", "{d}/cert.pem"],
                          "key.pem: is a private key, not a certificate: --ca needs the CA certificate"),
    "key given as --chain": (["check", "--ca", "{d}/ca.pem", "--chain", "{d}/key.pem"], "--chain needs"),
    "garbage as --ca": (["check", "--ca", "{d}/garbage.bin", "--server", "127.0.0.1:1"], "garbage.bin: neither"),
    "encrypted key without passphrase": (["inspect", "{d}/encrypted.pem"],
                                         "encrypted private key (PKCS#8); give --passphrase-env VAR"),
    "wrong passphrase": (["inspect", "{d}/encrypted.pem", "--passphrase-env", "SPWF_TEST_PASS"],
                         "the passphrase does not decrypt the private key"),
    "passphrase variable unset": (["inspect", "{d}/encrypted.pem", "--passphrase-env", "SPWF_TEST_UNSET"],
                                  "no such environment variable"),
    "--cert given a key": (["inspect", "{d}/key.pem", "--cert", "{d}/key.pem"], "--cert needs the certificate"),
    "--cert with a certificate": (["inspect", "{d}/cert.pem", "--cert", "{d}/ca.pem"],
                                  "--cert compares a private key"),
    "bad module time": (["inspect", "{d}/ca.pem", "--module-time", "tomorrow"], "--module-time"),
    "bad server": (["check", "--ca", "{d}/ca.pem", "--server", "localhost"], "give HOST:PORT"),
    "bad auth source": (["check", "--ca", "{d}/ca.pem", "--chain", "{d}/cert.pem", "--auth", "hex:3E F"],
                        "--auth: hex: odd number of digits"),
    "no server or chain": (["check", "--ca", "{d}/ca.pem"], "one of the arguments --server --chain is required"),
    "no action": ([], "the following arguments are required"),
    "unknown action": (["frobnicate"], "invalid choice"),
    "unwritable script": (["plan", "{d}/ca.pem", "--write-script", "{d}/no/such/dir/x.at"], "cannot write"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_and_exit_2(case, files, monkeypatch):
    monkeypatch.setenv("SPWF_TEST_PASS", "wrong")
    monkeypatch.delenv("SPWF_TEST_UNSET", raising=False)
    args, expected = CASES[case]
    result = run_cli("cert", *[a.format(d=files) for a in args])
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("spwf-tui: "), result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_encrypted_key_opens_with_its_passphrase(files, monkeypatch):
    monkeypatch.setenv("SPWF_TEST_PASS", "letmein")
    result = run_cli("cert", "inspect", str(files / "encrypted.pem"), "--passphrase-env", "SPWF_TEST_PASS",
                     "--cert", str(files / "cert.pem"))
    assert result.returncode == 0, result.stderr
    assert "EC P-256" in result.stdout and "matches:" in result.stdout and "yes" in result.stdout
    assert "encrypted: the module has no way to take a passphrase" in result.stdout
    assert "PRIVATE KEY" not in result.stdout


# -- a private key is not printed by default (issue 13 §3) ------------------------------------

def test_cert_plan_of_a_key_leaves_the_key_out_unless_asked(tmp_path):
    import base64
    import json

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    (tmp_path / "key.der").write_bytes(der)
    secret_piece = der[-24:]
    for form in ("--json", None):
        args = ["cert", "plan", str(tmp_path / "key.der"), "--as", "key", "--no-time"] + ([form] if form else [])
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr
        out = result.stdout
        for shown in (secret_piece.hex(), secret_piece.hex(" "), base64.b64encode(der).decode(), der[-8:].hex(" ")):
            assert shown not in out
        full = run_cli(*args, "--include-secrets")
        assert full.returncode == 0 and (der[-8:].hex(" ") if form is None else der[-8:].hex()) in full.stdout
    plan = json.loads(run_cli("cert", "plan", str(tmp_path / "key.der"), "--as", "key", "--json").stdout)
    upload = [step for step in plan["steps"] if step["line"].startswith("AT+S.TLSCERT=key,")][0]
    assert upload["payload_redacted"] is True and upload["payload_hex"] is None and upload["payload_length"] == len(der)
    full = json.loads(run_cli("cert", "plan", str(tmp_path / "key.der"), "--as", "key", "--json",
                              "--include-secrets").stdout)
    assert bytes.fromhex([s for s in full["steps"] if s["payload_hex"]][0]["payload_hex"]) == der
