"""Server socket commands over the host's real network: SOCKDON, SOCKDQ, SOCKDC, SOCKDW,
SOCKDR, SOCKDL (TCP, and TLS ``s1`` one-way / ``s2`` mutual with the stored certificate, key
and CA; UDP servers are refused as not emulated)."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from spwf_tui.emulator.dispatch import Call, Handler, find_by_id, parse_uint
from spwf_tui.emulator.error_codes import (
    ERR_INVALID,
    ERR_IP_NOT_READY,
    ERR_NOT_CONNECTED,
    ERR_NOT_EMULATED,
    ERR_OPEN_FAILED,
    ERR_PENDING,
    ERR_PORT_OPEN,
    ERR_TOO_MANY_SOCKETS,
    ERR_WRITE_FAILED,
)
from spwf_tui.emulator.netsock import HostSocket, limit_segments, server_context
from spwf_tui.emulator.replies import CommandError, Reply
from spwf_tui.emulator.serversock import MAX_CLIENTS, MAX_SERVERS, ServerEvents, ServerSocket

if TYPE_CHECKING:
    import ssl

    from spwf_tui.emulator.module import EmulatedModule


def _server(module: EmulatedModule, text: str) -> ServerSocket:
    return find_by_id(text, MAX_SERVERS, module.servers.get)


def _client(module: EmulatedModule, call: Call) -> tuple[ServerSocket, HostSocket]:
    server = _server(module, call.arg(0))
    return server, find_by_id(call.arg(1), MAX_CLIENTS, server.client)


def _sockdon(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """Listen on the mapped host port; ``AT-S.On:<sid>``."""
    port = parse_uint(call.arg(0), maximum=65535)
    kind = call.arg(1).lower()
    if port == 0 or kind not in ("t", "u", "s1", "s2"):
        raise CommandError(ERR_INVALID)
    if kind == "u":
        raise CommandError(ERR_NOT_EMULATED)
    if not module.radio.ip_up:
        raise CommandError(ERR_IP_NOT_READY)
    if module.servers.port_in_use(port):
        raise CommandError(ERR_PORT_OPEN)
    server_id = module.servers.free_id()
    if server_id is None:
        raise CommandError(ERR_TOO_MANY_SOCKETS)
    tls = _tls_context(module, kind)
    host, host_port = module.world.server_address(port)
    try:
        listener = socket.create_server((host, host_port))
        limit_segments(listener)
    except OSError:
        raise CommandError(ERR_OPEN_FAILED) from None
    server = ServerSocket(server_id, port, listener, ServerEvents(module.post_wind),
                          module.world.socket_buffer, tls)
    module.servers.add(server)
    server.start()
    reply.line("On", server_id)


def _tls_context(module: EmulatedModule, kind: str) -> ssl.SSLContext | None:
    """``s1``: the stored own certificate and key; ``s2``: and clients must show a certificate
    the stored CA signed. Anything missing or unusable -> 74."""
    if kind == "t":
        return None
    cert, key = module.tls.get("cert"), module.tls.get("key")
    ca = module.tls.get("ca") if kind == "s2" else None
    if not cert or not key or (kind == "s2" and not ca):
        raise CommandError(ERR_OPEN_FAILED)
    try:
        return server_context(cert, key, ca)
    except ValueError:
        raise CommandError(ERR_OPEN_FAILED) from None


def _sockdq(module: EmulatedModule, call: Call, reply: Reply) -> None:
    reply.line("Query", _client(module, call)[1].pending)


def _sockdr(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """As SOCKR: ``Reading:<returned>:<pending before>`` CR LF, the bytes, the final line."""
    server, sock = _client(module, call)
    limit = parse_uint(call.arg(2)) if call.arg(2) else 0
    data, before = sock.read(limit or None)
    reply.line("Reading", len(data), before)
    reply.raw(data)
    if sock.remote_closed and not sock.pending:
        server.drop(sock.sock_id)  # gone and drained: its id is free again


def _sockdw_length(module: EmulatedModule, call: Call) -> int:
    """Header check: the server and client exist (76), the client is connected (78)."""
    _, sock = _client(module, call)
    if sock.remote_closed:
        raise CommandError(ERR_NOT_CONNECTED)
    return parse_uint(call.arg(2))


def _sockdw(module: EmulatedModule, call: Call, reply: Reply) -> None:
    _, sock = _client(module, call)
    if not call.payload:
        return
    try:
        sock.write(call.payload)
    except OSError:  # ssl.SSLError is one
        raise CommandError(ERR_WRITE_FAILED) from None


def _sockdc(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """One client (77 while it has unread bytes), or the server with all its clients."""
    if call.arg(1):
        server, sock = _client(module, call)
        if sock.pending:
            raise CommandError(ERR_PENDING)
        server.drop(sock.sock_id)
        return
    server = _server(module, call.arg(0))
    if any(sock.pending for sock in server.clients()):
        raise CommandError(ERR_PENDING)
    module.servers.remove(server.server_id)
    server.close()


def _sockdl(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``List:<sid>:<cid>:<0 TCP|2 TLS>:<1 connected|0 gone>:<pending>:<peer ip>:<peer port>``
    per client."""
    servers = [_server(module, call.arg(0))] if call.arg(0) else module.servers.all()
    for server in servers:
        for sock in server.clients():
            reply.line("List", server.server_id, sock.sock_id, 2 if sock.protocol == "s" else 0,
                       0 if sock.remote_closed else 1, sock.pending, *sock.peer)


HANDLERS: dict[str, Handler] = {
    "SOCKDON": Handler(run=_sockdon),
    "SOCKDQ": Handler(run=_sockdq),
    "SOCKDC": Handler(run=_sockdc),
    "SOCKDW": Handler(run=_sockdw, payload_length=_sockdw_length),
    "SOCKDR": Handler(run=_sockdr),
    "SOCKDL": Handler(run=_sockdl),
}
