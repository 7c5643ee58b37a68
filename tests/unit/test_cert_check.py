"""``core.certs.check``: the prediction of the module's answer, checked against the emulated module's
own verification (``emulator.tlsverify``), both against the documented rules."""

from __future__ import annotations

import datetime as dt
import ipaddress
import itertools

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from spwf_tui.core.certs import error_numbers, loading
from spwf_tui.core.certs.check import AS_PLANNED, ca_key_id, check_chain, fails_before_certificates, matches_name
from spwf_tui.core.moduletime import ModuleClock
from spwf_tui.emulator import tlsverify
from spwf_tui.emulator.tlsstore import TlsStore
from tests.support.certfactory import make_ca, make_intermediate, make_server

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _clock(at: dt.datetime = NOW) -> ModuleClock:
    return ModuleClock(at, given=True)


@pytest.fixture(scope="module", params=["ec", "rsa"])
def pki(request):
    ca = make_ca(key_type=request.param)
    return {"ca": ca, "server": make_server(ca, key_type=request.param), "other": make_ca("Other CA")}


def test_right_ca_connects(pki):
    result = check_chain(pki["ca"].cert, [pki["server"].cert], _clock())
    assert result.connects and result.verdict == "will connect" and result.certificate_error is None
    assert result.path == ("CN=localhost", "CN=spwf-tui Test CA")
    assert any("would accept it too" in n for n in check_chain(pki["ca"].cert, [pki["server"].cert], _clock(),
                                                               strict_name="127.0.0.1").notes)


def test_wrong_ca_is_certificate_error_23(pki):
    result = check_chain(pki["other"].cert, [pki["server"].cert], _clock())
    assert not result.connects and result.certificate_error == 23
    assert result.verdict == ("will fail: Certificate Error:23 expected "
                              "(the server's chain is not signed by this CA)")
    assert any("does not lead to the CA CN=Other CA" in r for r in result.reasons)


def test_forty_hex_characters_as_auth_is_certificate_error_3(pki):
    text = pki["ca"].ski.hex().upper().encode()
    result = check_chain(pki["ca"].cert, [pki["server"].cert], _clock(), auth=text)
    assert result.certificate_error == 3
    assert any("40 characters of hex text, not the 20 raw bytes" in r for r in result.reasons)
    assert check_chain(pki["ca"].cert, [pki["server"].cert], _clock(), auth=pki["ca"].ski).connects


def test_pem_ca_without_auth_is_3_and_der_ca_without_auth_connects(pki):
    assert check_chain(pki["ca"].cert, [pki["server"].cert], _clock(), auth=None).certificate_error == 3
    assert check_chain(pki["ca"].cert, [pki["server"].cert], _clock(), auth=None, ca_is_pem=False).connects


def test_clock_before_the_server_certificate_is_9_and_after_is_10(pki):
    leaf = pki["server"].cert
    early = check_chain(pki["ca"].cert, [leaf], _clock(leaf.not_valid_before_utc - dt.timedelta(hours=1)))
    assert early.certificate_error == 9 and "not yet valid at module time" in early.verdict
    assert any("9 is the emulated module's number" in n for n in early.notes)
    late = check_chain(pki["ca"].cert, [leaf], _clock(leaf.not_valid_after_utc + dt.timedelta(days=1)))
    assert late.certificate_error == 10 and "has expired" in late.verdict


def test_unset_clock_in_1970_is_not_yet_valid(pki):
    result = check_chain(pki["ca"].cert, [pki["server"].cert], _clock(dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)))
    assert result.certificate_error == 9


def test_server_name_is_checked_only_when_given(pki):
    chain = [pki["server"].cert]
    assert check_chain(pki["ca"].cert, chain, _clock(), name="localhost").connects
    assert check_chain(pki["ca"].cert, chain, _clock(), name="127.0.0.1").connects
    wrong = check_chain(pki["ca"].cert, chain, _clock(), name="example.com")
    assert wrong.certificate_error == 62 and "DNS:localhost, IP:127.0.0.1" in " ".join(wrong.reasons)
    assert any("No server name checked" in n for n in check_chain(pki["ca"].cert, chain, _clock()).notes)


def test_intermediates_the_server_sends_complete_the_path():
    root = make_ca("Root")
    inter = make_intermediate(root)
    leaf = make_server(inter)
    result = check_chain(root.cert, [leaf.cert, inter.cert], _clock())
    assert result.connects and len(result.path) == 3
    missing = check_chain(root.cert, [leaf.cert], _clock(), intermediates_seen=False)
    assert missing.certificate_error == 23
    assert any("give the whole chain with --chain FILE" in n for n in missing.notes)


def test_a_weak_ca_the_module_takes_connects_though_a_strict_client_refuses():
    ca = make_ca(key_type="rsa", rsa_bits=1024)
    result = check_chain(ca.cert, [make_server(ca).cert], _clock(), strict_name="localhost")
    assert result.connects
    assert any("would refuse it" in n for n in result.notes)


def test_failures_before_any_certificate_check():
    result = fails_before_certificates(74, "nothing listens on 127.0.0.1:1 (connection refused)")
    assert not result.connects and result.verdict.startswith("will fail: ERROR:74 expected")


# -- the prediction and the emulated module both follow the documented rules -------------------------
# The emulator now calls core.certs.check itself, so comparing the two would prove nothing: both are
# checked against the rules as core.certs.error_numbers documents them, computed here by simple means.


def _cases():
    root = make_ca("Root", key_type="rsa")
    other = make_ca("Other")
    noski = make_ca("No SKI", with_ski=False)
    inter = make_intermediate(root)
    leaf = make_server(root, key_type="rsa")
    deep = make_server(inter)
    noski_leaf = make_server(noski)
    start = leaf.cert.not_valid_before_utc
    chains = {"direct": (root, [leaf.cert]), "via intermediate": (root, [deep.cert, inter.cert]),
              "intermediate missing": (root, [deep.cert]), "wrong CA": (other, [leaf.cert]),
              "CA without SKI": (noski, [noski_leaf.cert])}
    clocks = {"now": NOW, "before": start - dt.timedelta(days=2), "after": start + dt.timedelta(days=400)}
    uploads = {"PEM + planned auth": ("pem", AS_PLANNED), "PEM, no auth": ("pem", None),
               "DER, no auth": ("der", None), "PEM + 40 hex chars": ("pem", "hex-text")}
    names = {"no name": None, "right name": "localhost", "wrong name": "example.com"}
    for (chain_id, (ca, chain)), (clock_id, at), (upload_id, upload), (name_id, name) in itertools.product(
            chains.items(), clocks.items(), uploads.items(), names.items()):
        expected = _documented_answer(chain_id, clock_id, upload_id, name_id)
        yield pytest.param(ca, chain, at, upload, name, expected,
                           id=f"{chain_id}-{clock_id}-{upload_id}-{name_id}")


def _documented_answer(chain_id: str, clock_id: str, upload_id: str, name_id: str) -> int | None:
    """The first failing rule, in the documented order: key id, chain, validity, name."""
    key_id_known = upload_id == "PEM + planned auth" or (upload_id == "DER, no auth" and chain_id != "CA without SKI")
    if not key_id_known:
        return error_numbers.KEY_ID_MISMATCH
    if chain_id in ("wrong CA", "intermediate missing"):
        return error_numbers.CA_NOT_FOUND
    if clock_id == "before":
        return error_numbers.NOT_YET_VALID
    if clock_id == "after":
        return error_numbers.EXPIRED
    if name_id == "wrong name":
        return error_numbers.DOMAIN_MISMATCH
    return None


@pytest.mark.parametrize("ca, chain, at, upload, name, expected", list(_cases()))
def test_prediction_and_emulated_module_follow_the_rules(ca, chain, at, upload, name, expected):
    fmt, auth = upload
    key_id = ca_key_id(ca.cert)
    if auth is AS_PLANNED:
        # What cert plan uploads: nothing for a DER CA with SKI (the module reads it), else the key id.
        stored_auth = None if fmt == "der" and loading.subject_key_identifier(ca.cert) else key_id
    elif auth == "hex-text":
        stored_auth = key_id.hex().upper().encode()
    else:
        stored_auth = None
    store = TlsStore()
    store.put("ca", ca.pem if fmt == "pem" else ca.der)
    if stored_auth is not None:
        store.put("auth", stored_auth)
    emulated = tlsverify.check_server([c.public_bytes(Encoding.DER) for c in chain], store, at, name)
    predicted = check_chain(ca.cert, chain, _clock(at), name=name, ca_is_pem=fmt == "pem",
                            auth=AS_PLANNED if auth is AS_PLANNED else stored_auth)
    assert predicted.certificate_error == expected
    assert emulated == expected
    assert predicted.connects == (expected is None)


@pytest.mark.parametrize("pattern, wanted, expected", [
    ("*.example.com", "a.example.com", True), ("*.example.com", "example.com", False),
    ("*.example.com", "a.b.example.com", False), ("LocalHost", "localhost.", True),
])
def test_name_matching(pattern, wanted, expected):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, pattern)])
    base = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(NOW).not_valid_after(NOW + dt.timedelta(days=1)))
    cn_only = base.sign(key, hashes.SHA256())
    with_san = base.add_extension(x509.SubjectAlternativeName(
        [x509.DNSName(pattern), x509.IPAddress(ipaddress.ip_address("10.0.0.1"))]), False).sign(key, hashes.SHA256())
    for cert in (cn_only, with_san):
        assert matches_name(cert, wanted) == expected
    assert matches_name(with_san, "10.0.0.1") and not matches_name(cn_only, "10.0.0.1")
