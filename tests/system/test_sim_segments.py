"""The 730-byte TCP segment of the real firmware, seen from real peers of ``spwf-tui sim --pty``:
a TCP server the module connects to (SOCKON), a client of the module's server socket (SOCKDON)
and an HTTP server (HTTPGET) all find the connection's maximum segment size at 730 bytes or
less (the usable payload is 730 minus TCP options), and a SOCKW longer than a segment still
arrives whole, in order."""

from __future__ import annotations

import os
import socket

from tests.support.http_peer import QuietHandler, http_server
from tests.system.helpers import free_port

SEGMENT = 730
# Without the module's limit, loopback connections use about 65483 bytes per segment.


def segment_size(conn: socket.socket) -> int:
    return conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)


class _Page(QuietHandler):
    segments: list[int] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.segments.append(segment_size(self.connection))
        self.answer(b"ok")


def test_client_socket_segments_are_at_most_730_bytes(joined_lab):
    host = joined_lab.host
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(20)
        host.send(f"AT+S.SOCKON=127.0.0.1,{listener.getsockname()[1]},NULL,t")
        sock_id = host.recv(rb"AT-S\.On:127\.0\.0\.1:(\d+)", timeout=20).group(1).decode()
        host.recv_ok()
        peer, _ = listener.accept()
    with peer:
        assert 0 < segment_size(peer) <= SEGMENT
        payload = os.urandom(3 * SEGMENT + 17)
        host.write(f"AT+S.SOCKW={sock_id},{len(payload)}\r".encode() + payload)
        host.recv_ok()
        peer.settimeout(20)
        received = bytearray()
        while len(received) < len(payload):
            chunk = peer.recv(65536)
            assert chunk, "the module's connection closed early"
            received += chunk
        assert bytes(received) == payload


def test_server_socket_and_http_client_segments_are_at_most_730_bytes(joined_lab):
    host = joined_lab.host
    port = free_port()
    host.send(f"AT+S.SOCKDON={port},t")
    host.recv(rb"AT-S\.On:(\d+)")
    host.recv_ok()
    with socket.create_connection(("127.0.0.1", port), timeout=20) as client:
        host.recv(rb"\+WIND:61:Incoming Socket Client:.*", timeout=20)
        assert 0 < segment_size(client) <= SEGMENT

    _Page.segments = []
    with http_server(_Page) as web_port:
        host.send(f"AT+S.HTTPGET=127.0.0.1,/,{web_port},0,,,,")
        host.recv(rb"AT-S\.Http Server Status Code:200", timeout=20)
        host.recv(rb"(ok)?AT-S\.OK", timeout=20)
    assert len(_Page.segments) == 1 and 0 < _Page.segments[0] <= SEGMENT
