"""Fetch a TLS server's certificate chain the way the module would meet it (``cert check --server``).

Python's ``ssl`` carries the handshake and verifies nothing (``cert check`` judges the chain
itself). The handshake is limited to TLS 1.2, the module's newest version, so a server that
only speaks TLS 1.3 fails here as it would on the module, and OpenSSL's security level is
lowered to 0 so that old keys the module takes (the seed's 1024-bit RSA) do not stop the fetch.
Python before 3.13 exposes only the leaf (``getpeercert(binary_form=True)``); from 3.13 on
``get_unverified_chain`` gives everything the server sent.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from dataclasses import dataclass

from spwf_tui.errors import UserError


@dataclass(frozen=True)
class FetchedChain:
    """What the server sent."""

    certificates: tuple[bytes, ...]
    """DER, leaf first."""
    complete: bool
    """True when every certificate the server sent could be read (Python 3.13+)."""


class FetchFailed(Exception):
    """The module would not get as far as a certificate check."""

    def __init__(self, module_error: int, why: str) -> None:
        super().__init__(why)
        self.module_error = module_error
        """The ``AT-S.ERROR`` number SOCKON would answer (74, or 65 for a name that does not resolve)."""
        self.why = why


def parse_server(text: str) -> tuple[str, int]:
    """``host:port`` or ``[v6]:port`` → (host, port).

    Raises:
        UserError: no port, or a port out of range.
    """
    host, sep, port_text = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise UserError(f"--server {text!r}: give HOST:PORT with a port from 1 to 65535 (e.g. 127.0.0.1:4443)")
    return host, int(port_text)


def fetch_chain(host: str, port: int, server_name: str | None, timeout: float) -> FetchedChain:
    """Handshake with ``host:port`` (SNI ``server_name``, else the host when it is a name).

    Raises:
        FetchFailed: the TCP connection or the handshake fails; says what the module would answer.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    sni = server_name or (None if _is_address(host) else host)
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=sni) as tls:
                return _read_chain(tls)
    except socket.gaierror:
        raise FetchFailed(65, f"{host} does not resolve (from this host)") from None
    except ConnectionRefusedError:
        raise FetchFailed(74, f"nothing listens on {host}:{port} (connection refused)") from None
    except (socket.timeout, TimeoutError):
        raise FetchFailed(74, f"no answer from {host}:{port} within {timeout:g} s") from None
    except ssl.SSLError as exc:
        raise FetchFailed(74, f"the TLS 1.2 handshake with {host}:{port} fails before any certificate "
                              f"check ({exc.reason or exc})") from None
    except OSError as exc:
        raise FetchFailed(74, f"cannot connect to {host}:{port} ({exc.strerror or exc})") from None


def _read_chain(tls: ssl.SSLSocket) -> FetchedChain:
    get_chain = getattr(tls, "get_unverified_chain", None)
    if get_chain is not None:
        # Documented (3.13) as DER bytes; anything else falls back to the leaf below.
        chain = tuple(item for item in get_chain() or () if isinstance(item, bytes))
        if chain:
            return FetchedChain(chain, True)
    leaf = tls.getpeercert(binary_form=True)
    if not leaf:
        raise FetchFailed(74, "the server sent no certificate (an anonymous or PSK cipher suite)")
    return FetchedChain((leaf,), False)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
