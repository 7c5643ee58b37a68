"""What a certificate or key file holds, from its bytes: format, line ends, lengths, content.

The module stores exactly the bytes it is given, so the length to announce is the file's length
as it is — CRLF line ends included (the seed's CA is 1403 bytes with LF and 1426 with CRLF; the
1425 typed by hand in the seed thread matches neither). ``examine`` says what the file is and
both lengths; ``load_private_key`` opens a key (PKCS#1, PKCS#8 or SEC1, PEM or DER, encrypted or
not). Every unreadable file raises a ``CertificateError`` subclass with a one-line reason.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from spwf_tui.core.certs.loading import CertificateError

CERTIFICATE = "certificate"
PRIVATE_KEY = "private key"

_PEM_MARKER = re.compile(rb"(?=(-----(BEGIN|END) ([A-Z0-9 ]{1,64})-----))")
"""Every BEGIN/END line, overlapping ones too (``-----END A-----BEGIN B-----`` shares dashes):
a zero-width match at each place one starts."""
_PEM_BEGIN = re.compile(rb"-----BEGIN [A-Z0-9 ]{1,64}-----")
_LINE_END = re.compile(rb"\r\n|\r|\n")

_KEY_LABELS = {
    "RSA PRIVATE KEY": "PKCS#1",
    "EC PRIVATE KEY": "SEC1",
    "PRIVATE KEY": "PKCS#8",
    "ENCRYPTED PRIVATE KEY": "PKCS#8",
}
"""PEM labels of private keys and the structure each one holds."""

_NOT_USABLE_LABELS = {
    "PUBLIC KEY": "a public key: the module needs the private key (TLSCERT=key) or a certificate",
    "RSA PUBLIC KEY": "a public key: the module needs the private key (TLSCERT=key) or a certificate",
    "CERTIFICATE REQUEST": "a certificate request (CSR), not a certificate: have it signed first",
    "NEW CERTIFICATE REQUEST": "a certificate request (CSR), not a certificate: have it signed first",
    "OPENSSH PRIVATE KEY": "an OpenSSH key: convert it to PEM first (ssh-keygen -p -m PEM -f FILE)",
    "X509 CRL": "a certificate revocation list, not a certificate",
}


class EmptyFileError(CertificateError):
    """The file has no bytes."""


class TruncatedPemError(CertificateError):
    """A PEM block begins but never ends."""


class NotACertificateError(CertificateError):
    """The bytes hold something, but no certificate or private key this tool can read."""


class EncryptedKeyError(CertificateError):
    """The key is encrypted and no passphrase was given (the caller may ask for one)."""


class WrongPassphraseError(CertificateError):
    """The passphrase does not decrypt the key."""


@dataclass(frozen=True)
class Blob:
    """The file-level facts of a certificate or key file."""

    kind: str
    """``certificate`` or ``private key`` (the first readable object in the file)."""
    format: str
    """``PEM`` or ``DER``."""
    labels: tuple[str, ...]
    """The PEM block labels in file order (``("CERTIFICATE",)``); for DER the implied one."""
    line_ends: str
    """``LF``, ``CRLF``, ``mixed`` (some of each, or bare CRs) or ``none`` (DER, one line)."""
    length: int
    """Bytes to upload as the file is."""
    length_lf: int | None
    """Length with every line end made LF (None for DER: it has no lines)."""
    length_crlf: int | None
    """Length with every line end made CRLF (None for DER)."""
    key_structure: str | None = None
    """For keys: ``PKCS#1``, ``PKCS#8`` or ``SEC1``."""
    encrypted: bool = False
    """For keys: protected by a passphrase."""
    text_outside_blocks: int = 0
    """Non-blank bytes outside the PEM blocks (``Bag Attributes`` from openssl pkcs12...)."""

    @property
    def other_length(self) -> int | None:
        """The length with the *other* line end (LF file: the CRLF length and vice versa)."""
        if self.line_ends == "LF":
            return self.length_crlf
        if self.line_ends == "CRLF":
            return self.length_lf
        return None

    @property
    def has_private_key(self) -> bool:
        """True when some block of the file is a private key (a certificate file may carry one too)."""
        return any(label in _KEY_LABELS for label in self.labels)


def examine(data: bytes) -> Blob:
    """Say what ``data`` is without decrypting anything.

    Raises:
        EmptyFileError, TruncatedPemError, NotACertificateError: with the reason in one line.
    """
    if not data.strip():
        raise EmptyFileError("the file is empty" if not data else "the file holds only blank space")
    if _PEM_BEGIN.search(data):
        return _examine_pem(data)
    return _examine_der(data)


def line_ends(data: bytes) -> str:
    """``LF``, ``CRLF``, ``mixed`` or ``none``."""
    crlf = data.count(b"\r\n")
    lf = data.count(b"\n") - crlf
    cr = data.count(b"\r") - crlf
    if not (crlf or lf or cr):
        return "none"
    if crlf and not lf and not cr:
        return "CRLF"
    if lf and not crlf and not cr:
        return "LF"
    return "mixed"


def load_private_key(data: bytes, blob: Blob, passphrase: bytes | None) -> PrivateKeyTypes:
    """Open the private key in ``data`` (the first one, for a PEM file with several blocks).

    Raises:
        EncryptedKeyError: encrypted and ``passphrase`` is None.
        WrongPassphraseError: the passphrase does not open it.
        NotACertificateError: the key structure is damaged or of an unsupported type.
    """
    if blob.encrypted and passphrase is None:
        raise EncryptedKeyError("the private key is encrypted: give its passphrase to inspect it")
    password = passphrase if blob.encrypted else None
    try:
        if blob.format == "PEM":
            block = next(data[b.start:b.end] for b in pem_blocks(data)[0] if b.label in _KEY_LABELS)
            return serialization.load_pem_private_key(block, password)
        return serialization.load_der_private_key(data, password)
    except ValueError as exc:
        if blob.encrypted and "password" in str(exc).lower():
            raise WrongPassphraseError("the passphrase does not decrypt the private key") from None
        if blob.encrypted:
            # A traditional PEM key (DEK-Info, CBC) has only its padding to tell a wrong
            # passphrase: about one wrong passphrase in 250 passes it and yields bytes that do
            # not decode. Nothing can tell that from a damaged key; the passphrase is likelier.
            raise WrongPassphraseError(
                "the passphrase does not decrypt the private key (or the encrypted key is damaged)") from None
        structure = f"{blob.key_structure} " if blob.key_structure else ""
        raise NotACertificateError(
            f"the {structure}private key does not decode (damaged, or a key type this tool cannot read)"
        ) from None
    except TypeError:
        # cryptography's way of saying "encrypted, no password" or the reverse; the PEM header
        # check above decides which, so this only happens with an unusual PEM header.
        raise EncryptedKeyError("the private key is encrypted: give its passphrase to inspect it") from None


# -- PEM ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PemBlock:
    """One ``-----BEGIN L-----`` ... ``-----END L-----`` block: its label and byte span."""

    label: str
    start: int
    end: int
    body_start: int
    body_end: int


def pem_blocks(data: bytes) -> tuple[list[PemBlock], list[str]]:
    """The PEM blocks of ``data`` in file order, and the labels of BEGIN lines that start no block
    (cut short, or a second BEGIN inside a block), in file order.

    A block runs from a BEGIN line to the first END line of the same label after it; what lies
    inside (other BEGIN lines too) is its body, and the search goes on after its END. A BEGIN
    without such an END is skipped and the search goes on right after it. This is what a lazy
    ``BEGIN (L)(.*?)END \\1`` regex finds, but done in one pass over the markers with a bisect
    per BEGIN: that regex rescans to the end of the data for every unmatched BEGIN line, which
    is quadratic (a 5 MB file of BEGIN lines never finished).
    """
    markers = [(m.start(), m.end(1), m.group(2) == b"BEGIN", m.group(3).decode("ascii"))
               for m in _PEM_MARKER.finditer(data)]
    ends: dict[str, list[tuple[int, int]]] = {}
    for start, end, is_begin, label in markers:
        if not is_begin:
            ends.setdefault(label, []).append((start, end))
    blocks: list[PemBlock] = []
    unmatched: list[str] = []
    position = 0
    for start, end, is_begin, label in markers:
        if not is_begin:
            continue
        if start < position:
            unmatched.append(label)  # a BEGIN inside a block: the block before it was cut short
            continue
        candidates = ends.get(label, [])
        index = bisect.bisect_left(candidates, (end, -1))
        if index == len(candidates):
            unmatched.append(label)
            continue
        close_start, close_end = candidates[index]
        blocks.append(PemBlock(label, start, close_end, end, close_start))
        position = close_end
    return blocks, unmatched


def _examine_pem(data: bytes) -> Blob:
    blocks, unmatched = pem_blocks(data)
    labels = tuple(b.label for b in blocks)
    if unmatched:
        missing = unmatched[0]
        raise TruncatedPemError(
            f"truncated PEM: '-----BEGIN {missing}-----' has no matching '-----END {missing}-----' "
            "(the file was cut short)"
        )
    useful = [label for label in labels if label == "CERTIFICATE" or label in _KEY_LABELS]
    if not useful:
        if not labels:
            raise NotACertificateError("no complete PEM block; expected a certificate or a private key")
        reason = _NOT_USABLE_LABELS.get(labels[0], f"a PEM '{labels[0]}' block")
        raise NotACertificateError(f"{reason}; expected a certificate or a private key")
    first = useful[0]
    outside = b"".join(data[a:b] for a, b in zip([0] + [blk.end for blk in blocks],
                                                [blk.start for blk in blocks] + [len(data)]))
    lengths = _line_end_lengths(data)
    blob = Blob(
        kind=CERTIFICATE if first == "CERTIFICATE" else PRIVATE_KEY,
        format="PEM", labels=labels, line_ends=line_ends(data), length=len(data),
        length_lf=lengths[0], length_crlf=lengths[1],
        key_structure=_KEY_LABELS.get(first),
        encrypted=_pem_key_encrypted(data, blocks, first),
        text_outside_blocks=len(re.sub(rb"\s", b"", outside)),
    )
    if blob.kind == CERTIFICATE:
        _check_pem_certificates(data)
    return blob


def _pem_key_encrypted(data: bytes, blocks: list[PemBlock], label: str) -> bool:
    if label == "ENCRYPTED PRIVATE KEY":
        return True
    if label not in _KEY_LABELS:
        return False
    block = next(data[b.body_start:b.body_end] for b in blocks if b.label == label)
    # The legacy OpenSSL form keeps PKCS#1/SEC1 and marks encryption in a header.
    return b"Proc-Type: 4,ENCRYPTED" in block


def _check_pem_certificates(data: bytes) -> None:
    try:
        x509.load_pem_x509_certificates(data)
    except ValueError:
        raise NotACertificateError(
            "a PEM CERTIFICATE block does not decode to a certificate (damaged base64, or cut short)"
        ) from None


def _line_end_lengths(data: bytes) -> tuple[int, int]:
    """(length with LF line ends, length with CRLF line ends)."""
    ends = len(_LINE_END.findall(data))
    body = len(_LINE_END.sub(b"", data))
    return body + ends, body + 2 * ends


# -- DER ------------------------------------------------------------------------------------


def _examine_der(data: bytes) -> Blob:
    try:
        x509.load_der_x509_certificate(data)
    except ValueError:
        pass
    else:
        return Blob(CERTIFICATE, "DER", ("CERTIFICATE",), "none", len(data), None, None)
    structure = _der_key_structure(data)
    if structure is None:
        if _looks_like_text(data):
            raise NotACertificateError("text without a '-----BEGIN ...-----' line: neither PEM nor DER")
        raise NotACertificateError("neither a certificate nor a private key (not PEM, not DER)")
    if structure == "public key":
        raise NotACertificateError(_NOT_USABLE_LABELS["PUBLIC KEY"])
    encrypted = structure == "encrypted PKCS#8"
    return Blob(PRIVATE_KEY, "DER", ("ENCRYPTED PRIVATE KEY" if encrypted else "PRIVATE KEY",), "none",
                len(data), None, None, key_structure="PKCS#8" if encrypted else structure, encrypted=encrypted)


def _der_key_structure(data: bytes) -> str | None:
    """Which key structure a DER blob has, from its first ASN.1 elements (no decryption).

    PKCS#1 ``SEQUENCE {INTEGER 0, INTEGER n, ...}``, PKCS#8 ``SEQUENCE {INTEGER, SEQUENCE algid,
    OCTET STRING}``, SEC1 ``SEQUENCE {INTEGER 1, OCTET STRING, ...}``, encrypted PKCS#8
    ``SEQUENCE {SEQUENCE algid, OCTET STRING}``, a public key ``SEQUENCE {SEQUENCE, BIT STRING}``.
    """
    outer = _tlv(data, 0)
    if outer is None or outer[0] != 0x30 or outer[2] != len(data):
        return None
    first = _tlv(data, outer[1])
    if first is None:
        return None
    second = _tlv(data, first[2])
    if second is None:
        return None
    tags = (first[0], second[0])
    if tags == (0x02, 0x02):
        return "PKCS#1"
    if tags == (0x02, 0x30):
        return "PKCS#8"
    if tags == (0x02, 0x04):
        return "SEC1"
    if tags == (0x30, 0x04):
        return "encrypted PKCS#8"
    if tags == (0x30, 0x03):
        return "public key"
    return None


def _tlv(data: bytes, offset: int) -> tuple[int, int, int] | None:
    """(tag, content start, content end) of the DER element at ``offset``, or None."""
    if offset + 2 > len(data):
        return None
    tag, length = data[offset], data[offset + 1]
    start = offset + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or start + count > len(data):
            return None
        length = int.from_bytes(data[start:start + count], "big")
        start += count
    end = start + length
    return (tag, start, end) if end <= len(data) else None


def _looks_like_text(data: bytes) -> bool:
    sample = data[:512]
    return all(32 <= b < 127 or b in b"\r\n\t" for b in sample)
