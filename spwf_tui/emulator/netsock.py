"""Client sockets of the emulated module over the host's real network (TCP, UDP, TLS).

TLS runs through ``ssl.SSLObject`` on memory BIOs over a plain socket: the reader thread feeds
received bytes in and the host's writes go out under one lock, so reading and writing from two
threads never touch the same OpenSSL object at once. Python verifies nothing
(``CERT_NONE``); the module's own check is ``tlsverify``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import tempfile
import threading
from typing import Callable

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import load_der_private_key, load_pem_private_key

from spwf_tui.core.certs import loading
from spwf_tui.emulator.idtable import IdTable

CONNECT_TIMEOUT = 10.0
"""Seconds for the TCP connect and, separately, for the TLS handshake."""

CLOSED_BY_PEER = 0
"""WIND 58 reason when the peer closed the connection in order (FIN or TLS close_notify)."""
CLOSED_BY_ERROR = 1
"""WIND 58 reason when the connection broke (reset, TLS error)."""

TCP_SEGMENT = 730
"""The firmware cuts TCP segments at 730 bytes (docs/protocol.md §7.1): every TCP connection
of the emulated module (client, server, HTTP, WebSocket, MQTT) announces and uses this maximum
segment size, so a peer sees the module's segments on the wire (on Linux the usable payload is
730 minus TCP options, e.g. 718 with timestamps)."""

_RECV_SIZE = 65536
RX_BUFFER = 1024 * 1024
"""Unread bytes a socket keeps at most (the default; a world may set another). A TCP or TLS
peer that streams for ever is then held back by TCP flow control (the emulator stops reading
until the host drains), a UDP datagram that does not fit is dropped with WIND 63."""


def limit_segments(raw: socket.socket) -> None:
    """Apply ``TCP_SEGMENT`` (before connect, or on a listener: accepted sockets inherit it).
    A platform without the option keeps its own segment size."""
    with contextlib.suppress(OSError, AttributeError):
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, TCP_SEGMENT)


def tcp_connect(address: str, port: int) -> socket.socket:
    """A TCP connection to an already resolved address, with the module's segment size and
    ``CONNECT_TIMEOUT``. Raises OSError when it cannot be made."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    raw = socket.socket(family, socket.SOCK_STREAM)
    try:
        limit_segments(raw)
        raw.settimeout(CONNECT_TIMEOUT)
        raw.connect((address, port))
    except OSError:
        raw.close()
        raise
    return raw


class TlsChannel:
    """A TLS client session whose records travel through memory buffers."""

    def __init__(self, context: ssl.SSLContext, server_hostname: str | None,
                 server_side: bool = False) -> None:
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._tls = context.wrap_bio(self._incoming, self._outgoing, server_side=server_side,
                                     server_hostname=None if server_side else server_hostname)

    def handshake(self, raw: socket.socket) -> None:
        """Run the handshake over ``raw`` (which has a timeout). Raises OSError / ssl.SSLError."""
        while True:
            try:
                self._tls.do_handshake()
            except ssl.SSLWantReadError:
                self._flush(raw)
                data = raw.recv(_RECV_SIZE)
                if not data:
                    raise ConnectionError("peer closed during the TLS handshake") from None
                self._incoming.write(data)
                continue
            self._flush(raw)
            return

    def peer_chain_der(self) -> list[bytes]:
        """The certificates the server sent, leaf first (DER)."""
        public = getattr(self._tls, "get_unverified_chain", None)  # Python >= 3.13: DER bytes
        if public is not None:
            return [bytes(cert) for cert in public() or []]
        # Python 3.10-3.12 have the chain only on the private object, as certificate objects.
        private = getattr(getattr(self._tls, "_sslobj", None), "get_unverified_chain", None)
        if private is not None:
            der = ssl._ssl.ENCODING_DER  # type: ignore[attr-defined]
            return [cert.public_bytes(der) for cert in private() or []]
        leaf = self._tls.getpeercert(binary_form=True)
        return [leaf] if leaf else []

    def encrypt(self, data: bytes) -> bytes:
        """TLS records carrying ``data``."""
        self._tls.write(data)
        return self._outgoing.read()

    def decrypt(self, data: bytes) -> tuple[bytes, bool, bytes]:
        """Feed received bytes; return (plaintext, peer sent close_notify, bytes to send back)."""
        self._incoming.write(data)
        plain = bytearray()
        closed = False
        while True:
            try:
                chunk = self._tls.read(_RECV_SIZE)
            except ssl.SSLWantReadError:
                break
            except ssl.SSLZeroReturnError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            plain += chunk
        return bytes(plain), closed, self._outgoing.read()

    def close_notify(self) -> bytes:
        """The close_notify alert to send, best effort."""
        with contextlib.suppress(ssl.SSLError):
            self._tls.unwrap()
        return self._outgoing.read()

    def _flush(self, raw: socket.socket) -> None:
        pending = self._outgoing.read()
        if pending:
            raw.sendall(pending)


def client_context(cert_blob: bytes | None, key_blob: bytes | None) -> ssl.SSLContext:
    """A TLS 1.2 client context that trusts anything; with the module's own cert and key when
    both are stored and readable (mutual TLS)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    # The firmware (2017) speaks TLS up to 1.2; a 1.3-only server fails like it would.
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    if cert_blob and key_blob:
        # Blobs that do not load leave the module without a client identity, as unusable
        # flash contents would; the server decides whether it minds.
        with contextlib.suppress(ValueError, TypeError, OSError, ssl.SSLError,
                                 UnsupportedAlgorithm):
            _load_client_identity(context, cert_blob, key_blob)
    return context


def server_context(cert_blob: bytes, key_blob: bytes, ca_blob: bytes | None) -> ssl.SSLContext:
    """A TLS 1.2 server context with the module's own certificate and key (``TLSCERT cert``
    and ``key``); with ``ca_blob`` (mutual TLS, SOCKDON ``s2``) a client must present a
    certificate that CA signed.

    Raises:
        ValueError: the stored certificate, key or CA cannot be used.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    try:
        _load_client_identity(context, cert_blob, key_blob)
        if ca_blob is not None:
            context.verify_mode = ssl.CERT_REQUIRED
            cas = loading.load_certificates(ca_blob)
            context.load_verify_locations(cadata="".join(
                c.public_bytes(serialization.Encoding.PEM).decode() for c in cas))
    except (ValueError, TypeError, OSError, ssl.SSLError, UnsupportedAlgorithm,
            loading.CertificateError) as exc:
        raise ValueError(str(exc)) from None
    return context


def _load_client_identity(context: ssl.SSLContext, cert_blob: bytes, key_blob: bytes) -> None:
    cert_pem = b"".join(c.public_bytes(serialization.Encoding.PEM)
                        for c in loading.load_certificates(cert_blob))
    loader = load_pem_private_key if b"-----BEGIN" in key_blob else load_der_private_key
    key_pem = loader(key_blob, password=None).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    # ssl only loads identities from files: write them to a private temporary directory.
    with tempfile.TemporaryDirectory(prefix="spwf-emu-") as folder:
        cert_path = os.path.join(folder, "cert.pem")
        key_path = os.path.join(folder, "key.pem")
        for path, data in ((cert_path, cert_pem), (key_path, key_pem)):
            with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as handle:
                handle.write(data)
        context.load_cert_chain(cert_path, key_path)


class HostSocket:
    """One module socket: a real host socket, its receive buffer and its reader thread."""

    def __init__(self, sock_id: int, protocol: str, raw: socket.socket, peer: tuple[str, int],
                 tls: TlsChannel | None,
                 on_data: Callable[[int, int, int], None],
                 on_closed: Callable[[int, int], None],
                 rx_limit: int = RX_BUFFER,
                 on_dropped: Callable[[], None] | None = None) -> None:
        self.sock_id = sock_id
        self.protocol = protocol
        """``t`` TCP, ``u`` UDP, ``s`` TLS."""
        self.peer = peer
        self._raw = raw
        self._tls = tls
        self._on_data = on_data
        self._on_closed = on_closed
        self._lock = threading.Lock()
        self._drained = threading.Condition(self._lock)
        """Notified when the host reads or the socket closes (the reader may go on)."""
        self._rx_limit = rx_limit
        self._on_dropped = on_dropped
        self._buffer = bytearray()
        self._closing = False
        self.remote_closed = False
        """True once the peer has gone (WIND 58 sent); the socket stays until SOCKC."""
        self._reader = threading.Thread(target=self._read_loop, daemon=True,
                                        name=f"spwf-emu-sock{sock_id}")

    def start(self) -> None:
        """Start receiving (after the host has been told the socket id)."""
        self._raw.settimeout(None)
        if self._tls is not None:
            # Records that arrived together with the end of the handshake are already in the
            # TLS buffers; the reader would only see what comes later.
            data, peer_closed, _ = self._tls.decrypt(b"")
            if data:
                with self._lock:
                    self._buffer += data
                self._on_data(self.sock_id, len(data), len(data))
            if peer_closed:
                self._peer_gone(CLOSED_BY_PEER)
                return
        self._reader.start()

    @property
    def pending(self) -> int:
        """Received bytes not yet read by the host."""
        with self._lock:
            return len(self._buffer)

    def read(self, limit: int | None) -> tuple[bytes, int]:
        """Take up to ``limit`` (None: all) pending bytes; return them and the count before."""
        with self._lock:
            before = len(self._buffer)
            count = before if limit is None else min(limit, before)
            data = bytes(self._buffer[:count])
            del self._buffer[:count]
            self._drained.notify_all()
            return data, before

    def write(self, data: bytes) -> None:
        """Send ``data`` to the peer. Raises OSError when the connection is gone."""
        with self._lock:
            wire = self._tls.encrypt(data) if self._tls is not None else data
            if self.protocol == "u":
                self._raw.send(wire)
            else:
                self._raw.sendall(wire)

    def close(self) -> None:
        """Close the host socket and stop the reader; no WIND follows."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            self._drained.notify_all()
            if self._tls is not None and not self.remote_closed:
                with contextlib.suppress(OSError, ssl.SSLError):
                    self._raw.sendall(self._tls.close_notify())
        with contextlib.suppress(OSError):
            self._raw.shutdown(socket.SHUT_RDWR)
        self._raw.close()
        if self._reader.is_alive() and self._reader is not threading.current_thread():
            self._reader.join(timeout=2.0)

    def _wait_for_room(self) -> None:
        """TCP/TLS: stop reading while the buffer is full; the peer's sends then block in
        its own TCP stack, as they would against a module whose buffers are full."""
        if self.protocol == "u":
            return
        with self._drained:
            while len(self._buffer) >= self._rx_limit and not self._closing:
                self._drained.wait(0.5)

    def _read_loop(self) -> None:
        while True:
            self._wait_for_room()
            if self._closing:
                return
            try:
                data = self._raw.recv(_RECV_SIZE)
                error = False
            except ConnectionRefusedError:
                if self.protocol == "u":
                    continue  # an ICMP "port unreachable" for an earlier datagram; UDP goes on
                data, error = b"", True
            except OSError:
                data, error = b"", True
            if self._closing:
                return
            if not data:
                if self.protocol != "u" or error:
                    self._peer_gone(CLOSED_BY_ERROR if error else CLOSED_BY_PEER)
                    return
                continue
            peer_closed = False
            if self.protocol == "u" and len(data) + self.pending > self._rx_limit:
                if self._on_dropped is not None:
                    self._on_dropped()  # the datagram does not fit: dropped, as the module does
                continue
            with self._lock:
                if self._tls is not None:
                    try:
                        data, peer_closed, reply = self._tls.decrypt(data)
                        if reply:
                            self._raw.sendall(reply)
                    except (ssl.SSLError, OSError):
                        data, error = b"", True
                self._buffer += data
                total = len(self._buffer)
            if data:
                self._on_data(self.sock_id, len(data), total)
            if peer_closed or error:
                self._peer_gone(CLOSED_BY_ERROR if error else CLOSED_BY_PEER)
                return

    def _peer_gone(self, reason: int) -> None:
        if self._closing or self.remote_closed:
            return
        self.remote_closed = True
        self._on_closed(self.sock_id, reason)


class SocketTable(IdTable[HostSocket]):
    """The module's client sockets by id: ids from 0, at most 8, at most 2 of them TLS."""

    MAX_SOCKETS = 8
    MAX_TLS = 2
    """FW 1.1.0 change log: a second simultaneous TLS client instance."""

    def __init__(self) -> None:
        super().__init__(self.MAX_SOCKETS, lambda sock: sock.sock_id, lambda sock: sock.close())

    def tls_count(self) -> int:
        """How many open sockets use TLS."""
        return sum(1 for sock in self.all() if sock.protocol == "s")
