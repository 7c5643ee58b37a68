"""MQTT client commands over the host's real network: MQTTCONN, MQTTSUB, MQTTPUB, MQTTUNSUB,
MQTTDISC (MQTT 3.1.1; TLS checked like SOCKON)."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TYPE_CHECKING

from spwf_tui.emulator.commands_sockets import open_client
from spwf_tui.emulator.dispatch import Call, Handler, find_by_id, parse_uint
from spwf_tui.emulator.error_codes import (
    ERR_INVALID,
    ERR_IP_NOT_READY,
    ERR_NOT_CONNECTED,
    ERR_NOT_EMULATED,
    ERR_OPEN_FAILED,
    ERR_REQUEST_FAILED,
    ERR_TOO_MANY_SOCKETS,
    ERR_WRITE_FAILED,
)
from spwf_tui.emulator.mqtt import (
    CONNACK,
    MAX_CONNECTIONS,
    PUBACK,
    PUBCOMP,
    PUBLISH,
    SUBACK,
    SUBSCRIBE,
    UNSUBACK,
    UNSUBSCRIBE,
    MqttConn,
    connect_packet,
    packet,
)
from spwf_tui.emulator.netsock import CONNECT_TIMEOUT, HostSocket
from spwf_tui.emulator.replies import CommandError, Reply

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule

DEFAULT_KEEP_ALIVE = 60
ACK_SECONDS = CONNECT_TIMEOUT


def _conn(module: EmulatedModule, text: str) -> MqttConn:
    conn = find_by_id(text, MAX_CONNECTIONS, module.mqtt.get)
    if conn.closed or conn.sock.remote_closed:
        raise CommandError(ERR_NOT_CONNECTED)
    return conn


def _qos(text: str) -> int:
    return parse_uint(text, maximum=2) if text else 0


def _mqttconn(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """Connect, CONNECT, wait for an accepting CONNACK, ``AT-S.On:<id>``."""
    host = call.arg(0)
    port = parse_uint(call.arg(1), maximum=65535)
    use_tls = parse_uint(call.arg(3)) != 0 if call.arg(3) else False
    keep_alive = parse_uint(call.arg(7), maximum=65535) if call.arg(7) else DEFAULT_KEEP_ALIVE
    will_qos = _qos(call.arg(9))
    if port == 0:
        raise CommandError(ERR_INVALID)
    if call.arg(2):
        raise CommandError(ERR_NOT_EMULATED)  # MQTT over WebSocket (a path) is not spoken
    if not module.radio.ip_up:
        raise CommandError(ERR_IP_NOT_READY)
    conn_id = module.mqtt.free_id()
    if conn_id is None:
        raise CommandError(ERR_TOO_MANY_SOCKETS)
    address, raw, channel = open_client(module, reply, host, port, use_tls)
    holder: list[MqttConn] = []
    sock = HostSocket(conn_id, "s" if use_tls else "t", raw, (address, port), channel,
                      on_data=lambda *_: holder[0].feed(),
                      on_closed=lambda _sid, reason: holder[0].peer_gone(reason),
                      rx_limit=module.world.socket_buffer)
    conn = MqttConn(conn_id, sock, keep_alive, on_publish=_publisher(module),
                    on_closed=lambda cid, reason: module.post_wind(87, cid, reason),
                    max_packet=module.world.socket_buffer)
    holder.append(conn)
    # No ID given: one from the MAC address and the connection id (a broker drops the older
    # of two connections with the same client id).
    mac = module.config.get("nv_wifi_macaddr").replace(":", "")
    client_id = call.arg(6) or f"SPWF04S-{mac}-{conn_id}"
    will = None
    if call.arg(10):
        will = (call.arg(10), call.arg(11).encode("latin-1", "replace"), will_qos)
    sock.start()
    try:
        conn.send(connect_packet(client_id, keep_alive, call.arg(4), call.arg(5), will))
    except OSError:
        conn.drop()
        raise CommandError(ERR_OPEN_FAILED) from None
    answer = conn.wait_ack(CONNACK, 0, ACK_SECONDS)
    if answer is None or len(answer) < 2 or answer[1] != 0:
        conn.drop()  # refused (bad id, user or password) or no answer: nothing is open
        raise CommandError(ERR_OPEN_FAILED)
    conn.established = True
    if conn.closed:  # gone between CONNACK and here
        raise CommandError(ERR_OPEN_FAILED)
    conn.start_keep_alive()
    module.mqtt.add(conn)
    reply.line("On", conn_id)


def _publisher(module: EmulatedModule) -> Callable[[int, str, int, int, int, bytes], None]:
    def publish(conn_id: int, topic: str, qos: int, retain: int, dup: int,
                payload: bytes) -> None:
        # ``MQTT Published:<id>:<topic>:<qos>:<retain>:<dup>:<len>:<total>:<payload>``: the
        # three middle numbers are the emulator's reading of fields the sources leave open.
        module.post_wind(86, conn_id, topic, qos, retain, dup, len(payload), len(payload),
                         payload.decode("latin-1"))
    return publish


def _request(conn: MqttConn, data: bytes, ack: int, packet_id: int) -> bytes:
    try:
        conn.send(data)
    except OSError:
        raise CommandError(ERR_WRITE_FAILED) from None
    answer = conn.wait_ack(ack, packet_id, ACK_SECONDS)
    if answer is None:
        raise CommandError(ERR_REQUEST_FAILED)
    return answer


def _mqttsub(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """SUBSCRIBE and wait for SUBACK; a refusal (0x80) -> 111."""
    conn = _conn(module, call.arg(0))
    qos = _qos(call.arg(2))
    packet_id = conn.packet_id()
    body = struct.pack(">H", packet_id) + _topic(call.arg(1)) + bytes([qos])
    granted = _request(conn, packet(SUBSCRIBE, 0x02, body), SUBACK, packet_id)
    if not granted or granted[0] == 0x80:
        raise CommandError(ERR_REQUEST_FAILED)


def _mqttunsub(module: EmulatedModule, call: Call, reply: Reply) -> None:
    conn = _conn(module, call.arg(0))
    packet_id = conn.packet_id()
    body = struct.pack(">H", packet_id) + _topic(call.arg(1))
    _request(conn, packet(UNSUBSCRIBE, 0x02, body), UNSUBACK, packet_id)


def _mqttpub_length(module: EmulatedModule, call: Call) -> int:
    """Header check: the connection exists (76) and is up (78)."""
    _conn(module, call.arg(0))
    _qos(call.arg(2))
    return parse_uint(call.arg(4))


def _mqttpub(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """PUBLISH; QoS 1 waits for PUBACK, QoS 2 for PUBCOMP (111 when it does not come)."""
    conn = _conn(module, call.arg(0))
    qos = _qos(call.arg(2))
    retain = parse_uint(call.arg(3), maximum=1) if call.arg(3) else 0
    body = _topic(call.arg(1))
    packet_id = 0
    if qos:
        packet_id = conn.packet_id()
        body += struct.pack(">H", packet_id)
    data = packet(PUBLISH, (qos << 1) | retain, body + call.payload)
    if qos == 0:
        try:
            conn.send(data)
        except OSError:
            raise CommandError(ERR_WRITE_FAILED) from None
        return
    _request(conn, data, PUBACK if qos == 1 else PUBCOMP, packet_id)


def _mqttdisc(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """DISCONNECT and close; ``+WIND:87:MQTT Closed:<id>:0`` follows."""
    conn = find_by_id(call.arg(0), MAX_CONNECTIONS, module.mqtt.get)
    module.mqtt.remove(conn.conn_id)
    was_open = not conn.closed
    conn.disconnect()
    if was_open:
        module.post_wind(87, conn.conn_id, 0)


def _topic(text: str) -> bytes:
    data = text.encode("utf-8", "replace")
    return struct.pack(">H", len(data)) + data


HANDLERS: dict[str, Handler] = {
    "MQTTCONN": Handler(run=_mqttconn, deferred=True),
    "MQTTSUB": Handler(run=_mqttsub, deferred=True),
    "MQTTPUB": Handler(run=_mqttpub, payload_length=_mqttpub_length, deferred=True),
    "MQTTUNSUB": Handler(run=_mqttunsub, deferred=True),
    "MQTTDISC": Handler(run=_mqttdisc),
}
