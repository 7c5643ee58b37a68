"""``inspect``: a certificate or key file's bytes in, a ``CertReport`` with plain-word warnings out.

Called by ``spwf-tui cert inspect`` and ``cert plan`` and by the TUI's certificate inspector.
The warnings are written for the module, not for X.509 in general: each says what goes wrong on
the SPWF04 and what to do (the PEM CA that answers ``No SubjectKeyId``, the clock that makes a
certificate not yet valid, the 1475-byte limit of the local certificate bundle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from cryptography import x509

from spwf_tui.core.certs import loading
from spwf_tui.core.certs.blob import CERTIFICATE, Blob, examine, load_private_key
from spwf_tui.core.certs.facts import (
    EXPIRED, NOT_YET_VALID, CertFacts, KeyFacts, certificate_facts, locked_key_facts, private_key_facts,
)
from spwf_tui.core.certs.loading import CertificateError
from spwf_tui.core.moduletime import ModuleClock, format_utc, iso_utc

ROLES = ("ca", "cert", "key")
"""The upload forms of ``AT+S.TLSCERT``: trusted CA, own certificate, own private key."""

ERROR, WARNING, INFO = "error", "warning", "info"

BUNDLE_LIMIT = 1475
"""ST's limit for the local certificate bundle (``cert`` / ``tls.cert``), docs/protocol.md §6.1; the
brief of this tool applies it to ``key`` too."""
CA_LIMIT = 2560
"""The emulated module's limit for a ``ca`` upload (2.5 KB, ST's limit for a peer certificate);
a real module's limit for ``ca`` is not documented."""
SOON = timedelta(days=30)


class RoleError(CertificateError):
    """The file cannot be uploaded in the form asked for (a key as ``ca``, a certificate as ``key``)."""


@dataclass(frozen=True)
class CertWarning:
    """One piece of advice: what goes wrong on the module and what to do."""

    level: str
    """``error`` (the module will refuse or fail), ``warning`` (likely trouble) or ``info``."""
    text: str
    topic: str | None = None
    """A stable name for advice that callers act on (``needs-auth``); None for the rest."""

NEEDS_AUTH = "needs-auth"
"""Topic of the advice to upload the key id with ``TLSCERT=auth`` (a plan that does it drops it)."""


@dataclass(frozen=True)
class CertReport:
    """Everything ``cert inspect`` shows about one file."""

    name: str
    """The file's name as given, used in the advice (``ski:ca_cert.pem``)."""
    role: str
    """The upload form the advice is for: ``ca``, ``cert`` or ``key`` (asked for, or guessed)."""
    blob: Blob
    certificates: tuple[CertFacts, ...]
    key: KeyFacts | None
    clock: ModuleClock
    warnings: tuple[CertWarning, ...] = field(default=())

    @property
    def kind(self) -> str:
        """``certificate`` or ``private key``."""
        return self.blob.kind

    @property
    def module_finds_ski(self) -> bool | None:
        """Whether ``TLSCERT=ca`` finds the key id itself: only a DER certificate with an SKI.
        None for keys."""
        if self.kind != CERTIFICATE:
            return None
        return self.blob.format == "DER" and self.certificates[0].ski is not None

    @property
    def needs_auth(self) -> bool:
        """As a CA, the key id must be uploaded with ``TLSCERT=auth``."""
        return self.role == "ca" and not self.module_finds_ski


def inspect(data: bytes, clock: ModuleClock, *, name: str = "FILE", role: str | None = None,
            passphrase: bytes | None = None, compare_with: x509.Certificate | None = None) -> CertReport:
    """Report on a certificate file (PEM, DER, PEM bundle) or private key file.

    Args:
        data: the file's bytes.
        clock: the time validity is judged at (the module's, or the host's).
        name: the file name for the advice.
        role: ``ca``, ``cert`` or ``key``; None guesses (a key is ``key``, a CA certificate
            ``ca``, any other certificate ``cert``).
        passphrase: opens an encrypted key; without it the key is reported as locked.
        compare_with: for a key, the certificate it should belong to.

    Raises:
        CertificateError: unreadable file (see ``certblob``), wrong passphrase, or a ``role``
            that does not fit the content.
    """
    blob = examine(data)
    key = None
    cert_facts: tuple[CertFacts, ...] = ()
    if blob.kind == CERTIFICATE:
        cert_facts = tuple(certificate_facts(c, clock.at) for c in loading.load_certificates(data))
    elif blob.encrypted and passphrase is None:
        key = locked_key_facts(blob.key_structure)
    else:
        opened = load_private_key(data, blob, passphrase)
        key = private_key_facts(opened, blob.key_structure, blob.encrypted, compare_with)
    chosen = check_role(blob, cert_facts, role)
    report = CertReport(name, chosen, blob, cert_facts, key, clock)
    return CertReport(name, chosen, blob, cert_facts, key, clock, tuple(_warnings(report)))


def check_role(blob: Blob, certificates: tuple[CertFacts, ...], role: str | None) -> str:
    """The role asked for when the content fits it, else the guessed one.

    Raises:
        RoleError: a key asked to be ``ca``/``cert``, or a certificate asked to be ``key``.
    """
    if role is not None and role not in ROLES:
        raise RoleError(f"unknown upload form {role!r} (use ca, cert or key)")
    if blob.kind != CERTIFICATE:
        if role in ("ca", "cert"):
            raise RoleError(f"is a private key, not a certificate: it cannot be uploaded as {role}")
        return "key"
    if role == "key":
        raise RoleError("is a certificate, not a private key: it cannot be uploaded as key")
    if role is not None:
        return role
    return "ca" if certificates[0].is_ca else "cert"


def report_as_dict(report: CertReport) -> dict[str, Any]:
    """The report as JSON-ready data (bytes as colon hex, dates as ISO 8601 UTC)."""
    blob = report.blob
    return {
        "file": report.name, "kind": report.kind, "role": report.role, "format": blob.format,
        "line_ends": blob.line_ends, "length": blob.length, "length_lf": blob.length_lf,
        "length_crlf": blob.length_crlf, "other_line_end_length": blob.other_length,
        "checked_at": iso_utc(report.clock.at), "time_source": report.clock.source,
        "module_finds_ski": report.module_finds_ski, "needs_auth": report.needs_auth,
        "certificates": [_cert_dict(c) for c in report.certificates],
        "key": _key_dict(report.key) if report.key else None,
        "warnings": [{"level": w.level, "text": w.text} for w in report.warnings],
    }


def _cert_dict(c: CertFacts) -> dict[str, Any]:
    def hexed(value: bytes | None) -> str | None:
        return loading.colon_hex(value) if value is not None else None

    return {
        "subject": c.subject, "issuer": c.issuer, "serial": c.serial,
        "not_before": iso_utc(c.not_before), "not_after": iso_utc(c.not_after), "validity": c.validity,
        "key": c.key.describe(), "key_algorithm": c.key.algorithm, "key_bits": c.key.bits, "curve": c.key.curve,
        "ski": hexed(c.ski), "aki": hexed(c.aki), "ca": c.is_ca, "path_length": c.path_length,
        "crl_distribution_points": list(c.crl_distribution_points), "sans": list(c.sans),
        "signature_algorithm": c.signature_algorithm, "fingerprint_sha256": hexed(c.fingerprint_sha256),
        "self_signed": c.self_signed,
    }


def _key_dict(k: KeyFacts) -> dict[str, Any]:
    return {
        "structure": k.structure, "encrypted": k.encrypted, "locked": k.locked,
        "key": k.key.describe() if k.key else None, "key_algorithm": k.key.algorithm if k.key else None,
        "key_bits": k.key.bits if k.key else None,
        "public_key_id": loading.colon_hex(k.public_key_id) if k.public_key_id else None,
        "matches_cert": k.matches_cert,
    }


# -- advice ---------------------------------------------------------------------------------


def _warnings(report: CertReport) -> list[CertWarning]:
    found = _file_warnings(report)
    if report.kind == CERTIFICATE:
        found += _role_warnings(report)
        for index, facts in enumerate(report.certificates):
            prefix = f"certificate {index + 1} ({facts.subject}): " if len(report.certificates) > 1 else ""
            found += [CertWarning(w.level, prefix + w.text, w.topic)
                      for w in _certificate_warnings(facts, report.clock)]
    else:
        found += _key_warnings(report)
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    return sorted(found, key=lambda w: order[w.level])


def _file_warnings(report: CertReport) -> list[CertWarning]:
    blob, found = report.blob, []
    if blob.line_ends == "CRLF":
        found.append(CertWarning(INFO, f"CRLF line ends: the upload is {blob.length} bytes as the file is "
                                       f"({blob.length_lf} with LF); @{report.name} sends the file unchanged"))
    elif blob.line_ends == "mixed":
        found.append(CertWarning(WARNING, f"mixed line ends: counting by hand will go wrong; @{report.name} "
                                          f"sends exactly the {blob.length} bytes of the file"))
    if blob.text_outside_blocks:
        found.append(CertWarning(WARNING, f"{blob.text_outside_blocks} bytes of text outside the PEM blocks "
                                          "(e.g. 'Bag Attributes' from openssl pkcs12) are uploaded too; "
                                          "remove them"))
    if blob.kind == CERTIFICATE and blob.has_private_key:
        found.append(CertWarning(ERROR, "the file also holds a private key, which would be uploaded with "
                                        "the certificate: put certificate and key in separate files"))
    found += _size_warnings(report)
    return found


def _size_warnings(report: CertReport) -> list[CertWarning]:
    length, role = report.blob.length, report.role
    if role == "ca" and length > CA_LIMIT:
        return [CertWarning(ERROR, f"{length} bytes: over 2560 bytes, the emulated module refuses it (ERROR:32); "
                                   "a real module's limit for a CA is not documented (ST: 2.5 KB per peer "
                                   "certificate)")]
    if role == "cert" and length > BUNDLE_LIMIT:
        return [CertWarning(ERROR, f"{length} bytes: over the {BUNDLE_LIMIT}-byte local bundle limit (ST): the "
                                   "upload is refused; use DER, a smaller key or fewer certificates")]
    if role == "key" and length > BUNDLE_LIMIT:
        der = " (openssl pkey -outform DER makes it smaller)" if report.blob.format == "PEM" else ""
        return [CertWarning(WARNING, f"{length} bytes: over the {BUNDLE_LIMIT}-byte limit ST states for the "
                                     "local certificate bundle; whether it also bounds the key is not documented "
                                     f"(the emulated module takes keys up to 2560 bytes){der}")]
    return []


def _role_warnings(report: CertReport) -> list[CertWarning]:
    first, name, found = report.certificates[0], report.name, []
    if report.role == "ca":
        found += _ca_key_id_warnings(report)
        if first.is_ca is not True:
            flag = "CA:FALSE" if first.is_ca is False else "no Basic Constraints"
            found.append(CertWarning(WARNING, f"not a CA certificate ({flag}): TLSCERT=ca must hold the CA that "
                                              "signed the server's chain"))
        if len(report.certificates) > 1:
            found.append(CertWarning(WARNING, f"{len(report.certificates)} certificates in one file: the module "
                                              f"keeps one CA ({first.subject}, the first); upload the root that "
                                              "signed the server's chain on its own"))
    elif report.role == "cert" and first.is_ca:
        found.append(CertWarning(WARNING, f"a CA certificate uploaded as cert: the module would present it as its "
                                          f"own certificate; to trust it use --as ca ({name})"))
    return found


def _ca_key_id_warnings(report: CertReport) -> list[CertWarning]:
    first, name, blob = report.certificates[0], report.name, report.blob
    if first.ski is None:
        return [CertWarning(ERROR, "no Subject Key Identifier: the module answers `No SubjectKeyId` and "
                                   f"ski:{name} cannot give the auth value; re-issue the CA with one "
                                   "(openssl: subjectKeyIdentifier=hash)")]
    found = []
    if blob.format == "PEM":
        found.append(CertWarning(WARNING, f"PEM: the module will answer `No SubjectKeyId`; upload the "
                                          f"{len(first.ski)}-byte SKI with `AT+S.TLSCERT=auth,ski:{name}` "
                                          "(needs auth)", NEEDS_AUTH))
    else:
        found.append(CertWarning(INFO, "DER with a Subject Key Identifier: the module finds the key id itself "
                                       f"(AT-S.SubjectKeyId:{loading.colon_hex(first.ski)}); no auth upload needed"))
    if len(first.ski) != 20:
        found.append(CertWarning(INFO, f"the SKI is {len(first.ski)} bytes, not the usual 20: auth must be "
                                       f"exactly those {len(first.ski)} bytes (ski:{name} sends them)"))
    return found


def _certificate_warnings(facts: CertFacts, clock: ModuleClock) -> list[CertWarning]:
    found = []
    if facts.validity == EXPIRED:
        found.append(CertWarning(ERROR, f"expired {format_utc(facts.not_after)}: handshakes will fail once the "
                                        f"module clock is past it, as the {clock.source} "
                                        f"({format_utc(clock.at)}) already is"))
    elif facts.validity == NOT_YET_VALID:
        found.append(CertWarning(ERROR, f"not valid before {format_utc(facts.not_before)}: handshakes fail "
                                        f"while the module clock is earlier, as the {clock.source} "
                                        f"({format_utc(clock.at)}) is; set AT+S.TIME to a later time"))
    elif facts.not_after - clock.at < SOON:
        days = (facts.not_after - clock.at).days
        found.append(CertWarning(WARNING, f"expires {format_utc(facts.not_after)}, in {days} days "
                                          f"({clock.source}): handshakes fail after that"))
    found += _key_strength(facts.key.algorithm, facts.key.bits, facts.key.curve)
    if facts.signature_hash in ("sha1", "md5"):
        found.append(CertWarning(WARNING, f"signed with {facts.signature_hash.upper()} ({facts.signature_algorithm}): "
                                          "broken hash; modern TLS peers refuse it"))
    return found


def _key_strength(algorithm: str, bits: int | None, curve: str | None) -> list[CertWarning]:
    if algorithm == "RSA" and bits is not None and bits < 2048:
        return [CertWarning(WARNING, f"{bits}-bit RSA: weak (under 2048 bits); the module accepts it (the "
                                     "seed's 1024-bit CA worked) but current TLS libraries refuse it")]
    if algorithm == "RSA" and bits is not None and bits > 4096:
        return [CertWarning(WARNING, f"{bits}-bit RSA: the module's largest RSA size is not documented; "
                                     "2048 bits is the safe choice")]
    if algorithm == "EC" and curve not in ("P-256", "P-384"):
        return [CertWarning(WARNING, f"curve {curve}: the module's curves are not documented; "
                                     "P-256 is the safe choice")]
    if algorithm in ("Ed25519", "Ed448", "DSA"):
        return [CertWarning(WARNING, f"{algorithm}: the module's TLS stack (TLS 1.2, 2017) most likely cannot "
                                     "use it; use RSA 2048 or EC P-256")]
    return []


def _key_warnings(report: CertReport) -> list[CertWarning]:
    key, found = report.key, []
    assert key is not None
    if key.encrypted:
        found.append(CertWarning(ERROR, "encrypted: the module has no way to take a passphrase; upload a "
                                        f"decrypted copy (openssl pkey -in {report.name} -out plain_key.pem)"))
    if key.matches_cert is False:
        found.append(CertWarning(ERROR, "does not match the certificate given: the module would present a "
                                        "certificate whose key it does not hold, and the handshake fails"))
    elif key.matches_cert:
        found.append(CertWarning(INFO, "matches the certificate given"))
    if key.key is not None:
        found += _key_strength(key.key.algorithm, key.key.bits, key.key.curve)
    return found
