"""WebSocket client commands over the host's real network: WSOCKON, WSOCKQ, WSOCKW, WSOCKR,
WSOCKC (WSOCKL is refused as not emulated: its line layout is not known)."""

from __future__ import annotations

import base64
import socket
import time
from typing import TYPE_CHECKING

from spwf_tui.emulator.commands_sockets import open_client
from spwf_tui.emulator.dispatch import Call, Handler, find_by_id, parse_uint
from spwf_tui.emulator.error_codes import (
    ERR_INVALID,
    ERR_IP_NOT_READY,
    ERR_NOT_CONNECTED,
    ERR_NOT_EMULATED,
    ERR_OPEN_FAILED,
    ERR_PENDING,
    ERR_TOO_MANY_SOCKETS,
    ERR_WRITE_FAILED,
)
from spwf_tui.emulator.netsock import CONNECT_TIMEOUT, HostSocket, TlsChannel
from spwf_tui.emulator.replies import CommandError, Reply
from spwf_tui.emulator.websocket import (
    MAX_HANDSHAKE,
    MAX_WEBSOCKETS,
    HandshakeError,
    WebSocketConn,
    check_answer,
    opening_request,
)

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule

CLOSE_STATUS = {0: 1000, 1: 1001}
"""WSOCKC status -> RFC 6455 close code: 0 normal closure, 1 going away."""


def _conn(module: EmulatedModule, text: str) -> WebSocketConn:
    return find_by_id(text, MAX_WEBSOCKETS, module.websockets.get)


def _read_head(raw: socket.socket, channel: TlsChannel | None,
               request: bytes) -> tuple[bytes, bytes]:
    """Send the upgrade request; (answer head, bytes after it). 74 when it does not come."""
    raw.settimeout(CONNECT_TIMEOUT)
    deadline = time.monotonic() + CONNECT_TIMEOUT
    answer = bytearray()
    try:
        raw.sendall(channel.encrypt(request) if channel else request)
        while b"\r\n\r\n" not in answer:
            if len(answer) > MAX_HANDSHAKE or time.monotonic() > deadline:
                raise CommandError(ERR_OPEN_FAILED)
            data = raw.recv(16384)
            if not data:
                raise CommandError(ERR_OPEN_FAILED)
            if channel is not None:
                data, _, back = channel.decrypt(data)
                if back:
                    raw.sendall(back)
            answer += data
    except OSError:  # ssl.SSLError is one
        raise CommandError(ERR_OPEN_FAILED) from None
    head, _, rest = bytes(answer).partition(b"\r\n\r\n")
    return head, rest


def _wsockon(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """Connect, upgrade, ``AT-S.On:<id>``; TLS (any ``<TLS>`` but 0) is checked like SOCKON."""
    host, path = call.arg(0), call.arg(2) or "/"
    port = parse_uint(call.arg(1), maximum=65535)
    use_tls = parse_uint(call.arg(3)) != 0 if call.arg(3) else False
    if port == 0:
        raise CommandError(ERR_INVALID)
    if call.arg(8):
        raise CommandError(ERR_NOT_EMULATED)  # no WebSocket extension is spoken here
    if not module.radio.ip_up:
        raise CommandError(ERR_IP_NOT_READY)
    ws_id = module.websockets.free_id()
    if ws_id is None:
        raise CommandError(ERR_TOO_MANY_SOCKETS)
    address, raw, channel = open_client(module, reply, host, port, use_tls)
    try:
        authorization = None
        if call.arg(4):
            token = base64.b64encode(f"{call.arg(4)}:{call.arg(5)}".encode("latin-1", "replace"))
            authorization = f"Basic {token.decode()}"
        request, accept = opening_request(host, port, path, call.arg(6), call.arg(7),
                                          authorization)
        head, rest = _read_head(raw, channel, request)
        try:
            check_answer(head, accept)
        except HandshakeError:
            raise CommandError(ERR_OPEN_FAILED) from None
    except CommandError:
        raw.close()
        raise
    holder: list[WebSocketConn] = []
    sock = HostSocket(ws_id, "s" if use_tls else "t", raw, (address, port), channel,
                      on_data=lambda *_: holder[0].feed(),
                      on_closed=lambda *_: holder[0].peer_gone(),
                      rx_limit=module.world.socket_buffer)
    conn = WebSocketConn(ws_id, sock, (address, port),
                         on_message=lambda wid, rx, total: module.post_wind(88, wid, 1, 1, rx,
                                                                            total),
                         on_closed=lambda wid: module.post_wind(89, wid),
                         rx_limit=module.world.socket_buffer)
    holder.append(conn)
    module.websockets.add(conn)
    reply.line("On", ws_id)
    if rest:
        conn.take_early(rest)
    sock.start()


def _wsockq(module: EmulatedModule, call: Call, reply: Reply) -> None:
    reply.line("Query", _conn(module, call.arg(0)).pending)


def _wsockw_length(module: EmulatedModule, call: Call) -> int:
    """Header check: the WebSocket exists (76) and is open (78); only whole messages (both
    flags 0, as ST's middleware writes them) are emulated, others -> 120."""
    conn = _conn(module, call.arg(0))
    if conn.closed or conn.sock.remote_closed:
        raise CommandError(ERR_NOT_CONNECTED)
    if call.arg(3) not in ("0", "1"):
        raise CommandError(ERR_INVALID)
    return parse_uint(call.arg(4))


def _wsockw(module: EmulatedModule, call: Call, reply: Reply) -> None:
    conn = _conn(module, call.arg(0))
    if call.arg(1) != "0" or call.arg(2) != "0":
        raise CommandError(ERR_NOT_EMULATED)  # after the payload: it never runs as commands
    try:
        conn.send_message(call.payload, binary=call.arg(3) == "1")
    except OSError:  # ssl.SSLError is one
        raise CommandError(ERR_WRITE_FAILED) from None


def _wsockr(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """As SOCKR: ``Reading:<returned>:<pending before>`` CR LF, the bytes, the final line."""
    conn = _conn(module, call.arg(0))
    limit = parse_uint(call.arg(1)) if call.arg(1) else 0
    data, before = conn.read(limit or None)
    reply.line("Reading", len(data), before)
    reply.raw(data)


def _wsockc(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """Close with status 0 (1000) or 1 (1001); unread bytes -> 77. WIND 89 follows."""
    conn = _conn(module, call.arg(0))
    status = parse_uint(call.arg(1), maximum=1)
    if conn.pending:
        raise CommandError(ERR_PENDING)
    module.websockets.remove(conn.ws_id)
    was_open = not conn.closed
    conn.close(CLOSE_STATUS[status])
    if was_open:
        module.post_wind(89, conn.ws_id)


HANDLERS: dict[str, Handler] = {
    "WSOCKON": Handler(run=_wsockon, deferred=True),
    "WSOCKQ": Handler(run=_wsockq),
    "WSOCKW": Handler(run=_wsockw, payload_length=_wsockw_length),
    "WSOCKR": Handler(run=_wsockr),
    "WSOCKC": Handler(run=_wsockc),
}
