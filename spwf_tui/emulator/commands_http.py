"""The HTTP client: HTTPGET and HTTPPOST over the host's real network (TLS like SOCKON).

One request per command, ``Connection: close``, the answer read to the end. The lines are the
module's (docs/protocol.md §7.2): ``AT-S.Loading:1:2`` after a trusted TLS handshake,
``AT-S.Http Server Status Code:<n>``, the body as raw bytes (chunk-size lines of a chunked
answer included, as the firmware passes them on), then the final line directly. An HTTP error
status adds ``AT-S.Http Server Error:<n>`` and fails with 111; a connection that cannot be made
answers ``AT-S.Http Client Error:1`` and 111; a server certificate the module does not trust
answers ``AT-S.Certificate Error:<n>`` and 111.
"""

from __future__ import annotations

import base64
import socket
import ssl
import time
from typing import TYPE_CHECKING

from spwf_tui.emulator.commands_sockets import check_trust, handshake, sni_for
from spwf_tui.emulator.commands_wifi import resolve
from spwf_tui.emulator.dispatch import Call, Handler, parse_uint
from spwf_tui.emulator.error_codes import ERR_INVALID, ERR_IP_NOT_READY, ERR_LOW_MEMORY, ERR_REQUEST_FAILED
from spwf_tui.emulator.filesystem import canonical_name
from spwf_tui.emulator.netsock import CONNECT_TIMEOUT, TlsChannel, tcp_connect
from spwf_tui.emulator.replies import CommandError, Reply

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule


CLIENT_ERROR_CONNECT = 1
"""``Http Client Error:<n>`` when the connection cannot be made (1 = refused, seen on real
modules; the emulator uses 1 for every connection failure, TLS handshake included)."""

MAX_ANSWER = 1 << 20
"""Bytes of answer (headers and body) read at most; a peer that streams forever is cut here."""
ANSWER_SECONDS = 30.0
"""Time allowed for the whole answer; a peer that trickles forever is cut here too."""
_RECV_SIZE = 16384
_TLS_FLAG = {"0": False, "2": True}
"""``<TLS>``: 0 plain, 2 HTTPS. 1 is not documented: refused with 7 rather than guessed."""


def _request(module: EmulatedModule, call: Call, method: str, reply: Reply) -> None:
    down_file, up_file = call.arg(6), call.arg(7)
    body = bytes(module.disk.read(up_file, None, None)) if up_file else b""
    content = fetch(module, reply, call.args[:6], method, body)
    if down_file:
        store_file(module, down_file, content)
    else:
        reply.raw(content)


def fetch(module: EmulatedModule, reply: Reply, fields: list[str], method: str = "GET",
          body: bytes = b"") -> bytes:
    """One request from ``<host>,<path>,<port>,<TLS>,<usn>,<pwd>``; the module's lines up to
    ``Http Server Status Code`` go to ``reply``; returns the body of a status below 400.

    Shared by HTTPGET/HTTPPOST and FWUPDATE (whose download is the same HTTP client).

    Raises:
        CommandError: 7 for bad fields, 60 without an address, 111 when the request fails.
    """
    fields = fields + [""] * (6 - len(fields))
    host, path, port_text, tls_text, user, password = fields[:6]
    path = path or "/"
    port = parse_uint(port_text, maximum=65535)
    if port == 0 or tls_text not in _TLS_FLAG:
        raise CommandError(ERR_INVALID)
    use_tls = _TLS_FLAG[tls_text]
    if not module.radio.ip_up:
        raise CommandError(ERR_IP_NOT_READY)
    address = resolve(host)
    try:
        raw = tcp_connect(address, port)
    except OSError:
        reply.line("Http Client Error", CLIENT_ERROR_CONNECT)
        raise CommandError(ERR_REQUEST_FAILED) from None
    try:
        channel = None
        if use_tls:
            try:
                channel = handshake(module, raw, sni_for(host, None))
            except CommandError:
                reply.line("Http Client Error", CLIENT_ERROR_CONNECT)
                raise CommandError(ERR_REQUEST_FAILED) from None
            check_trust(module, reply, raw, channel, None, ERR_REQUEST_FAILED)
        head = _head(method, host, port, use_tls, path, user, password, len(body))
        answer = _exchange(raw, channel, head + body)
    finally:
        raw.close()
    status, content = _split(answer)
    if status is None:
        reply.line("Http Client Error", CLIENT_ERROR_CONNECT)
        raise CommandError(ERR_REQUEST_FAILED)
    reply.line("Http Server Status Code", status)
    if status >= 400:
        reply.line("Http Server Error", status)
        raise CommandError(ERR_REQUEST_FAILED)
    return content


def _head(method: str, host: str, port: int, use_tls: bool, path: str, user: str,
          password: str, length: int) -> bytes:
    default_port = 443 if use_tls else 80
    host_field = host if port == default_port else f"{host}:{port}"
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host_field}", "User-Agent: SPWF04S",
             "Connection: close"]
    if user:
        token = base64.b64encode(f"{user}:{password}".encode("latin-1", "replace")).decode()
        lines.append(f"Authorization: Basic {token}")
    if method == "POST" or length:
        lines.append(f"Content-Length: {length}")
    if method == "POST":
        lines.append("Content-Type: application/x-www-form-urlencoded")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


def _exchange(raw: socket.socket, channel: TlsChannel | None, request: bytes) -> bytes:
    """Send the request; read the answer until the peer closes, ``MAX_ANSWER`` bytes or
    ``ANSWER_SECONDS`` (a hostile peer cannot hold the console for ever)."""
    deadline = time.monotonic() + ANSWER_SECONDS
    answer = bytearray()
    try:
        raw.sendall(channel.encrypt(request) if channel else request)
        while len(answer) < MAX_ANSWER:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            raw.settimeout(min(left, CONNECT_TIMEOUT))
            data = raw.recv(_RECV_SIZE)
            if not data:
                break
            if channel is None:
                answer += data
                continue
            plain, closed, back = channel.decrypt(data)
            answer += plain
            if back:
                raw.sendall(back)
            if closed:
                break
    except (OSError, ssl.SSLError):
        pass  # what arrived before the break is the answer, as the module would print it
    return bytes(answer[:MAX_ANSWER])


def _split(answer: bytes) -> tuple[int | None, bytes]:
    """(status code, body bytes as received); None when the answer is no HTTP response."""
    head, sep, body = answer.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = answer.partition(b"\n\n")
    status_line = head.split(b"\n", 1)[0].strip()
    parts = status_line.split(None, 2)
    if (not sep or len(parts) < 2 or not parts[0].startswith(b"HTTP/")
            or not parts[1].isdigit() or len(parts[1]) != 3):
        return None, b""
    return int(parts[1]), body


def store_file(module: EmulatedModule, name: str, content: bytes) -> None:
    """``<DownFile>``: the body replaces that RAM-disk file (91 when it does not fit)."""
    capacity = module.config.get_int("ramdisk_memsize") * 1024
    key = canonical_name(name)
    old = module.disk.size(key) if key in module.disk.names() else 0
    if module.disk.used() - old + len(content) > capacity:
        raise CommandError(ERR_LOW_MEMORY)
    if old or key in module.disk.names():
        module.disk.delete(key)
    module.disk.append(key, content)


def _get(module: EmulatedModule, call: Call, reply: Reply) -> None:
    _request(module, call, "GET", reply)


def _post(module: EmulatedModule, call: Call, reply: Reply) -> None:
    _request(module, call, "POST", reply)


HANDLERS: dict[str, Handler] = {
    "HTTPGET": Handler(run=_get, deferred=True),
    "HTTPPOST": Handler(run=_post, deferred=True),
}
