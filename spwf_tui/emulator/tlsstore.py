"""The TLS objects the module keeps in its flash section: CA, own certificate, key, CA key id.

``TLSCERT=ca`` reports the CA's Subject Key Identifier only when it can read it itself, which the
firmware does for DER but not for PEM (docs/protocol.md §6.1: a PEM CA answers ``No SubjectKeyId``, and
``TLSCERT=auth`` must then supply the 20 raw SKI bytes). The objects survive ``RESET`` and
``FCFG``; ``content,2`` erases them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from cryptography import x509

# ``cryptography`` (through ``core.certs.loading``) is imported when a CA is first stored or read:
# ``sim://`` starts without it (a tenth of a second of the TUI's first frame on a small machine).

KINDS: Final = ("ca", "cert", "key", "auth")
"""The data-phase forms of ``TLSCERT`` (and of ``WPAECERT``)."""

SIZE_LIMITS: Final = {"ca": 2560, "cert": 1475, "key": 2560, "auth": 64}
"""Largest accepted upload per object. 1475 for ``cert`` is ST's stated bundle limit; the others
are the emulator's choice (2.5 KB is ST's limit for a peer certificate; 64 bytes of key id)."""


class TlsStore:
    """Blobs by kind, as uploaded (no conversion)."""

    def __init__(self) -> None:
        self._objects: dict[str, bytes] = {}

    def put(self, kind: str, data: bytes) -> bytes | None:
        """Store ``data`` as ``kind``; for ``ca`` return the SKI the firmware would print.

        The SKI is found only in a readable DER certificate that carries the extension; PEM and
        unreadable blobs are stored all the same and give None.
        """
        from cryptography import x509

        from spwf_tui.core.certs import loading

        self._objects[kind] = bytes(data)
        if kind != "ca" or loading.is_pem(data):
            return None
        try:
            return loading.subject_key_identifier(x509.load_der_x509_certificate(data))
        except ValueError:
            return None

    def clean(self) -> None:
        """``content,2``: erase everything."""
        self._objects.clear()

    def get(self, kind: str) -> bytes | None:
        """The stored blob, or None."""
        return self._objects.get(kind)

    def has(self, kind: str) -> bool:
        """True when ``kind`` is stored."""
        return kind in self._objects

    def length(self, kind: str) -> int:
        """Stored size in bytes, 0 when absent (the ``ip_cert_len_*`` status variables)."""
        return len(self._objects.get(kind, b""))

    def ca_certificate(self) -> x509.Certificate | None:
        """The stored CA parsed (PEM or DER), or None when absent or unreadable."""
        from spwf_tui.core.certs import loading

        data = self._objects.get("ca")
        if data is None:
            return None
        try:
            return loading.load_certificate(data)
        except loading.CertificateError:
            return None
