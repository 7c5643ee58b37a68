"""Certificate facts the module cares about, from bytes (no file access here).

The module matches its stored CA through the Subject Key Identifier; with a PEM upload it cannot
find the SKI itself (``AT-S.No SubjectKeyId``) and needs it as 20 raw bytes through
``TLSCERT=auth``. These helpers give the SKI and the format of a certificate blob.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes

PEM_CERT_MARKER = b"-----BEGIN CERTIFICATE-----"


class CertificateError(ValueError):
    """The bytes are not a certificate this tool can read."""


def is_pem(data: bytes) -> bool:
    """True when ``data`` holds at least one PEM certificate block."""
    return PEM_CERT_MARKER in data


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """All certificates in ``data``: a PEM bundle (one or more blocks) or one DER certificate.

    Raises:
        CertificateError: when nothing in ``data`` parses as a certificate.
    """
    try:
        if is_pem(data):
            return list(x509.load_pem_x509_certificates(data))
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        # The parser's own words (ASN.1 offsets, Rust debug output) mean nothing to a user.
        if is_pem(data):
            raise CertificateError("not a readable PEM certificate (a block is damaged or cut short)") from None
        raise CertificateError("not a readable DER certificate, and no '-----BEGIN CERTIFICATE-----' "
                               "line for PEM") from None


def load_certificate(data: bytes) -> x509.Certificate:
    """The first certificate in ``data`` (see ``load_certificates``)."""
    return load_certificates(data)[0]


def subject_key_identifier(cert: x509.Certificate) -> bytes | None:
    """The raw SKI bytes of ``cert`` (20 for the usual SHA-1 form), or None when it has none."""
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    except x509.ExtensionNotFound:
        return None
    return ext.value.digest


def authority_key_identifier(cert: x509.Certificate) -> bytes | None:
    """The raw AKI key id of ``cert``, or None."""
    try:
        ext = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    except x509.ExtensionNotFound:
        return None
    return ext.value.key_identifier


def fingerprint_sha256(cert: x509.Certificate) -> bytes:
    """SHA-256 over the DER encoding."""
    return cert.fingerprint(hashes.SHA256())


def colon_hex(data: bytes) -> str:
    """``3E:F1:74`` style, as OpenSSL and the module print key ids."""
    return ":".join(f"{b:02X}" for b in data)
