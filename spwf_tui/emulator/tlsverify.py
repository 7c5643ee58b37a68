"""The module's check of a TLS server's certificates, done with ``cryptography``.

Python's ``ssl`` only carries the handshake (it verifies nothing); this module decides, the way
the emulated firmware does, whether the server is trusted, and answers the number that the module
prints as ``AT-S.Certificate Error:<n>``. Checks, in order:

1. no CA stored, or the stored CA unreadable -> 23;
2. the key id the module knows the CA by (``auth`` when given, else the SKI read from a DER
   upload) missing or different from the CA's own key id -> 3 (the seed's case: 40 hex
   characters instead of 20 bytes);
3. the server chain does not lead to the stored CA -> 23;
4. a certificate of that chain (CA included) not valid at the *module's* clock -> 9 when not yet
   valid, 10 when expired;
5. a TLS server domain name was given and the leaf's SAN (or CN without SAN) does not match -> 62.

3 and 23 are the numbers seen on real modules; 9, 10 and 62 are the emulator's choice (the real
numbers are unknown): OpenSSL's X509_V_ERR numbers for the same conditions.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import NameOID

from spwf_tui.core import certs
from spwf_tui.emulator.tlsstore import TlsStore

CA_NOT_FOUND = 23
KEY_ID_MISMATCH = 3
NOT_YET_VALID = 9
EXPIRED = 10
DOMAIN_MISMATCH = 62

_MAX_CHAIN = 8


def ca_key_id(ca: x509.Certificate) -> bytes:
    """The CA's SKI extension, or (no extension) the SHA-1 key id of its public key."""
    ski = certs.subject_key_identifier(ca)
    if ski is not None:
        return ski
    return x509.SubjectKeyIdentifier.from_public_key(ca.public_key()).digest


def check_server(chain_der: list[bytes], store: TlsStore, now: datetime,
                 domain: str | None) -> int | None:
    """The Certificate Error number for this server chain, or None when it is trusted.

    Args:
        chain_der: the certificates the server sent, leaf first, DER.
        store: the module's TLS objects.
        now: the module's clock (aware UTC).
        domain: the TLS server domain name given to SOCKON, or None.
    """
    ca = store.ca_certificate()
    if ca is None:
        return CA_NOT_FOUND
    known_id = store.get("auth")
    if known_id is None:
        raw_ca = store.get("ca") or b""
        known_id = None if certs.is_pem(raw_ca) else certs.subject_key_identifier(ca)
    if known_id is None or known_id != ca_key_id(ca):
        return KEY_ID_MISMATCH
    try:
        chain = [x509.load_der_x509_certificate(der) for der in chain_der]
    except ValueError:
        return CA_NOT_FOUND
    path = _path_to_ca(chain, ca)
    if path is None:
        return CA_NOT_FOUND
    for cert in path:
        if now < cert.not_valid_before_utc:
            return NOT_YET_VALID
        if now > cert.not_valid_after_utc:
            return EXPIRED
    if domain is not None and not matches_domain(chain[0], domain):
        return DOMAIN_MISMATCH
    return None


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _path_to_ca(chain: list[x509.Certificate],
                ca: x509.Certificate) -> list[x509.Certificate] | None:
    """Leaf, intermediates sent by the server, then the stored CA; None when no such path."""
    if not chain:
        return None
    path = [chain[0]]
    others = chain[1:]
    for _ in range(_MAX_CHAIN):
        current = path[-1]
        if current == ca:
            return path
        if _issued_by(current, ca):
            return [*path, ca]
        nxt = next((c for c in others if c not in path and _issued_by(current, c)), None)
        if nxt is None:
            return None
        path.append(nxt)
    return None


def matches_domain(leaf: x509.Certificate, domain: str) -> bool:
    """True when ``domain`` is one of the leaf's SAN names or addresses (``*.`` wildcards on
    one label), or its CN when it has no SAN."""
    wanted = domain.strip().rstrip(".").lower()
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        names = [attr.value for attr in leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
        return any(_name_matches(str(name), wanted) for name in names)
    try:
        address = ipaddress.ip_address(wanted)
    except ValueError:
        address = None
    if address is not None:
        return address in san.get_values_for_type(x509.IPAddress)
    return any(_name_matches(name, wanted) for name in san.get_values_for_type(x509.DNSName))


def _name_matches(pattern: str, wanted: str) -> bool:
    pattern = pattern.rstrip(".").lower()
    if pattern.startswith("*."):
        head, _, tail = wanted.partition(".")
        return bool(head) and tail == pattern[2:]
    return pattern == wanted
