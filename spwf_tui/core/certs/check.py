"""``check_chain``: will the module accept this server's chain with this CA, at its clock?

Verification approach (and why not cryptography's policy verifier): the verdict must predict the
*module*, and the module is not a Web-PKI client. It took the seed's 1024-bit RSA CA, it checks
a server name only when SOCKON's 4th field gives one, and CN without SAN is fine there.
``cryptography.x509.verification`` refuses RSA under 2048 bits and a leaf without SAN, and always
wants a name, so it would predict failures the module does not have. The verdict therefore
comes from the module's own checks, in the module's order, done directly: the key id (``auth``)
must be the CA's, the chain must lead from the leaf through the certificates the server sent to
the CA by signature (``verify_directly_issued_by``), every certificate of that path must be
valid at the module's clock, and a given name must match the leaf (SAN, else CN). The emulated module
calls this same function (``emulator/tlsverify.py``), so prediction and emulation cannot drift;
a unit test checks both against the documented rules. The policy verifier still runs, as a second opinion in the notes: it tells what a
strict modern client would say about the same chain.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, TypeAlias

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from spwf_tui.core.certs import error_numbers, loading
from spwf_tui.core.display import visible
from spwf_tui.core.certs.facts import EXPIRED, NOT_YET_VALID, public_key_id, validity_at
from spwf_tui.core.moduletime import ModuleClock, format_utc

MAX_CHAIN = 8
"""Longest path tried (the emulator's bound too)."""


class _Planned:
    def __repr__(self) -> str:
        return "AS_PLANNED"


AS_PLANNED: Final = _Planned()
"""``auth`` default: the key id is uploaded as ``cert plan`` does (the CA's own SKI when needed)."""
AuthUpload: TypeAlias = "bytes | None | _Planned"
"""What ``check_chain``'s ``auth`` takes: bytes, None or ``AS_PLANNED``."""


@dataclass(frozen=True)
class CheckResult:
    """The prediction, with its reasons."""

    connects: bool
    verdict: str
    """One line: ``will connect`` or ``will fail: Certificate Error:23 expected (...)``."""
    certificate_error: int | None = None
    """The ``AT-S.Certificate Error`` number expected, when the failure is a certificate check."""
    reasons: tuple[str, ...] = ()
    """Each check in the module's order, passed or failed."""
    notes: tuple[str, ...] = field(default=())
    """Caveats: what could not be seen, which numbers are guesses, a strict client's opinion."""
    path: tuple[str, ...] = ()
    """Subjects from the leaf to the CA, when the chain leads there."""


def ca_key_id(ca: x509.Certificate) -> bytes | None:
    """The key id the CA is known by: its SKI, or (no extension) the SHA-1 of its public key."""
    ski = loading.subject_key_identifier(ca)
    return ski if ski is not None else public_key_id(ca.public_key())


def check_chain(ca: x509.Certificate, chain: Sequence[x509.Certificate], clock: ModuleClock, *,
                name: str | None = None, ca_is_pem: bool = True, auth: bytes | None | _Planned = AS_PLANNED,
                intermediates_seen: bool = True, strict_name: str | None = None) -> CheckResult:
    """Predict the module's answer to a TLS ``SOCKON`` against a server sending ``chain``.

    Args:
        ca: the certificate stored with ``TLSCERT=ca``.
        chain: what the server sends, leaf first.
        clock: the module's clock.
        name: the server name in SOCKON's 4th field, or None for ``s`` (no name check).
        ca_is_pem: the CA is uploaded as PEM (the module then cannot read its key id itself).
        auth: the bytes uploaded with ``TLSCERT=auth``; None for no auth upload; ``AS_PLANNED``
            for the CA's own key id (what ``cert plan`` uploads).
        intermediates_seen: False when only the leaf could be read from the server.
        strict_name: the name for the strict second opinion (default ``name``).
    """
    if not chain:
        raise ValueError("check_chain needs at least the server's leaf certificate")
    leaf = chain[0]
    failures: list[tuple[int, str]] = []
    reasons: list[str] = []
    notes: list[str] = []

    key_problem, key_reason = _key_id_check(ca, ca_is_pem, auth)
    reasons.append(key_reason)
    if key_problem:
        failures.append((error_numbers.KEY_ID_MISMATCH, "the auth key id is not this CA's Subject Key Identifier"))

    path = path_to_ca(chain, ca)
    if path is None:
        reasons.append(f"chain: {_describe(leaf)}, issued by {visible(leaf.issuer.rfc4514_string())}, does not "
                       f"lead to the CA {visible(ca.subject.rfc4514_string())}{_aki_hint(leaf, ca)}")
        failures.append((error_numbers.CA_NOT_FOUND, "the server's chain is not signed by this CA"))
        if not intermediates_seen and leaf.issuer != ca.subject:
            notes.append("Only the server's leaf certificate could be read (Python before 3.13 shows no "
                         "more): if the server also sends an intermediate signed by this CA, give the whole "
                         "chain with --chain FILE.")
    else:
        reasons.append("chain: " + " <- ".join(_describe(c) for c in path) + " (signatures check)")
        if not intermediates_seen:
            notes.append("Only the server's leaf certificate could be read (Python before 3.13 shows no "
                         "more); that is enough here: this CA signed it directly.")

    timed = path if path is not None else [leaf, ca]
    time_failure = _validity_check(timed, ca, clock, reasons)
    if time_failure is not None and path is not None:
        failures.append(time_failure)

    if name is not None:
        if matches_name(leaf, name):
            reasons.append(f"name: {name!r} matches the server certificate")
        else:
            names = ", ".join(_leaf_names(leaf)) or "none"
            reasons.append(f"name: {name!r} is not among the server certificate's names ({names})")
            failures.append((error_numbers.DOMAIN_MISMATCH, f"the server name {name!r} does not match the server "
                                                         "certificate"))
    else:
        notes.append("No server name checked: SOCKON=<host>,<port>,,s checks none. With a name in the 4th "
                     "field (--name NAME here) the module checks it against the certificate.")

    if auth is AS_PLANNED:
        notes.append("Assumed the CA is uploaded as `spwf-tui cert plan` does (with its raw SKI as auth when "
                     "the module cannot read it); --auth SOURCE checks what is really stored.")
    strict = strict_opinion(ca, chain, clock, strict_name or name)
    if strict:
        notes.append(strict)

    if not failures:
        return CheckResult(True, "will connect", None, tuple(reasons), tuple(notes), _subjects(path))
    number, why = failures[0]
    note = error_numbers.honesty_note(number)
    if note:
        notes.insert(0, note)
    return CheckResult(False, f"will fail: Certificate Error:{number} expected ({why})", number,
                       tuple(reasons), tuple(notes), _subjects(path))


def fails_before_certificates(error: int, why: str, notes: Sequence[str] = ()) -> CheckResult:
    """A prediction for a server the module cannot even start a certificate check with."""
    return CheckResult(False, f"will fail: ERROR:{error} expected, with no Certificate Error line: {why}",
                       None, (why,), tuple(notes))


def path_to_ca(chain: Sequence[x509.Certificate], ca: x509.Certificate) -> list[x509.Certificate] | None:
    """Leaf, the intermediates it needs from ``chain``, then ``ca``; None when no such path."""
    path = [chain[0]]
    others = list(chain[1:])
    for _ in range(MAX_CHAIN):
        current = path[-1]
        if current == ca:
            return path
        if issued_by(current, ca):
            return [*path, ca]
        parent = next((c for c in others if c not in path and issued_by(current, c)), None)
        if parent is None:
            return None
        path.append(parent)
    return None


def issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """``issuer``'s name is ``cert``'s issuer and its key made ``cert``'s signature."""
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def matches_name(leaf: x509.Certificate, name: str) -> bool:
    """``name`` is one of the leaf's SAN names or addresses (``*.`` covers one label), or its CN
    when it has no SAN — the module's rule (as emulated)."""
    wanted = name.strip().rstrip(".").lower()
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        common = leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return any(_pattern_matches(str(attr.value), wanted) for attr in common)
    try:
        address = ipaddress.ip_address(wanted)
    except ValueError:
        return any(_pattern_matches(dns, wanted) for dns in san.get_values_for_type(x509.DNSName))
    return address in san.get_values_for_type(x509.IPAddress)


def strict_opinion(ca: x509.Certificate, chain: Sequence[x509.Certificate], clock: ModuleClock,
                   name: str | None) -> str | None:
    """What cryptography's Web-PKI verifier says about the chain for ``name``; None without a name."""
    if not name:
        return None
    try:
        subject: x509.DNSName | x509.IPAddress = x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        subject = x509.DNSName(name)
    try:
        verifier = PolicyBuilder().store(Store([ca])).time(clock.at).build_server_verifier(subject)
        verifier.verify(chain[0], list(chain[1:]))
    except VerificationError as exc:
        detail = visible(re.sub(r"\s*\(encountered processing .*\)$", "", str(exc)))
        return f"A strict modern TLS client (cryptography's verifier, for {name!r}) would refuse it: {detail}."
    except (ValueError, TypeError) as exc:
        return f"The strict check (cryptography's verifier) could not run: {exc}."
    return f"A strict modern TLS client (cryptography's verifier, for {name!r}) would accept it too."


# -- the checks -----------------------------------------------------------------------------


def _key_id_check(ca: x509.Certificate, ca_is_pem: bool, auth: bytes | None | _Planned) -> tuple[bool, str]:
    """(problem?, reason) for the key id the module will know the CA by."""
    expected = ca_key_id(ca)
    shown = loading.colon_hex(expected) if expected else "none"
    if isinstance(auth, _Planned):
        return False, f"key id: the CA's SKI {shown}, uploaded as planned"
    if auth is None:
        if ca_is_pem:
            return True, ("key id: none: the CA is PEM (the module answers `No SubjectKeyId`) and no auth is "
                          "uploaded; upload it with AT+S.TLSCERT=auth,ski:CA_FILE")
        if loading.subject_key_identifier(ca) is None:
            return True, "key id: none: the DER CA has no SKI extension and no auth is uploaded"
        return False, f"key id: {shown}, read by the module from the DER CA"
    if auth == expected:
        return False, f"key id: auth holds the CA's SKI {shown}"
    if expected is not None and auth.strip().upper() in (expected.hex().upper().encode(), shown.encode()):
        return True, (f"key id: auth holds the SKI as {len(auth)} characters of hex text, not the "
                      f"{len(expected)} raw bytes (the seed thread's mistake); upload it with "
                      "AT+S.TLSCERT=auth,ski:CA_FILE")
    return True, f"key id: auth ({len(auth)} bytes, {auth[:20].hex(' ')}) is not the CA's SKI {shown}"


def _validity_check(timed: Sequence[x509.Certificate], ca: x509.Certificate, clock: ModuleClock,
                    reasons: list[str]) -> tuple[int, str] | None:
    """Adds a reason per certificate out of its validity; returns the first failure in path order."""
    first: tuple[int, str] | None = None
    for cert in timed:
        state = validity_at(cert, clock.at)
        who = f"the CA {_describe(cert)}" if cert == ca else _describe(cert)
        if state == NOT_YET_VALID:
            reasons.append(f"time: {who} is not valid before {format_utc(cert.not_valid_before_utc)}; "
                           f"{clock.describe()} is earlier")
            first = first or (error_numbers.NOT_YET_VALID,
                              f"{who} is not yet valid at {clock.source} {format_utc(clock.at)}")
        elif state == EXPIRED:
            reasons.append(f"time: {who} expired {format_utc(cert.not_valid_after_utc)}; "
                           f"{clock.describe()} is later")
            first = first or (error_numbers.EXPIRED, f"{who} has expired at {clock.source} {format_utc(clock.at)}")
    if first is None:
        reasons.append(f"time: every certificate is valid at {clock.describe()}")
    return first


def _aki_hint(leaf: x509.Certificate, ca: x509.Certificate) -> str:
    aki, ski = loading.authority_key_identifier(leaf), loading.subject_key_identifier(ca)
    if aki is not None and ski is not None and aki != ski:
        return f" (the leaf names its issuer's key {loading.colon_hex(aki)}; this CA's is {loading.colon_hex(ski)})"
    return ""


def _describe(cert: x509.Certificate) -> str:
    """``CN=...`` or the subject, escaped: a server's certificate says what its maker wrote."""
    common = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return visible(f"CN={_text(common[0].value)}" if common else cert.subject.rfc4514_string() or "(no subject)")


def _subjects(path: Sequence[x509.Certificate] | None) -> tuple[str, ...]:
    return tuple(visible(c.subject.rfc4514_string()) for c in path) if path else ()


def _leaf_names(leaf: x509.Certificate) -> list[str]:
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [visible(f"CN={_text(a.value)}") for a in leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    return [visible(f"DNS:{n}") for n in san.get_values_for_type(x509.DNSName)] + \
        [f"IP:{a}" for a in san.get_values_for_type(x509.IPAddress)]


def _pattern_matches(pattern: str, wanted: str) -> bool:
    pattern = pattern.rstrip(".").lower()
    if pattern.startswith("*."):
        head, _, tail = wanted.partition(".")
        return bool(head) and tail == pattern[2:]
    return pattern == wanted


def _text(value: str | bytes) -> str:
    """A name attribute's value as text (a few ASN.1 string types come back as bytes)."""
    return value if isinstance(value, str) else value.decode("utf-8", errors="replace")
