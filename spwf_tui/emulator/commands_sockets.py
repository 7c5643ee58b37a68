"""Client socket commands over the host's real network: SOCKON, SOCKQ, SOCKR, SOCKW, SOCKC,
SOCKL."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from typing import TYPE_CHECKING

from spwf_tui.emulator import tlsverify
from spwf_tui.emulator.commands_wifi import resolve
from spwf_tui.emulator.dispatch import Call, Handler, find_by_id, parse_uint
from spwf_tui.emulator.error_codes import (
    ERR_INVALID,
    ERR_IP_NOT_READY,
    ERR_NOT_CONNECTED,
    ERR_OPEN_FAILED,
    ERR_PENDING,
    ERR_TOO_MANY_SOCKETS,
    ERR_WRITE_FAILED,
)
from spwf_tui.emulator.netsock import (
    CONNECT_TIMEOUT,
    HostSocket,
    SocketTable,
    TlsChannel,
    client_context,
    tcp_connect,
)
from spwf_tui.emulator.replies import CommandError, Reply

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule


_PROTOCOL_CODES = {"t": 0, "u": 1, "s": 2}
"""Second field of an ``AT-S.List`` line."""


def _socket(module: EmulatedModule, text: str) -> HostSocket:
    """The open socket with id ``text``; 76 when there is none."""
    return find_by_id(text, SocketTable.MAX_SOCKETS, module.sockets.get)


def _kind(text: str) -> tuple[str, str | None]:
    """``t``/``u``/``s`` (any case), or a TLS server domain name -> (``s``, domain)."""
    if len(text) == 1:
        if text.lower() not in _PROTOCOL_CODES:
            raise CommandError(ERR_INVALID)
        return text.lower(), None
    return "s", text


def sni_for(host: str, domain: str | None) -> str | None:
    """The name sent as SNI: the domain when given, else the host when it is a name."""
    if domain is not None:
        return domain
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host
    return None


def _sockon(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """Open a client socket. TLS: handshake, then the module's own certificate check."""
    host = call.arg(0)
    port = parse_uint(call.arg(1), maximum=65535)
    protocol, domain = _kind(call.arg(3))  # the third field is unused (empty or NULL)
    if port == 0:
        raise CommandError(ERR_INVALID)
    if not module.radio.ip_up:
        raise CommandError(ERR_IP_NOT_READY)
    sock_id = module.sockets.free_id()
    if sock_id is None:
        raise CommandError(ERR_TOO_MANY_SOCKETS)
    if protocol == "s" and module.sockets.tls_count() >= SocketTable.MAX_TLS:
        raise CommandError(ERR_TOO_MANY_SOCKETS)
    address = resolve(host)
    raw = _connect(protocol, address, port)
    channel = None
    if protocol == "s":
        channel = handshake(module, raw, sni_for(host, domain))
        try:
            check_trust(module, reply, raw, channel, domain, ERR_OPEN_FAILED)
        except CommandError:
            raw.close()
            raise
    sock = HostSocket(sock_id, protocol, raw, (address, port), channel,
                      on_data=lambda sid, rx, total: module.post_wind(55, "", sid, rx, total),
                      on_closed=lambda sid, reason: module.post_wind(58, sid, reason),
                      rx_limit=module.world.socket_buffer,
                      on_dropped=lambda: module.post_wind(63))
    module.sockets.add(sock)
    sock.start()
    reply.line("On", address, sock_id)


def _connect(protocol: str, address: str, port: int) -> socket.socket:
    """A connected host socket; 74 when the connection fails (no Loading line)."""
    try:
        if protocol == "u":
            raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            raw.connect((address, port))
            return raw
        return tcp_connect(address, port)
    except OSError:
        raise CommandError(ERR_OPEN_FAILED) from None


def open_client(module: EmulatedModule, reply: Reply, host: str, port: int,
                use_tls: bool) -> tuple[str, socket.socket, TlsChannel | None]:
    """The connection of a client command other than SOCKON (MQTT, WebSocket): the address,
    the TCP socket and, with TLS, the channel the module trusts; 74 when any of it fails (the
    socket is closed then)."""
    address = resolve(host)
    try:
        raw = tcp_connect(address, port)
    except OSError:
        raise CommandError(ERR_OPEN_FAILED) from None
    if not use_tls:
        return address, raw, None
    try:
        channel = handshake(module, raw, sni_for(host, None))
        check_trust(module, reply, raw, channel, None, ERR_OPEN_FAILED)
    except CommandError:
        raw.close()
        raise
    return address, raw, channel


def check_trust(module: EmulatedModule, reply: Reply, raw: socket.socket, channel: TlsChannel,
                domain: str | None, failure_code: int) -> None:
    """The module's own check of the server after a handshake (Python verified nothing): a
    distrusted server gets ``AT-S.Certificate Error:<n>``, a close_notify and the command fails
    with ``failure_code`` (the caller closes ``raw``); a trusted one ``AT-S.Loading:1:2``."""
    error = tlsverify.check_server(channel.peer_chain_der(), module.tls, module.clock.datetime(), domain)
    if error is not None:
        reply.line("Certificate Error", error)
        with contextlib.suppress(OSError):  # ssl.SSLError is one
            raw.sendall(channel.close_notify())
        raise CommandError(failure_code)
    reply.line("Loading", 1, 2)


def handshake(module: EmulatedModule, raw: socket.socket, sni: str | None) -> TlsChannel:
    """TLS handshake; 74 when it fails (no Certificate Error line: nothing was checked)."""
    context = client_context(module.tls.get("cert"), module.tls.get("key"))
    try:
        try:
            channel = TlsChannel(context, sni)
        except (ValueError, UnicodeError):
            channel = TlsChannel(context, None)  # not a valid DNS name: no SNI
        raw.settimeout(CONNECT_TIMEOUT)
        channel.handshake(raw)
    except OSError:  # ssl.SSLError is one
        raw.close()
        raise CommandError(ERR_OPEN_FAILED) from None
    return channel


def _sockq(module: EmulatedModule, call: Call, reply: Reply) -> None:
    reply.line("Query", _socket(module, call.arg(0)).pending)


def _sockr(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``Reading:<returned>:<pending before>`` CR LF, the bytes, then the final line directly.
    An empty or 0 length reads everything pending."""
    sock = _socket(module, call.arg(0))
    limit = parse_uint(call.arg(1)) if call.arg(1) else 0
    data, before = sock.read(limit or None)
    reply.line("Reading", len(data), before)
    reply.raw(data)


def _sockw_length(module: EmulatedModule, call: Call) -> int:
    """Header check: the socket exists (76) and is still connected (78)."""
    sock = _socket(module, call.arg(0))
    if sock.remote_closed:
        raise CommandError(ERR_NOT_CONNECTED)
    return parse_uint(call.arg(1))


def _sockw(module: EmulatedModule, call: Call, reply: Reply) -> None:
    sock = _socket(module, call.arg(0))
    if not call.payload:
        return
    try:
        sock.write(call.payload)
    except OSError:  # ssl.SSLError is one
        raise CommandError(ERR_WRITE_FAILED) from None


def _sockc(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """Close; refused with 77 while received bytes are unread."""
    sock = _socket(module, call.arg(0))
    if sock.pending:
        raise CommandError(ERR_PENDING)
    module.sockets.remove(sock.sock_id)
    sock.close()


def _sockl(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``List::<id>:<0 TCP|1 UDP|2 TLS>:<1 connected|0 closed by peer>:<pending>:<ip>:<port>``."""
    for sock in module.sockets.all():
        reply.line("List", "", sock.sock_id, _PROTOCOL_CODES[sock.protocol],
                   0 if sock.remote_closed else 1, sock.pending, *sock.peer)


HANDLERS: dict[str, Handler] = {
    "SOCKON": Handler(run=_sockon, deferred=True),
    "SOCKQ": Handler(run=_sockq),
    "SOCKR": Handler(run=_sockr),
    "SOCKW": Handler(run=_sockw, payload_length=_sockw_length),
    "SOCKC": Handler(run=_sockc),
    "SOCKL": Handler(run=_sockl),
}
