"""An MQTT 3.1.1 client on top of a module socket: CONNECT (with will, user, password),
SUBSCRIBE, UNSUBSCRIBE, PUBLISH at QoS 0, 1 and 2 both ways, PINGREQ for the keep-alive,
DISCONNECT. Written here from the OASIS MQTT 3.1.1 standard.

The transport is a ``HostSocket`` (TCP or TLS); its reader hands received bytes to ``feed``.
Acknowledgements the commands wait for (CONNACK, SUBACK, UNSUBACK, PUBACK, PUBCOMP) are
delivered through ``wait_ack``; incoming publications go to ``on_publish``.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable

from spwf_tui.emulator.netsock import HostSocket
from spwf_tui.emulator.idtable import IdTable

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT = 8, 9, 10, 11, 12, 13, 14
MAX_CONNECTIONS = 2
"""MQTT connections open at once (the emulator's choice; the firmware's limit is not known)."""


def _string(text: str | bytes) -> bytes:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return struct.pack(">H", len(data)) + data


def _remaining_length(length: int) -> bytes:
    out = bytearray()
    while True:
        byte, length = length % 128, length // 128
        out.append(byte | (0x80 if length else 0))
        if not length:
            return bytes(out)


def packet(kind: int, flags: int, body: bytes) -> bytes:
    return bytes([(kind << 4) | flags]) + _remaining_length(len(body)) + body


def connect_packet(client_id: str, keep_alive: int, user: str, password: str,
                   will: tuple[str, bytes, int] | None) -> bytes:
    flags = 0x02  # clean session
    payload = _string(client_id)
    if will is not None:
        topic, message, qos = will
        flags |= 0x04 | (qos << 3)
        payload += _string(topic) + _string(message)
    if user:
        flags |= 0x80
        payload += _string(user)
        if password:
            flags |= 0x40
            payload += _string(password)
    body = _string("MQTT") + bytes([4, flags]) + struct.pack(">H", keep_alive) + payload
    return packet(CONNECT, 0, body)


class MqttConn:
    """One broker connection: packet parser, acknowledgement waiters, keep-alive."""

    def __init__(self, conn_id: int, sock: HostSocket, keep_alive: int,
                 on_publish: Callable[[int, str, int, int, int, bytes], None],
                 on_closed: Callable[[int, int], None], max_packet: int) -> None:
        self.conn_id = conn_id
        self.sock = sock
        self.keep_alive = keep_alive
        self._on_publish = on_publish
        self._on_closed = on_closed
        self._max_packet = max_packet
        self._lock = threading.Lock()
        self._acks = threading.Condition(self._lock)
        self._received: dict[tuple[int, int], bytes] = {}
        """(packet kind, packet id or 0) -> body, for acknowledgements not yet taken."""
        self._incoming = bytearray()
        self._next_id = 0
        self.closed = False
        self.established = False
        """True once CONNACK accepted and the host got ``AT-S.On``: only then does a lost
        connection report WIND 87."""
        self._stop = threading.Event()
        self._pinger = threading.Thread(target=self._ping_loop, daemon=True,
                                        name=f"spwf-emu-mqtt{conn_id}")

    def start_keep_alive(self) -> None:
        if self.keep_alive:
            self._pinger.start()

    def packet_id(self) -> int:
        with self._lock:
            self._next_id = self._next_id % 65535 + 1
            return self._next_id

    def send(self, data: bytes) -> None:
        self.sock.write(data)

    def wait_ack(self, kind: int, packet_id: int, timeout: float) -> bytes | None:
        """The body of the acknowledgement, or None when it does not come in time (or the
        connection went)."""
        key = (kind, packet_id)
        with self._acks:
            self._acks.wait_for(lambda: key in self._received or self.closed, timeout)
            return self._received.pop(key, None)

    def disconnect(self) -> None:
        """DISCONNECT, then close; no WIND from the reader after this."""
        was_open, self.closed = not self.closed, True
        self._stop.set()
        if was_open and not self.sock.remote_closed:
            try:
                self.send(packet(DISCONNECT, 0, b""))
            except OSError:
                pass
        self.sock.close()

    def drop(self) -> None:
        """Close without a word (reset, shutdown): no DISCONNECT, no WIND."""
        self.closed = True
        self._stop.set()
        self.sock.close()

    def feed(self) -> None:
        """From the socket's reader thread: parse whole packets."""
        data, _ = self.sock.read(None)
        self._incoming += data
        while True:
            parsed = self._next_packet()
            if parsed is None:
                return
            self._handle(*parsed)

    def peer_gone(self, reason: int) -> None:
        self._stop.set()
        with self._acks:
            if self.closed:
                return
            self.closed = True
            self._acks.notify_all()
            established = self.established
        if established:
            self._on_closed(self.conn_id, reason)

    def _next_packet(self) -> tuple[int, int, bytes] | None:
        buf = self._incoming
        if len(buf) < 2:
            return None
        length, multiplier, index = 0, 1, 1
        while True:
            if index >= len(buf) or index > 4:
                if index > 4:  # malformed length: the broker is not speaking MQTT
                    self._give_up()
                return None
            byte = buf[index]
            length += (byte & 0x7F) * multiplier
            multiplier *= 128
            index += 1
            if not byte & 0x80:
                break
        if length > self._max_packet:
            self._give_up()
            return None
        if len(buf) < index + length:
            return None
        kind, flags = buf[0] >> 4, buf[0] & 0x0F
        body = bytes(buf[index:index + length])
        del buf[:index + length]
        return kind, flags, body

    def _give_up(self) -> None:
        self._incoming.clear()
        self.sock.close()
        self.peer_gone(1)

    def _handle(self, kind: int, flags: int, body: bytes) -> None:
        if kind == PUBLISH:
            self._publish_in(flags, body)
        elif kind == PUBREC:
            self.send(packet(PUBREL, 0x02, body[:2]))
        elif kind == PUBREL:
            self.send(packet(PUBCOMP, 0, body[:2]))
        elif kind in (CONNACK, PINGRESP):
            self._deliver((kind, 0), body)
        elif kind in (SUBACK, UNSUBACK, PUBACK, PUBCOMP) and len(body) >= 2:
            self._deliver((kind, struct.unpack(">H", body[:2])[0]), body[2:])

    def _deliver(self, key: tuple[int, int], body: bytes) -> None:
        with self._acks:
            self._received[key] = body
            self._acks.notify_all()

    def _publish_in(self, flags: int, body: bytes) -> None:
        qos, retain, dup = (flags >> 1) & 0x03, flags & 0x01, (flags >> 3) & 0x01
        if len(body) < 2:
            return
        topic_length = struct.unpack(">H", body[:2])[0]
        topic = body[2:2 + topic_length].decode("utf-8", "replace")
        rest = body[2 + topic_length:]
        if qos:
            packet_id, rest = rest[:2], rest[2:]
            self.send(packet(PUBACK if qos == 1 else PUBREC, 0, packet_id))
        self._on_publish(self.conn_id, topic, qos, retain, dup, rest)

    def _ping_loop(self) -> None:
        while not self._stop.wait(max(1.0, self.keep_alive / 2)):
            try:
                self.send(packet(PINGREQ, 0, b""))
            except OSError:
                return


class MqttTable(IdTable[MqttConn]):
    """Open MQTT connections by id."""

    def __init__(self) -> None:
        super().__init__(MAX_CONNECTIONS, lambda conn: conn.conn_id, lambda conn: conn.drop())
