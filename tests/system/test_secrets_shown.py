"""Secrets on the screen: ``run``'s transcript (text and JSON), its failure lines and the REPL's
printed lines redact keys and passphrases by default; ``--show-secrets`` shows them."""

from __future__ import annotations

import json

import pytest

from spwf_tui.core.present.payloads import payload_preview
from tests.support.certfactory import make_ca
from tests.system.helpers import run_cli

PASSPHRASE = "Tr0ub4dor&3 correct horse"
TOO_LONG = "L0ng-" * 14
"""70 characters: more than ``wifi_wpa_psk_text`` holds, so the module answers ERROR:32."""


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    path = tmp_path_factory.mktemp("key") / "key.pem"
    path.write_bytes(make_ca().key_pem)
    return path


def _steps(key) -> list[str]:
    lines = [f"AT+S.SCFG=wifi_wpa_psk_text,{PASSPHRASE}", "AT+S.GCFG=wifi_wpa_psk_text",
             f'expect "AT-S.Var:wifi_wpa_psk_text={PASSPHRASE}"', "AT+S.GCFG", f"AT+S.TLSCERT=key,@{key}",
             f"note psk was AT+S.SCFG=wifi_wpa_psk_text,{PASSPHRASE}", f"AT+S.SCFG=wifi_wpa_psk_text,{TOO_LONG}"]
    return [a for line in lines for a in ("-c", line)]


def _leaks(text: str, key) -> list[str]:
    """The secrets (or recognisable pieces of them) found in ``text``."""
    pem = key.read_bytes()
    hexed = " ".join(f"{b:02x}" for b in pem[:16])  # how a hex view would show the key
    preview = payload_preview(pem, 48)[:-2]  # how a transcript's preview would (without " …")
    pieces = [PASSPHRASE, "Tr0ub4dor", TOO_LONG, "L0ng-L0ng", hexed, preview, pem.decode().splitlines()[1][:20]]
    return [piece for piece in pieces if piece in text]


def test_run_transcript_and_failure_line_are_redacted_by_default(key):
    result = run_cli("run", "sim://", "--no-record", *_steps(key))
    assert result.returncode == 1  # the last step: the too-long passphrase is refused
    assert _leaks(result.stdout + result.stderr, key) == []
    stars = "*" * len(PASSPHRASE)
    assert f"> AT+S.SCFG=wifi_wpa_psk_text,{stars}" in result.stdout
    assert f"< AT-S.Var:wifi_wpa_psk_text={stars}" in result.stdout
    assert f"> [{len(key.read_bytes())} payload bytes] {'*' * 48} …\n" in result.stdout
    # Redaction runs to the end of the step's text: the closing quote goes too.
    assert f'# expect "AT-S.Var:wifi_wpa_psk_text={stars}*: held by AT-S.Var:wifi_wpa_psk_text={stars}\n' in result.stdout
    assert result.stderr == (f"spwf-tui run: -c #7: AT+S.SCFG=wifi_wpa_psk_text,{'*' * len(TOO_LONG)}: "
                             "AT-S.ERROR:32:Argument exceeds allowed size\n")


def test_run_json_results_are_redacted_by_default(key):
    result = run_cli("run", "sim://", "--no-record", "--json", *_steps(key))
    assert result.returncode == 1
    assert _leaks(result.stdout + result.stderr, key) == []
    results = [json.loads(line) for line in result.stdout.splitlines()]
    assert results[0]["command"] == "AT+S.SCFG=wifi_wpa_psk_text," + "*" * len(PASSPHRASE)
    assert results[2]["ok"] is True  # the expectation saw the real value; only the output is redacted


def test_show_secrets_shows_them(key):
    result = run_cli("run", "sim://", "--no-record", "--show-secrets", *_steps(key))
    assert result.returncode == 1
    assert f"> AT+S.SCFG=wifi_wpa_psk_text,{PASSPHRASE}" in result.stdout
    assert f"< AT-S.Var:wifi_wpa_psk_text={PASSPHRASE}" in result.stdout
    assert TOO_LONG in result.stderr


def test_repl_prints_redacted_lines(key):
    lines = [f"AT+S.SCFG=wifi_wpa_psk_text,{PASSPHRASE}", "AT+S.GCFG=wifi_wpa_psk_text", f"AT+S.TLSCERT=key,@{key}",
             ":hex", f"AT+S.TLSCERT=key,@{key}"]
    result = run_cli("repl", "sim://", "--no-record", input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert _leaks(result.stdout + result.stderr, key) == []
    assert f"AT-S.Var:wifi_wpa_psk_text={'*' * len(PASSPHRASE)}" in result.stdout
    shown = run_cli("repl", "sim://", "--no-record", "--show-secrets", input="\n".join(lines[:2]) + "\n")
    assert f"AT-S.Var:wifi_wpa_psk_text={PASSPHRASE}" in shown.stdout


def test_a_passphrase_that_starts_like_a_payload_source_is_sent_as_typed():
    """``@home`` or ``"quoted"`` is a passphrase for SCFG, not a file or a text payload."""
    result = run_cli("run", "sim://", "--no-record", "--show-secrets", "-c", 'AT+S.SCFG=wifi_wpa_psk_text,@home"1"',
                     "-c", "AT+S.GCFG=wifi_wpa_psk_text")
    assert result.returncode == 0, result.stderr
    assert '< AT-S.Var:wifi_wpa_psk_text=@home"1"' in result.stdout
