"""Server sockets of the emulated module (SOCKDON ...) with a real TCP client on the host."""

from __future__ import annotations

import re
import socket
import ssl

import pytest

from spwf_tui.emulator import EmulatedModule
from spwf_tui.emulator.world import World
from tests.support.certfactory import make_ca, make_server
from tests.system.helpers import free_port

from .conftest import BOOT_DONE, Wire, exchange

OK = b"AT-S.OK\r\n"


def listen(module, wire, port: int, kind: str = "t") -> bytes:
    return exchange(module, wire, f"AT+S.SOCKDON={port},{kind}\r".encode())


def connect(wire, port: int) -> tuple[socket.socket, bytes]:
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    return client, wire.wait_for(b"+WIND:61:Incoming Socket Client:")


def test_a_real_client_connects_sends_reads_and_leaves(module, wire):
    port = free_port()
    assert listen(module, wire, port) == f"AT+S.SOCKDON={port},t\r\nAT-S.On:0\r\n".encode() + OK
    client, out = connect(wire, port)
    local_port = client.getsockname()[1]
    assert out == f"+WIND:61:Incoming Socket Client:127.0.0.1:{local_port}:0:0\r\n".encode()
    client.sendall(b"hello module")
    assert re.search(rb"\+WIND:55:Pending Data:0:0:\d+:12\r\n",
                     wire.wait_for(re.compile(rb"Pending Data:0:0:\d+:12")))
    assert exchange(module, wire, b"AT+S.SOCKDQ=0,0\r").endswith(b"AT-S.Query:12\r\n" + OK)
    assert exchange(module, wire, b"AT+S.SOCKDL\r").endswith(
        f"AT-S.List:0:0:0:1:12:127.0.0.1:{local_port}\r\n".encode() + OK)
    # Close refused while bytes are unread, as for client sockets.
    assert exchange(module, wire, b"AT+S.SOCKDC=0,0\r").endswith(b"AT-S.ERROR:77:Pending data\r\n")
    assert exchange(module, wire, b"AT+S.SOCKDR=0,0,5\r").endswith(
        b"AT-S.Reading:5:12\r\nhelloAT-S.OK\r\n")
    assert exchange(module, wire, b"AT+S.SOCKDR=0,0,\r").endswith(
        b"AT-S.Reading:7:7\r\n moduleAT-S.OK\r\n")
    assert exchange(module, wire, b"AT+S.SOCKDW=0,0,6\rhi you") == (
        b"AT+S.SOCKDW=0,0,6\r\n" + OK)
    assert client.recv(100) == b"hi you"
    client.close()
    assert wire.wait_for(b"+WIND:62:") == (
        f"+WIND:62:Socket Client Gone:127.0.0.1:{local_port}:0:0:0\r\n".encode())
    # Gone with nothing left to read: the client id is free, the server still listens.
    assert exchange(module, wire, b"AT+S.SOCKDQ=0,0\r").endswith(
        b"AT-S.ERROR:76:Illegal Socket ID\r\n")
    again, out = connect(wire, port)
    assert out.endswith(b":0:0\r\n")
    again.close()
    wire.wait_for(b"+WIND:62:")
    assert exchange(module, wire, b"AT+S.SOCKDC=0\r").endswith(OK)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_closing_the_server_hangs_up_on_its_clients(module, wire):
    port = free_port()
    listen(module, wire, port)
    client, _ = connect(wire, port)
    assert exchange(module, wire, b"AT+S.SOCKDC=0\r").endswith(OK)
    assert client.recv(10) == b""
    client.close()


def test_header_errors_of_the_server_commands(module, wire):
    port = free_port()
    assert listen(module, wire, 0).endswith(b"AT-S.ERROR:7:Invalid argument(s)\r\n")
    assert listen(module, wire, port, "x").endswith(b"AT-S.ERROR:7:Invalid argument(s)\r\n")
    assert listen(module, wire, port).endswith(OK)
    assert listen(module, wire, port).endswith(b"AT-S.ERROR:73:Port already opened\r\n")
    assert exchange(module, wire, b"AT+S.SOCKDQ=1,0\r").endswith(b"ERROR:76:Illegal Socket ID\r\n")
    assert exchange(module, wire, b"AT+S.SOCKDQ=0,3\r").endswith(b"ERROR:76:Illegal Socket ID\r\n")
    # A write to a client that does not exist reads no payload: the bytes are commands.
    assert exchange(module, wire, b"AT+S.SOCKDW=0,3,2\rAT\r") == (
        b"AT+S.SOCKDW=0,3,2\r\nAT-S.ERROR:76:Illegal Socket ID\r\nAT\r\n" + OK)


def test_udp_servers_are_refused_as_not_emulated(module, wire):
    assert listen(module, wire, free_port(), "u").endswith(b"AT-S.ERROR:120:Not emulated\r\n")


# ---------------------------------------------------------------------------- TLS servers

def upload(module, wire, kind: str, data: bytes) -> bytes:
    return exchange(module, wire, f"AT+S.TLSCERT={kind},{len(data)}\r".encode() + data)


def tls_client(port: int, ca, client=None, folder=None) -> ssl.SSLSocket:
    context = ssl.create_default_context(cadata=ca.pem.decode())
    if client is not None:
        (folder / "c.pem").write_bytes(client.pem)
        (folder / "k.pem").write_bytes(client.key_pem)
        context.load_cert_chain(folder / "c.pem", folder / "k.pem")
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    return context.wrap_socket(raw, server_hostname="127.0.0.1")


def test_a_tls_server_s1_with_the_stored_certificate_and_key(module, wire):
    ca = make_ca()
    own = make_server(ca)
    port = free_port()
    assert listen(module, wire, port, "s1").endswith(b"AT-S.ERROR:74:Failed to open socket\r\n")
    upload(module, wire, "cert", own.pem)
    upload(module, wire, "key", own.key_pem)
    assert listen(module, wire, port, "s1").endswith(b"AT-S.On:0\r\n" + OK)
    with tls_client(port, ca) as client:  # the client checks the module's certificate
        assert b":0:0\r\n" in wire.wait_for(b"+WIND:61:")
        client.sendall(b"over tls")
        wire.wait_for(re.compile(rb"\+WIND:55:Pending Data:0:0:\d+:8"))
        assert b"AT-S.List:0:0:2:1:8:127.0.0.1:" in exchange(module, wire, b"AT+S.SOCKDL\r")
        assert exchange(module, wire, b"AT+S.SOCKDR=0,0,\r").endswith(
            b"AT-S.Reading:8:8\r\nover tlsAT-S.OK\r\n")
        exchange(module, wire, b"AT+S.SOCKDW=0,0,5\rback!")
        assert client.recv(10) == b"back!"


def test_a_tls_server_s2_lets_in_only_clients_the_stored_ca_signed(module, wire, tmp_path):
    ca = make_ca()
    own = make_server(ca)
    port = free_port()
    upload(module, wire, "cert", own.pem)
    upload(module, wire, "key", own.key_pem)
    assert listen(module, wire, port, "s2").endswith(b"AT-S.ERROR:74:Failed to open socket\r\n")
    upload(module, wire, "ca", ca.der)
    assert listen(module, wire, port, "s2").endswith(b"AT-S.On:0\r\n" + OK)
    with pytest.raises((ssl.SSLError, OSError)):
        with tls_client(port, ca) as anonymous:  # no client certificate
            anonymous.sendall(b"x")
            anonymous.recv(10)
    stranger = make_server(make_ca("Some Other CA"))
    with pytest.raises((ssl.SSLError, OSError)):
        with tls_client(port, ca, stranger, tmp_path) as rejected:
            rejected.sendall(b"x")
            rejected.recv(10)
    with tls_client(port, ca, make_server(ca), tmp_path) as client:
        client.sendall(b"ok")
        out = wire.wait_for(re.compile(rb"\+WIND:55:Pending Data:0:0:\d+:2"))
    # Only the accepted client was ever announced.
    assert out.count(b"+WIND:61:") == 1


def test_a_host_port_already_taken_fails_with_74(module, wire):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert listen(module, wire, port).endswith(b"AT-S.ERROR:74:Failed to open socket\r\n")


def test_the_world_maps_a_module_port_to_a_host_port():
    host_port = free_port()
    wire = Wire()
    module = EmulatedModule(wire, boot_delay=0, world=World(server_ports={80: host_port}))
    module.start()
    try:
        wire.wait_for(BOOT_DONE)
        assert listen(module, wire, 80).endswith(b"AT-S.On:0\r\n" + OK)
        client, out = connect(wire, host_port)
        assert out.endswith(b":0:0\r\n")
        client.close()
    finally:
        module.close()


def test_reset_closes_the_servers(module, wire):
    port = free_port()
    listen(module, wire, port)
    wire.take()
    module.receive(b"AT+S.RESET\r")
    wire.wait_for(BOOT_DONE)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
