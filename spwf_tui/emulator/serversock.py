"""Server sockets of the emulated module: a real listening host socket and its clients.

Each ``SOCKDON`` listens on a host port (the module's port number unless the world maps it to
another, on 127.0.0.1 unless the world names another address). An acceptor thread takes the
connections; each client is a ``HostSocket`` (the same buffer and reader as a client socket)
whose WINDs carry the server id and client id.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from typing import Callable

from spwf_tui.emulator.netsock import CONNECT_TIMEOUT, HostSocket, TlsChannel
from spwf_tui.emulator.idtable import IdTable

MAX_SERVERS = 2
"""Server sockets open at once (the emulator's choice; the limit of the firmware is not known)."""
MAX_CLIENTS = 8
"""Clients per server (the emulator's choice); one more is dropped with WIND 83."""
CLOSED_BY_PEER = 0


class ServerSocket:
    """One listening socket and the clients it accepted, by client id."""

    def __init__(self, server_id: int, module_port: int, listener: socket.socket,
                 events: ServerEvents, rx_limit: int,
                 tls: ssl.SSLContext | None = None) -> None:
        self.server_id = server_id
        self.module_port = module_port
        self._listener = listener
        self._events = events
        self._rx_limit = rx_limit
        self._tls = tls
        """Server context for ``s1``/``s2``; None for plain TCP."""
        self._lock = threading.Lock()
        self._clients: dict[int, HostSocket] = {}
        self._closing = False
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True,
                                          name=f"spwf-emu-sockd{server_id}")

    @property
    def protocol(self) -> str:
        """``t`` plain TCP, ``s`` TLS."""
        return "t" if self._tls is None else "s"

    @property
    def host_address(self) -> tuple[str, int]:
        """Where host programs connect to reach this server."""
        address = self._listener.getsockname()
        return address[0], address[1]

    def start(self) -> None:
        """Begin accepting (after the host has been told the server id)."""
        self._acceptor.start()

    def client(self, client_id: int) -> HostSocket | None:
        """The client with this id, or None."""
        with self._lock:
            return self._clients.get(client_id)

    def clients(self) -> list[HostSocket]:
        """Clients by id."""
        with self._lock:
            return [self._clients[i] for i in sorted(self._clients)]

    def drop(self, client_id: int) -> None:
        """Close one client (``SOCKDC=<sid>,<cid>``, or a gone client drained); no WIND."""
        with self._lock:
            sock = self._clients.pop(client_id, None)
        if sock is not None:
            sock.close()

    def close(self) -> None:
        """Stop listening and close every client; no WIND."""
        with self._lock:
            self._closing = True
            clients = list(self._clients.values())
            self._clients.clear()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for sock in clients:
            sock.close()
        if self._acceptor.is_alive() and self._acceptor is not threading.current_thread():
            self._acceptor.join(timeout=2.0)

    def _accept_loop(self) -> None:
        while True:
            try:
                conn, peer = self._listener.accept()
            except OSError:
                return
            channel = self._tls_handshake(conn)
            if self._tls is not None and channel is None:
                continue  # the handshake failed: the client never got in, no WIND
            with self._lock:
                if self._closing:
                    conn.close()
                    return
                client_id = next((i for i in range(MAX_CLIENTS) if i not in self._clients),
                                 None)
                if client_id is None:
                    conn.close()
                    self._events.dropped(self.server_id)
                    continue
                sock = HostSocket(
                    client_id, self.protocol, conn, (peer[0], peer[1]), channel,
                    on_data=lambda cid, rx, total: self._events.data(self.server_id, cid, rx,
                                                                     total),
                    on_closed=self._client_gone, rx_limit=self._rx_limit)
                self._clients[client_id] = sock
                # Under the lock: ``close`` cannot close the socket between these two, and the
                # incoming WIND is queued before any data WIND of this client.
                self._events.incoming(peer[0], peer[1], self.server_id, client_id)
                sock.start()

    def _tls_handshake(self, conn: socket.socket) -> TlsChannel | None:
        """The server side of the handshake (``s1``/``s2``); None for plain TCP or when the
        client fails it (the connection is then closed)."""
        if self._tls is None:
            return None
        channel = TlsChannel(self._tls, None, server_side=True)
        try:
            conn.settimeout(CONNECT_TIMEOUT)
            channel.handshake(conn)
        except (OSError, ssl.SSLError):
            conn.close()
            return None
        return channel

    def _client_gone(self, client_id: int, reason: int) -> None:
        sock = self.client(client_id)
        if sock is None:
            return
        self._events.gone(sock.peer[0], sock.peer[1], self.server_id, client_id, reason)
        if not sock.pending:
            self.drop(client_id)  # nothing left to read: the client id is free again


class ServerEvents:
    """Where a server's happenings go (the module turns them into WINDs)."""

    def __init__(self, post: Callable[..., None]) -> None:
        self._post = post

    def incoming(self, ip: str, port: int, server_id: int, client_id: int) -> None:
        self._post(61, ip, port, server_id, client_id)

    def data(self, server_id: int, client_id: int, received: int, total: int) -> None:
        self._post(55, server_id, client_id, received, total)

    def gone(self, ip: str, port: int, server_id: int, client_id: int, reason: int) -> None:
        self._post(62, ip, port, server_id, client_id, reason)

    def dropped(self, server_id: int) -> None:
        self._post(83)


class ServerTable(IdTable[ServerSocket]):
    """The module's server sockets by id (from 0, at most ``MAX_SERVERS``)."""

    def __init__(self) -> None:
        super().__init__(MAX_SERVERS, lambda server: server.server_id, lambda server: server.close())

    def port_in_use(self, module_port: int) -> bool:
        return any(server.module_port == module_port for server in self.all())
