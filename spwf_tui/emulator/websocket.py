"""A WebSocket client (RFC 6455) on top of a module socket: the opening handshake, masked frames
out, frames in (ping answered, close answered, fragments joined into one message).

The transport is a ``HostSocket`` (plain TCP or TLS, checked like SOCKON); its reader thread
hands received bytes to ``WebSocketConn.feed`` through ``on_data``. Received messages are
appended to the connection's buffer for WSOCKR; ``on_message`` reports each one (WIND 88).
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import threading
from typing import Callable

from spwf_tui.emulator.netsock import HostSocket
from spwf_tui.emulator.idtable import IdTable

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_HANDSHAKE = 16384
"""Bytes of HTTP answer to the upgrade request read at most."""
MAX_FRAME = 1024 * 1024
"""Largest frame accepted; a bigger one closes the connection (1009, message too big)."""

MAX_WEBSOCKETS = 2
"""At most two WebSocket clients (docs/protocol.md §7.2)."""

OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


class HandshakeError(Exception):
    """The server did not switch protocols as RFC 6455 wants."""


def opening_request(host: str, port: int, path: str, origin: str, protocol: str,
                    authorization: str | None) -> tuple[bytes, str]:
    """The upgrade request and the ``Sec-WebSocket-Accept`` value the answer must carry."""
    key = base64.b64encode(os.urandom(16)).decode()
    accept = base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest()).decode()
    lines = [f"GET {path or '/'} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket",
             "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    if origin:
        lines.append(f"Origin: {origin}")
    if protocol:
        lines.append(f"Sec-WebSocket-Protocol: {protocol}")
    if authorization:
        lines.append(f"Authorization: {authorization}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace"), accept


def check_answer(head: bytes, accept: str) -> None:
    """Raises HandshakeError unless ``head`` is a 101 with the right accept value."""
    lines = head.split(b"\r\n")
    status = lines[0].split(None, 2)
    if len(status) < 2 or status[1] != b"101":
        raise HandshakeError(f"status {status[1:2]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    if headers.get(b"sec-websocket-accept", b"").decode("latin-1") != accept:
        raise HandshakeError("wrong Sec-WebSocket-Accept")
    if headers.get(b"sec-websocket-extensions"):
        raise HandshakeError("the server insists on an extension")


def frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    """One client frame (always masked, as RFC 6455 requires of clients)."""
    head = bytearray([(0x80 if fin else 0) | opcode])
    length = len(payload)
    if length < 126:
        head.append(0x80 | length)
    elif length < 1 << 16:
        head.append(0x80 | 126)
        head += struct.pack(">H", length)
    else:
        head.append(0x80 | 127)
        head += struct.pack(">Q", length)
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes(head) + mask + masked


class WebSocketConn:
    """One module WebSocket: frame parser, message buffer, and the socket under it."""

    def __init__(self, ws_id: int, sock: HostSocket, endpoint: tuple[str, int],
                 on_message: Callable[[int, int, int], None],
                 on_closed: Callable[[int], None], rx_limit: int = 1024 * 1024) -> None:
        self.ws_id = ws_id
        self.sock = sock
        self.endpoint = endpoint
        self._on_message = on_message
        self._on_closed = on_closed
        self._rx_limit = rx_limit
        """Unread message bytes kept at most: beyond it the socket below is not drained, so
        its own limit holds the server back (TCP flow control)."""
        self._lock = threading.Lock()
        self._feeding = threading.Lock()
        """One feeder at a time (reader thread, or a command after a read), so messages keep
        their order."""
        self._incoming = bytearray()
        self._fragments = bytearray()
        self._buffer = bytearray()
        self.closed = False
        """The server closed (or the connection broke): WIND 89 went out."""

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._buffer)

    def read(self, limit: int | None) -> tuple[bytes, int]:
        with self._lock:
            before = len(self._buffer)
            count = before if limit is None else min(limit, before)
            data = bytes(self._buffer[:count])
            del self._buffer[:count]
        if count and self.sock.pending:
            self.feed()  # room again: take what waited in the socket below
        return data, before

    def send_message(self, payload: bytes, binary: bool) -> None:
        self.sock.write(frame(OP_BINARY if binary else OP_TEXT, payload))

    def close(self, status: int) -> None:
        """Send a close frame (1000 normal, 1001 going away) and close the socket; no WIND
        comes from the reader after this (the caller reports the close)."""
        was_open, self.closed = not self.closed, True
        if was_open and not self.sock.remote_closed:
            try:
                self.sock.write(frame(OP_CLOSE, struct.pack(">H", status)))
            except OSError:
                pass
        self.sock.close()

    def take_early(self, data: bytes) -> None:
        """Bytes that came with the handshake's answer: the first frames."""
        with self._feeding:
            with self._lock:
                self._incoming += data
            self._parse()

    # Called from the socket's reader thread (and after a read made room).
    def feed(self) -> None:
        with self._feeding:
            if self.pending >= self._rx_limit:
                return  # full: the bytes wait in the socket below
            data, _ = self.sock.read(None)
            with self._lock:
                self._incoming += data
            self._parse()

    def _parse(self) -> None:
        while True:
            parsed = self._next_frame()
            if parsed is None:
                return
            fin, opcode, payload = parsed
            self._handle(fin, opcode, payload)

    def peer_gone(self) -> None:
        if not self.closed:
            self.closed = True
            self._on_closed(self.ws_id)

    def _next_frame(self) -> tuple[bool, int, bytes] | None:
        with self._lock:
            buf = self._incoming
            if len(buf) < 2:
                return None
            fin, opcode = bool(buf[0] & 0x80), buf[0] & 0x0F
            masked, length = bool(buf[1] & 0x80), buf[1] & 0x7F
            offset = 2
            if length == 126:
                if len(buf) < 4:
                    return None
                length, offset = struct.unpack(">H", buf[2:4])[0], 4
            elif length == 127:
                if len(buf) < 10:
                    return None
                length, offset = struct.unpack(">Q", buf[2:10])[0], 10
            if length > MAX_FRAME:
                buf.clear()
                too_big = True
            else:
                too_big = False
                mask = b""
                if masked:
                    if len(buf) < offset + 4:
                        return None
                    mask, offset = bytes(buf[offset:offset + 4]), offset + 4
                if len(buf) < offset + length:
                    return None
                payload = bytes(buf[offset:offset + length])
                del buf[:offset + length]
                if mask:
                    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        if too_big:
            self.close(1009)
            self.peer_gone()
            return None
        return fin, opcode, payload

    def _handle(self, fin: bool, opcode: int, payload: bytes) -> None:
        if opcode == OP_PING:
            self.sock.write(frame(OP_PONG, payload))
        elif opcode == OP_CLOSE:
            if not self.sock.remote_closed:
                try:
                    self.sock.write(frame(OP_CLOSE, payload[:2]))
                except OSError:
                    pass
            self.peer_gone()
        elif opcode in (OP_TEXT, OP_BINARY, OP_CONTINUATION):
            with self._lock:
                self._fragments += payload
                if not fin:
                    return
                message = bytes(self._fragments)
                self._fragments.clear()
                self._buffer += message
                total = len(self._buffer)
            self._on_message(self.ws_id, len(message), total)


class WebSocketTable(IdTable[WebSocketConn]):
    """Open WebSockets by id (0 and 1)."""

    def __init__(self) -> None:
        super().__init__(MAX_WEBSOCKETS, lambda conn: conn.ws_id, lambda conn: conn.sock.close())
