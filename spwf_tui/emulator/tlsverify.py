"""The module's check of a TLS server's certificates.

Python's ``ssl`` only carries the handshake (it verifies nothing); the verdict comes from
``core.certs.check`` — the same code that lets ``spwf-tui cert check`` predict the module — so the
emulator and the prediction cannot drift apart. The order of the checks and the numbers printed
as ``AT-S.Certificate Error:<n>`` are documented there and in ``core.certs.error_numbers``: no CA stored
or the chain not leading to it -> 23; the key id the module knows the CA by (``auth`` when given,
else the SKI read from a DER upload) not the CA's -> 3; a certificate not valid at the module's
clock -> 9 (not yet valid) or 10 (expired); a TLS server domain name not matching -> 62.
3 and 23 are seen on real modules; 9, 10 and 62 are the emulator's choice.
"""

from __future__ import annotations

from datetime import datetime

from spwf_tui.core.certs import error_numbers
from spwf_tui.core.moduletime import ModuleClock
from spwf_tui.emulator.tlsstore import TlsStore


def check_server(chain_der: list[bytes], store: TlsStore, now: datetime,
                 domain: str | None) -> int | None:
    """The Certificate Error number for this server chain, or None when it is trusted.

    Args:
        chain_der: the certificates the server sent, leaf first, DER.
        store: the module's TLS objects.
        now: the module's clock (aware UTC).
        domain: the TLS server domain name given to SOCKON, or None.
    """
    # cryptography on the first TLS handshake, not at start-up (``tlsstore``).
    from cryptography import x509

    from spwf_tui.core.certs import check, loading

    ca = store.ca_certificate()
    if ca is None:
        return error_numbers.CA_NOT_FOUND
    try:
        chain = [x509.load_der_x509_certificate(der) for der in chain_der]
    except ValueError:
        return error_numbers.CA_NOT_FOUND
    if not chain:
        return error_numbers.CA_NOT_FOUND
    result = check.check_chain(ca, chain, ModuleClock(now, True), name=domain,
                                   ca_is_pem=loading.is_pem(store.get("ca") or b""), auth=store.get("auth"))
    return result.certificate_error
