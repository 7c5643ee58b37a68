"""Client sockets of the emulated module over real localhost TCP/UDP peers."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator

import pytest

from tests.support.tcp_peer import TcpServer, echo_back

from .conftest import BOOT_DONE, exchange, feed, write_and_wait

OK = b"AT-S.OK\r\n"


class EchoServer:
    """A TCP echo server on 127.0.0.1; ``close`` makes it answer ``bye`` and hang up."""

    def __init__(self) -> None:
        self.closed_by_client = threading.Event()
        self._server = TcpServer(self._echo)
        self.port = self._server.port

    def _echo(self, conn: socket.socket) -> None:
        if echo_back(conn):
            self.closed_by_client.set()

    def stop(self) -> None:
        self._server.stop()


@pytest.fixture
def echo() -> Iterator[EchoServer]:
    server = EchoServer()
    yield server
    server.stop()


def pending(sock_id: int, total: int) -> re.Pattern[bytes]:
    """A WIND 55 line for ``sock_id`` whose running total reached ``total``."""
    return re.compile(rb"\+WIND:55:Pending Data::%d:\d+:%d\r\n" % (sock_id, total))


def open_socket(module, wire, port: int, kind: bytes = b"t", host: bytes = b"127.0.0.1") -> bytes:
    wire.take()
    module.receive(b"AT+S.SOCKON=%s,%d,NULL,%s\r" % (host, port, kind))
    return wire.wait_for(re.compile(rb"AT-S\.(OK|ERROR)"))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_tcp_write_pending_wind_and_read_back(module, wire, echo, chunk):
    assert open_socket(module, wire, echo.port) == (
        b"AT+S.SOCKON=127.0.0.1,%d,NULL,t\r\nAT-S.On:127.0.0.1:0\r\n" % echo.port + OK)
    payload = bytes(range(256)) + b"\r\nAT\r"
    assert write_and_wait(module, wire, 0, payload, chunk=chunk).startswith(
        b"AT+S.SOCKW=0,%d\r\n" % len(payload) + OK)
    assert exchange(module, wire, b"AT+S.SOCKQ=0\r") == b"AT+S.SOCKQ=0\r\nAT-S.Query:%d\r\n" % (
        len(payload)) + OK
    assert exchange(module, wire, b"AT+S.SOCKR=0,10\r") == (
        b"AT+S.SOCKR=0,10\r\nAT-S.Reading:10:%d\r\n" % len(payload) + payload[:10] + OK)
    rest = payload[10:]
    assert exchange(module, wire, b"at+s.sockr=0,\r", chunk) == (
        b"at+s.sockr=0,\r\nAT-S.Reading:%d:%d\r\n" % (len(rest), len(rest)) + rest + OK)
    assert exchange(module, wire, b"AT+S.SOCKR=0\r") == b"AT+S.SOCKR=0\r\nAT-S.Reading:0:0\r\n" + OK
    assert exchange(module, wire, b"AT+S.SOCKC=0\r") == b"AT+S.SOCKC=0\r\n" + OK
    assert echo.closed_by_client.wait(5)


def test_close_with_unread_data_is_refused(module, wire, echo):
    open_socket(module, wire, echo.port)
    write_and_wait(module, wire, 0, b"ping")
    assert exchange(module, wire, b"AT+S.SOCKC=0\r") == (
        b"AT+S.SOCKC=0\r\nAT-S.ERROR:77:Pending data\r\n")
    exchange(module, wire, b"AT+S.SOCKR=0,\r")
    assert exchange(module, wire, b"AT+S.SOCKC=0\r").endswith(OK)


def test_connection_refused_has_no_loading_line(module, wire):
    port = closed_port()
    assert open_socket(module, wire, port, b"s") == (
        b"AT+S.SOCKON=127.0.0.1,%d,NULL,s\r\nAT-S.ERROR:74:Failed to open socket\r\n" % port)


def test_remote_close_sends_wind_58_and_keeps_the_socket(module, wire, echo):
    open_socket(module, wire, echo.port)
    wire.take()
    module.receive(b"AT+S.SOCKW=0,5\rclose")
    out = wire.wait_for(b"+WIND:58:Socket Closed:0:0")
    assert b"+WIND:55:Pending Data::0:3:3\r\n+WIND:58:Socket Closed:0:0\r\n" in out
    assert exchange(module, wire, b"AT+S.SOCKL\r") == (
        b"AT+S.SOCKL\r\nAT-S.List::0:0:0:3:127.0.0.1:%d\r\n" % echo.port + OK)
    assert exchange(module, wire, b"AT+S.SOCKW=0,1\r") == (
        b"AT+S.SOCKW=0,1\r\nAT-S.ERROR:78:Socket not connected\r\n")
    assert exchange(module, wire, b"AT+S.SOCKR=0,\r").endswith(b"Reading:3:3\r\nbye" + OK)
    assert exchange(module, wire, b"AT+S.SOCKC=0\r").endswith(OK)
    assert exchange(module, wire, b"AT+S.SOCKQ=0\r").endswith(b"ERROR:76:Illegal Socket ID\r\n")


def test_ids_count_from_zero_and_are_reused(module, wire, echo):
    assert b"On:127.0.0.1:0" in open_socket(module, wire, echo.port)
    assert b"On:127.0.0.1:1" in open_socket(module, wire, echo.port, host=b"localhost")
    exchange(module, wire, b"AT+S.SOCKC=0\r")
    assert b"On:127.0.0.1:0" in open_socket(module, wire, echo.port)
    listing = exchange(module, wire, b"AT+S.SOCKL\r").splitlines()
    assert [line[:len("AT-S.List::0:")] for line in listing[1:-1]] == [
        b"AT-S.List::0:", b"AT-S.List::1:"]


def test_at_most_eight_sockets(module, wire, echo):
    for index in range(8):
        assert b"On:127.0.0.1:%d" % index in open_socket(module, wire, echo.port)
    assert open_socket(module, wire, echo.port).endswith(b"AT-S.ERROR:75:Too many sockets\r\n")


def test_input_during_a_connect_waits_for_its_answer(module, wire, echo):
    wire.take()
    module.receive(b"AT+S.SOCKON=127.0.0.1,%d,,t\rAT\r" % echo.port)
    out = wire.wait_for(b"AT-S.OK\r\nAT\r\nAT-S.OK\r\n")
    assert out.endswith(b"AT-S.On:127.0.0.1:0\r\nAT-S.OK\r\nAT\r\nAT-S.OK\r\n")


def test_reset_closes_host_sockets(module, wire, echo):
    open_socket(module, wire, echo.port)
    feed(module, b"AT+S.RESET\r")
    wire.wait_for(BOOT_DONE)
    assert echo.closed_by_client.wait(5)
    assert exchange(module, wire, b"AT+S.SOCKL\r") == b"AT+S.SOCKL\r\n" + OK


def test_udp_datagrams(module, wire):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
        peer.bind(("127.0.0.1", 0))
        peer.settimeout(5)
        assert b"On:127.0.0.1:0" in open_socket(module, wire, peer.getsockname()[1], b"u")
        assert exchange(module, wire, b"AT+S.SOCKW=0,3\rhey").endswith(OK)
        data, source = peer.recvfrom(100)
        assert data == b"hey"
        peer.sendto(b"there", source)
        wire.wait_for(pending(0, 5))
        assert exchange(module, wire, b"AT+S.SOCKR=0,\r").endswith(b"Reading:5:5\r\nthere" + OK)


def test_ping_resolves_the_host_and_answers_fixed_replies(module, wire):
    wire.take()
    module.receive(b"AT+S.PING=2,56,localhost\r")
    assert wire.wait_for(re.compile(rb"AT-S\.(OK|ERROR)")) == (
        b"AT+S.PING=2,56,localhost\r\nAT-S.Reply:1:127.0.0.1:56:3\r\n"
        b"AT-S.Reply:2:127.0.0.1:56:3\r\nAT-S.OK\r\n")
