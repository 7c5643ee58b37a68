"""Facts about one certificate or one private key, as plain data (no advice here).

``certinspect`` turns these into a report with warnings; the TUI's certificate inspector shows
them as fields. Key material is never part of these facts: for a private key only its type,
size and the id of its *public* half are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

from spwf_tui.core.certs import loading
from spwf_tui.core.display import visible

VALID = "valid"
EXPIRED = "expired"
NOT_YET_VALID = "not yet valid"

_CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}


@dataclass(frozen=True)
class KeyType:
    """The algorithm and size of a public key."""

    algorithm: str
    """``RSA``, ``EC``, ``Ed25519``, ``Ed448``, ``DSA``, or the class name for anything else."""
    bits: int | None
    curve: str | None = None
    """For EC: ``P-256`` (NIST name) or the curve's own name."""

    def describe(self) -> str:
        """``1024-bit RSA``, ``EC P-256``, ``Ed25519``."""
        if self.algorithm == "EC":
            return f"EC {self.curve}"
        if self.bits and self.algorithm in ("RSA", "DSA"):
            return f"{self.bits}-bit {self.algorithm}"
        return self.algorithm


@dataclass(frozen=True)
class CertFacts:
    """What one certificate says about itself."""

    subject: str
    issuer: str
    serial: str
    """Colon hex."""
    not_before: datetime
    not_after: datetime
    validity: str
    """``valid``, ``expired`` or ``not yet valid`` at the report's time."""
    key: KeyType
    ski: bytes | None
    aki: bytes | None
    is_ca: bool | None
    """The Basic Constraints CA flag; None when the extension is absent."""
    path_length: int | None
    crl_distribution_points: tuple[str, ...]
    sans: tuple[str, ...]
    """``DNS:localhost``, ``IP:127.0.0.1``, ``email:...``, ``URI:...``."""
    signature_algorithm: str
    signature_hash: str | None
    """``sha256``, ``sha1``, ``md5``...; None when the algorithm has no separate hash (Ed25519)."""
    fingerprint_sha256: bytes
    self_signed: bool
    """Issued by its own key (a root CA, or a self-signed server certificate)."""


@dataclass(frozen=True)
class KeyFacts:
    """What can be said about a private key without showing it."""

    structure: str | None
    """``PKCS#1``, ``PKCS#8`` or ``SEC1``."""
    encrypted: bool
    locked: bool
    """Encrypted and no passphrase given: type, size and id are unknown."""
    key: KeyType | None
    public_key_id: bytes | None
    """SHA-1 of the public key (RFC 5280 method 1): equals the SKI of its certificate as most
    tools compute it, so the two can be compared by eye."""
    matches_cert: bool | None = None
    """Whether it is the key of the certificate given to compare with; None when none was."""


def certificate_facts(cert: x509.Certificate, at: datetime) -> CertFacts:
    """The facts of ``cert``; validity judged at ``at`` (aware UTC).

    Names, SANs and CRL URIs are whatever the certificate's maker wrote (a server's chain is a
    stranger's): they are kept as ``visible`` text, so every report built from them (text, JSON,
    the TUI inspector, warnings) is printable.
    """
    return CertFacts(
        subject=visible(cert.subject.rfc4514_string()) or "(empty subject)",
        issuer=visible(cert.issuer.rfc4514_string()) or "(empty issuer)",
        serial=loading.colon_hex(_serial_bytes(cert.serial_number)),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        validity=validity_at(cert, at),
        key=_certificate_key_type(cert),
        ski=loading.subject_key_identifier(cert),
        aki=loading.authority_key_identifier(cert),
        is_ca=_basic_constraints(cert)[0],
        path_length=_basic_constraints(cert)[1],
        crl_distribution_points=_crl_distribution_points(cert),
        sans=_sans(cert),
        signature_algorithm=getattr(cert.signature_algorithm_oid, "_name", None)
        or cert.signature_algorithm_oid.dotted_string,
        signature_hash=_signature_hash(cert),
        fingerprint_sha256=loading.fingerprint_sha256(cert),
        self_signed=_self_signed(cert),
    )


def _certificate_key_type(cert: x509.Certificate) -> KeyType:
    try:
        return key_type(cert.public_key())
    except (UnsupportedAlgorithm, ValueError):
        # A key type cryptography cannot load (GOST, SM2...): still report the rest of the certificate.
        return KeyType(f"unsupported ({cert.public_key_algorithm_oid.dotted_string})", None)


def validity_at(cert: x509.Certificate, at: datetime) -> str:
    """``valid``, ``expired`` or ``not yet valid`` at ``at``."""
    if at < cert.not_valid_before_utc:
        return NOT_YET_VALID
    if at > cert.not_valid_after_utc:
        return EXPIRED
    return VALID


def key_type(public_key: PublicKeyTypes) -> KeyType:
    """Algorithm, size and curve of a public key."""
    if isinstance(public_key, rsa.RSAPublicKey):
        return KeyType("RSA", public_key.key_size)
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        curve = public_key.curve
        return KeyType("EC", curve.key_size, _CURVE_NAMES.get(curve.name, curve.name))
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return KeyType("Ed25519", 256)
    if isinstance(public_key, ed448.Ed448PublicKey):
        return KeyType("Ed448", 456)
    if isinstance(public_key, dsa.DSAPublicKey):
        return KeyType("DSA", public_key.key_size)
    return KeyType(type(public_key).__name__, None)


def private_key_facts(key: PrivateKeyTypes, structure: str | None, encrypted: bool,
                      compare_with: x509.Certificate | None = None) -> KeyFacts:
    """The facts of an opened private key; ``compare_with``: a certificate to match it against."""
    public = key.public_key()
    matches = None
    if compare_with is not None:
        matches = _public_der(public) == _public_der(compare_with.public_key())
    return KeyFacts(structure, encrypted, False, key_type(public), public_key_id(public), matches)


def locked_key_facts(structure: str | None) -> KeyFacts:
    """The facts of an encrypted key that was not opened."""
    return KeyFacts(structure, True, True, None, None)


def public_key_id(public_key: PublicKeyTypes) -> bytes | None:
    """The RFC 5280 method-1 key id (SHA-1 of the public key bits), or None if not computable."""
    try:
        # DH and X25519/X448 keys are not accepted: TypeError, caught below.
        return x509.SubjectKeyIdentifier.from_public_key(public_key).digest  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _public_der(public_key: PublicKeyTypes) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _serial_bytes(serial: int) -> bytes:
    return serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big")


def _basic_constraints(cert: x509.Certificate) -> tuple[bool | None, int | None]:
    try:
        value = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return None, None
    return value.ca, value.path_length


def _crl_distribution_points(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return ()
    found: list[str] = []
    for point in points:
        found += [_general_name(name, bare_uri=True) for name in point.full_name or ()]
        if point.relative_name is not None:
            found.append(visible(point.relative_name.rfc4514_string()))
    return tuple(found)


def _sans(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(_general_name(name) for name in names)


def _general_name(name: x509.GeneralName, *, bare_uri: bool = False) -> str:
    return visible(_general_name_text(name, bare_uri=bare_uri))


def _general_name_text(name: x509.GeneralName, *, bare_uri: bool) -> str:
    if isinstance(name, x509.DNSName):
        return f"DNS:{name.value}"
    if isinstance(name, x509.IPAddress):
        return f"IP:{name.value}"
    if isinstance(name, x509.UniformResourceIdentifier):
        # CRL distribution points are nearly always URIs: there they are shown bare.
        return name.value if bare_uri else f"URI:{name.value}"
    if isinstance(name, x509.RFC822Name):
        return f"email:{name.value}"
    if isinstance(name, x509.DirectoryName):
        return f"dirName:{name.value.rfc4514_string()}"
    return str(getattr(name, "value", name))


def _signature_hash(cert: x509.Certificate) -> str | None:
    try:
        algorithm = cert.signature_hash_algorithm
    except UnsupportedAlgorithm:
        return None
    return algorithm.name if algorithm is not None else None


def _self_signed(cert: x509.Certificate) -> bool:
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True
