"""``core.certs.inspect``: facts, lengths and advice for certificates and keys, and every bad file."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from spwf_tui.core.certs.blob import EmptyFileError, examine, NotACertificateError, TruncatedPemError, WrongPassphraseError
from spwf_tui.core.certs.inspect import NEEDS_AUTH, RoleError, inspect, report_as_dict
from spwf_tui.core.moduletime import ModuleClock, ModuleTimeError, parse_module_time
from tests.support.certfactory import make_ca, make_server

SEED_CA = (Path(__file__).parent.parent / "data" / "seed_ca_cert.pem").read_bytes()
TODAY = ModuleClock(datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc), given=False)
SEED_SKI = "3E:F1:74:7F:D7:91:22:14:4B:CA:DF:4F:95:DF:96:0A:32:82:3B:4C"


def _texts(report) -> str:
    return "\n".join(w.text for w in report.warnings)


# -- the seed's CA ----------------------------------------------------------------------------


def test_seed_ca_facts():
    report = inspect(SEED_CA, TODAY, name="ca_cert.pem")
    cert = report.certificates[0]
    assert report.kind == "certificate" and report.role == "ca"
    assert report.blob.format == "PEM" and report.blob.line_ends == "LF"
    assert (report.blob.length, report.blob.other_length) == (1403, 1426)
    assert cert.ski is not None and ":".join(f"{b:02X}" for b in cert.ski) == SEED_SKI
    assert cert.key.describe() == "1024-bit RSA"
    assert cert.is_ca is True
    assert cert.crl_distribution_points == ("http://www.example.org/example_ca.crl",)
    assert cert.validity == "expired"
    assert cert.signature_algorithm == "sha256WithRSAEncryption"
    assert cert.self_signed and cert.sans == ()
    assert report.module_finds_ski is False and report.needs_auth is True


def test_seed_ca_warnings_say_what_goes_wrong_on_the_module():
    report = inspect(SEED_CA, TODAY, name="ca_cert.pem")
    text = _texts(report)
    assert "expired 2026-05-13 09:21:45 UTC: handshakes will fail once the module clock is past it" in text
    assert "host clock" in text  # says which clock it judged by
    assert "PEM: the module will answer `No SubjectKeyId`" in text
    assert "AT+S.TLSCERT=auth,ski:ca_cert.pem" in text and "needs auth" in text
    assert "1024-bit RSA" in text
    assert [w.level for w in report.warnings][0] == "error"  # errors first
    assert any(w.topic == NEEDS_AUTH for w in report.warnings)


def test_seed_ca_with_crlf_line_ends(tmp_path):
    crlf = tmp_path / "ca_cert.pem"
    crlf.write_bytes(SEED_CA.replace(b"\n", b"\r\n"))
    report = inspect(crlf.read_bytes(), TODAY, name=str(crlf))
    assert report.blob.line_ends == "CRLF"
    assert (report.blob.length, report.blob.other_length) == (1426, 1403)
    assert "1426 bytes as the file is (1403 with LF)" in _texts(report)


def test_mixed_line_ends_give_both_lengths():
    mixed = SEED_CA.replace(b"\n", b"\r\n", 3)
    blob = examine(mixed)
    assert blob.line_ends == "mixed" and blob.other_length is None
    assert (blob.length_lf, blob.length_crlf) == (1403, 1426)
    assert "mixed line ends" in _texts(inspect(mixed, TODAY))


def test_module_time_decides_validity_and_is_named():
    at_2017 = ModuleClock(parse_module_time("2017-08-31T09:05:38Z"), given=True)
    assert inspect(SEED_CA, at_2017).certificates[0].validity == "valid"
    before = inspect(SEED_CA, ModuleClock(parse_module_time("2015-01-01"), given=True))
    assert before.certificates[0].validity == "not yet valid"
    assert "not valid before 2016-07-04 09:21:45 UTC" in _texts(before) and "module time" in _texts(before)


def test_der_ca_with_ski_needs_no_auth():
    data = x509.load_pem_x509_certificate(SEED_CA).public_bytes(serialization.Encoding.DER)
    report = inspect(data, TODAY, name="ca.der")
    assert report.blob.format == "DER" and report.blob.line_ends == "none"
    assert report.module_finds_ski is True and report.needs_auth is False
    assert f"AT-S.SubjectKeyId:{SEED_SKI}" in _texts(report)


def test_ca_without_ski_is_an_error_for_the_module():
    report = inspect(make_ca(with_ski=False).pem, TODAY, name="noski.pem")
    assert report.certificates[0].ski is None
    assert any(w.level == "error" and "no Subject Key Identifier" in w.text for w in report.warnings)


def test_server_certificate_is_guessed_as_cert_and_shows_sans():
    ca = make_ca()
    report = inspect(make_server(ca).pem, TODAY)
    facts = report.certificates[0]
    assert report.role == "cert" and facts.is_ca is None
    assert facts.sans == ("DNS:localhost", "IP:127.0.0.1")
    assert facts.aki == ca.ski and not facts.self_signed
    assert "not a CA" not in _texts(report)
    assert "not a CA certificate" in _texts(inspect(make_server(ca).pem, TODAY, role="ca"))


def test_pem_bundle_lists_every_certificate_and_warns_as_ca():
    ca = make_ca()
    bundle = ca.pem + make_server(ca).pem
    report = inspect(bundle, TODAY, role="ca")
    assert len(report.certificates) == 2
    assert "2 certificates in one file" in _texts(report)


def test_upload_over_the_bundle_limit_is_an_error():
    ca = make_ca()
    bundle = b"".join(make_server(ca).pem for _ in range(3))
    assert len(bundle) > 1475
    report = inspect(bundle, TODAY, role="cert")
    assert any(w.level == "error" and "over the 1475-byte local bundle limit" in w.text for w in report.warnings)


def test_text_outside_pem_blocks_and_a_key_inside_are_flagged():
    ca = make_ca()
    data = b"Bag Attributes\n    friendlyName: x\n" + ca.pem + ca.key_pem
    text = _texts(inspect(data, TODAY))
    assert "outside the PEM blocks" in text and "also holds a private key" in text


def test_report_as_dict_is_json_with_colon_hex():
    record = report_as_dict(inspect(SEED_CA, TODAY, name="ca_cert.pem"))
    json.dumps(record)
    assert record["certificates"][0]["ski"] == SEED_SKI
    assert record["length"] == 1403 and record["other_line_end_length"] == 1426
    assert record["needs_auth"] is True and record["time_source"] == "host clock"


# -- keys -------------------------------------------------------------------------------------


def _rsa():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _encode(key, encoding, fmt, password=None):
    algorithm = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(encoding, fmt, algorithm)


PEM, DER = serialization.Encoding.PEM, serialization.Encoding.DER
PKCS1, PKCS8 = serialization.PrivateFormat.TraditionalOpenSSL, serialization.PrivateFormat.PKCS8


@pytest.mark.parametrize("make, encoding, fmt, structure, described", [
    (_rsa, PEM, PKCS1, "PKCS#1", "2048-bit RSA"),
    (_rsa, PEM, PKCS8, "PKCS#8", "2048-bit RSA"),
    (_rsa, DER, PKCS1, "PKCS#1", "2048-bit RSA"),
    (_rsa, DER, PKCS8, "PKCS#8", "2048-bit RSA"),
    (lambda: ec.generate_private_key(ec.SECP256R1()), PEM, PKCS1, "SEC1", "EC P-256"),
    (lambda: ec.generate_private_key(ec.SECP384R1()), DER, PKCS8, "PKCS#8", "EC P-384"),
])
def test_private_keys_are_described_without_their_material(make, encoding, fmt, structure, described):
    key = make()
    data = _encode(key, encoding, fmt)
    report = inspect(data, TODAY, name="key")
    assert report.kind == "private key" and report.role == "key"
    assert report.key.structure == structure and not report.key.encrypted
    assert report.key.key.describe() == described
    dumped = json.dumps(report_as_dict(report))
    numbers = key.private_numbers()
    secret = numbers.d if hasattr(numbers, "d") else numbers.private_value
    assert str(secret) not in dumped and f"{secret:x}" not in dumped.lower()
    assert data.decode("latin-1")[40:80] not in dumped


def test_key_matches_its_certificate_and_not_another():
    ca = make_ca()
    server = make_server(ca)
    assert inspect(server.key_pem, TODAY, compare_with=server.cert).key.matches_cert is True
    other = inspect(server.key_pem, TODAY, compare_with=ca.cert)
    assert other.key.matches_cert is False
    assert any(w.level == "error" and "does not match" in w.text for w in other.warnings)
    assert inspect(server.key_pem, TODAY).key.public_key_id == server.ski


@pytest.mark.parametrize("fmt, encoding, structure", [(PKCS8, PEM, "PKCS#8"), (PKCS1, PEM, "PKCS#1"),
                                                      (PKCS8, DER, "PKCS#8")])
def test_encrypted_keys_are_locked_without_passphrase_and_open_with_it(fmt, encoding, structure):
    data = _encode(_rsa(), encoding, fmt, b"s3cret")
    locked = inspect(data, TODAY)
    assert locked.key.locked and locked.key.encrypted and locked.key.structure == structure
    assert any(w.level == "error" and "encrypted" in w.text for w in locked.warnings)
    opened = inspect(data, TODAY, passphrase=b"s3cret")
    assert not opened.key.locked and opened.key.key.describe() == "2048-bit RSA"
    with pytest.raises(WrongPassphraseError, match="passphrase does not decrypt"):
        inspect(data, TODAY, passphrase=b"wrong")


# -- bad files --------------------------------------------------------------------------------


@pytest.mark.parametrize("data, error, message", [
    (b"", EmptyFileError, "the file is empty"),
    (b" \r\n\t", EmptyFileError, "only blank space"),
    (SEED_CA[:600], TruncatedPemError, "truncated PEM"),
    (SEED_CA.replace(b"MIID3zCC", b"!!!!!!!!"), NotACertificateError, "does not decode"),
    (b"\x00\x01garbage\xff" * 10, NotACertificateError, "neither a certificate nor a private key"),
    (b"hello, I am a certificate\n", NotACertificateError, "neither PEM nor DER"),
    (b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", NotACertificateError, "public key"),
    (b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", NotACertificateError,
     "certificate request"),
])
def test_bad_files_raise_one_line_reasons(data, error, message):
    with pytest.raises(error, match=message) as caught:
        inspect(data, TODAY)
    assert "\n" not in str(caught.value)


def test_damaged_key_is_a_clear_error():
    data = _encode(_rsa(), PEM, PKCS8)
    damaged = data.replace(data[100:140], b"A" * 40)
    with pytest.raises(NotACertificateError, match="private key does not decode"):
        inspect(damaged, TODAY)


def test_roles_that_do_not_fit_the_content_are_refused():
    key = make_ca().key_pem
    with pytest.raises(RoleError, match="is a private key, not a certificate: it cannot be uploaded as ca"):
        inspect(key, TODAY, name="key.pem", role="ca")
    with pytest.raises(RoleError, match="is a certificate, not a private key"):
        inspect(SEED_CA, TODAY, name="ca.pem", role="key")


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "99999999999", "-5"])
def test_bad_module_times_are_refused(text):
    with pytest.raises(ModuleTimeError):
        parse_module_time(text)


def test_module_time_forms():
    assert parse_module_time("1504170338") == datetime(2017, 8, 31, 9, 5, 38, tzinfo=timezone.utc)
    assert parse_module_time("2017-08-31T09:05:38Z") == parse_module_time("2017-08-31 09:05:38")
    assert parse_module_time("2017-08-31T11:05:38+02:00") == parse_module_time("1504170338")


def test_a_pem_rsa_2048_key_over_1475_bytes_is_a_warning_not_an_error():
    key = _encode(_rsa(), PEM, PKCS8)
    assert len(key) > 1475
    warnings = [w for w in inspect(key, TODAY).warnings if "1475" in w.text]
    assert len(warnings) == 1 and warnings[0].level == "warning" and "pkey -outform DER" in warnings[0].text


def test_a_wrong_passphrase_that_passes_the_padding_check_is_still_called_wrong():
    # Traditional PEM encryption (PKCS#1, DEK-Info) checks only the CBC padding: about one wrong
    # passphrase in 250 decrypts to bytes that are no key. Found as a 1-in-200 flake of the test
    # above; this tries wrong passphrases until one gets past the padding.
    data = _encode(_rsa(), PEM, PKCS1, b"s3cret")
    reasons = set()
    for attempt in range(3000):
        with pytest.raises(WrongPassphraseError) as caught:
            inspect(data, TODAY, passphrase=f"wrong{attempt}".encode())
        reasons.add(str(caught.value))
        if len(reasons) == 2:
            break
    assert reasons == {"the passphrase does not decrypt the private key",
                       "the passphrase does not decrypt the private key (or the encrypted key is damaged)"}
