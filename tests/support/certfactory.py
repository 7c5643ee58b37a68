"""Test certificates made with cryptography: a CA, intermediates and server certificates it signs.

Keys are EC P-256 by default (fast to make); ``key_type="rsa"`` gives RSA (2048 bits unless
``rsa_bits`` says otherwise) for the tests that need an RSA chain.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID


@dataclass
class Issued:
    """A certificate and its key, in the encodings the tests write to files."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())

    @property
    def ski(self) -> bytes:
        return self.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _new_key(key_type: str, rsa_bits: int) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"key_type must be 'ec' or 'rsa', not {key_type!r}")


_CA_USAGE = x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          encipher_only=False, decipher_only=False)


def make_ca(common_name: str = "spwf-tui Test CA", *, with_ski: bool = True,
            not_before: dt.datetime | None = None, days: int = 3650, key_type: str = "ec",
            rsa_bits: int = 2048) -> Issued:
    """A self-signed CA (EC P-256 unless ``key_type="rsa"``)."""
    key = _new_key(key_type, rsa_bits)
    start = not_before or dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name)).issuer_name(_name(common_name))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_CA_USAGE, critical=True)
    )
    if with_ski:
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    return Issued(builder.sign(key, hashes.SHA256()), key)


def make_intermediate(ca: Issued, common_name: str = "spwf-tui Test Intermediate CA", *, days: int = 1825,
                      key_type: str = "ec", rsa_bits: int = 2048) -> Issued:
    """An intermediate CA signed by ``ca`` (with SKI and AKI)."""
    key = _new_key(key_type, rsa_bits)
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name)).issuer_name(ca.cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_CA_USAGE, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return Issued(cert, key)


def make_server(ca: Issued, common_name: str = "localhost", *, days: int = 365,
                not_before: dt.datetime | None = None, key_type: str = "ec", rsa_bits: int = 2048) -> Issued:
    """A server certificate for localhost and 127.0.0.1, signed by ``ca`` (EC P-256 unless
    ``key_type="rsa"``)."""
    key = _new_key(key_type, rsa_bits)
    start = not_before or dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name)).issuer_name(ca.cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    try:
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key())
        builder = builder.add_extension(aki, critical=False)
    except Exception:  # noqa: BLE001 - AKI is optional for these tests
        pass
    return Issued(builder.sign(ca.key, hashes.SHA256()), key)
