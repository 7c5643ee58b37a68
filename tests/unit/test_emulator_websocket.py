"""WebSocket clients of the emulated module (WSOCKON ...) against a real WebSocket server: the
``websockets`` library's own server, plain and over TLS."""

from __future__ import annotations

import datetime as dt
import re
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.certfactory import make_ca, make_server
from tests.system.helpers import free_port

from .conftest import FINAL, exchange, until_final

websockets_sync = pytest.importorskip("websockets.sync.server")

OK = b"AT-S.OK\r\n"


class WsServer:
    """A real WebSocket server: echoes, greets on ``/greet``, hangs up on ``/bye``; records the
    close code each client left with."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.close_codes: list[int | None] = []
        self.headers: list[dict[str, str]] = []
        self.server = websockets_sync.serve(self._handler, "127.0.0.1", 0, ssl=tls,
                                            compression=None)
        self.port = self.server.socket.getsockname()[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self, conn) -> None:
        self.headers.append(dict(conn.request.headers))
        if conn.request.path == "/greet":
            conn.send("welcome")
        if conn.request.path == "/bye":
            conn.close(1000)
            return
        if conn.request.path == "/flood":
            for index in range(200):
                conn.send(b"%04d" % index + b"m" * 996)
        try:
            for message in conn:
                conn.send(message)
        except Exception:  # noqa: BLE001 - a broken client only ends this handler
            pass
        self.close_codes.append(conn.close_code)

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture
def ws() -> Iterator[WsServer]:
    """Ask for it before ``module`` so that the module (the client) goes first at teardown;
    the server's shutdown waits for its clients."""
    server = WsServer()
    yield server
    server.stop()


def open_ws(module, wire, port: int, path: str = "/", tls: int = 0, extra: str = ",,,,,") -> bytes:
    return until_final(module, wire, f"AT+S.WSOCKON=127.0.0.1,{port},{path},{tls}{extra}\r".encode())


def test_open_write_echo_read_close(ws, module, wire):
    assert open_ws(module, wire, ws.port) == (
        f"AT+S.WSOCKON=127.0.0.1,{ws.port},/,0,,,,,\r\n".encode() + b"AT-S.On:0\r\n" + OK)
    assert exchange(module, wire, b"AT+S.WSOCKW=0,0,0,0,5\rhello") == b"AT+S.WSOCKW=0,0,0,0,5\r\n" + OK
    assert wire.wait_for(b"+WIND:88:") == b"+WIND:88:WebSocket Data:0:1:1:5:5\r\n"
    assert exchange(module, wire, b"AT+S.WSOCKQ=0\r").endswith(b"AT-S.Query:5\r\n" + OK)
    assert exchange(module, wire, b"AT+S.WSOCKC=0,0\r").endswith(b"AT-S.ERROR:77:Pending data\r\n")
    assert exchange(module, wire, b"AT+S.WSOCKR=0,0\r").endswith(b"AT-S.Reading:5:5\r\nhelloAT-S.OK\r\n")
    exchange(module, wire, b"AT+S.WSOCKW=0,0,0,1,3\r\x00\x01\x02")
    wire.wait_for(b"+WIND:88:")
    assert exchange(module, wire, b"AT+S.WSOCKR=0,2\r").endswith(b"AT-S.Reading:2:3\r\n\x00\x01AT-S.OK\r\n")
    exchange(module, wire, b"AT+S.WSOCKR=0,0\r")
    out = exchange(module, wire, b"AT+S.WSOCKC=0,1\r")
    if b"+WIND:89:" not in out:
        out += wire.wait_for(b"+WIND:89:")
    assert out == b"AT+S.WSOCKC=0,1\r\n" + OK + b"+WIND:89:WebSocket Closed:0\r\n"
    assert exchange(module, wire, b"AT+S.WSOCKQ=0\r").endswith(b"ERROR:76:Illegal Socket ID\r\n")
    for _ in range(100):
        if ws.close_codes:
            break
        threading.Event().wait(0.05)
    assert ws.close_codes == [1001]  # status 1: going away


def test_a_greeting_and_a_server_that_hangs_up(ws, module, wire):
    out = open_ws(module, wire, ws.port, "/greet")
    assert b"AT-S.On:0\r\n" + OK in out  # the greeting's WIND 88 may follow at once
    if b"+WIND:88:" not in out:
        out += wire.wait_for(b"+WIND:88:")
    assert b"+WIND:88:WebSocket Data:0:1:1:7:7\r\n" in out
    out = open_ws(module, wire, ws.port, "/bye")
    assert b"AT-S.On:1\r\n" + OK in out
    if b"+WIND:89:" not in out:  # it may already have come with the answer
        out += wire.wait_for(b"+WIND:89:")
    assert out.endswith(b"+WIND:89:WebSocket Closed:1\r\n")
    assert exchange(module, wire, b"AT+S.WSOCKW=1,0,0,0,2\rhi") == (
        b"AT+S.WSOCKW=1,0,0,0,2\r\nAT-S.ERROR:78:Socket not connected\r\n")
    # A rejected header reads no payload: "hi" starts the next line (error 1 at its CR).
    out = exchange(module, wire, b"\rAT+S.WSOCKR=0,0\r")
    assert out.startswith(b"hi\r\nAT-S.ERROR:1:") and b"AT-S.Reading:7:7\r\nwelcome" in out


def test_headers_the_module_sends(ws, module, wire):
    out = open_ws(module, wire, ws.port, "/chat", extra=",joe,pw,http://lab,chat,")
    assert out.endswith(b"AT-S.On:0\r\n" + OK)
    for _ in range(100):  # the server records them just after its handshake answer
        if ws.headers:
            break
        threading.Event().wait(0.05)
    headers = {k.lower(): v for k, v in ws.headers[0].items()}
    assert headers["origin"] == "http://lab" and headers["sec-websocket-protocol"] == "chat"
    assert headers["authorization"] == "Basic am9lOnB3"


def test_limits_and_refusals(ws, module, wire):
    assert open_ws(module, wire, ws.port).endswith(OK)
    assert open_ws(module, wire, ws.port).endswith(OK)
    assert open_ws(module, wire, ws.port).endswith(b"AT-S.ERROR:75:Too many sockets\r\n")
    exchange(module, wire, b"AT+S.WSOCKC=1,0\r")
    wire.wait_for(b"+WIND:89:")
    assert open_ws(module, wire, free_port()).endswith(b"AT-S.ERROR:74:Failed to open socket\r\n")
    assert open_ws(module, wire, ws.port, extra=",,,,,permessage-deflate").endswith(
        b"AT-S.ERROR:120:Not emulated\r\n")
    # Fragment flags: their meaning is not known, so they are refused (the payload is read).
    assert exchange(module, wire, b"AT+S.WSOCKW=0,1,0,0,2\rhiAT\r").endswith(
        b"AT-S.ERROR:120:Not emulated\r\nAT\r\n" + OK)
    assert exchange(module, wire, b"AT+S.WSOCKL\r").endswith(b"AT-S.ERROR:120:Not emulated\r\n")


def test_a_server_that_is_no_websocket_fails_with_74(module, wire):
    import http.server

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert open_ws(module, wire, server.server_address[1]).endswith(
            b"AT-S.ERROR:74:Failed to open socket\r\n")
    finally:
        server.shutdown()
        server.server_close()


def test_wss_with_the_stored_ca(module, wire, tmp_path: Path):
    ca = make_ca()
    leaf = make_server(ca)
    (tmp_path / "cert.pem").write_bytes(leaf.pem)
    (tmp_path / "key.pem").write_bytes(leaf.key_pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server = WsServer(context)
    try:
        assert open_ws(module, wire, server.port, tls=2).endswith(
            b"AT-S.Certificate Error:23\r\nAT-S.ERROR:74:Failed to open socket\r\n")
        now = int(dt.datetime.now(dt.timezone.utc).timestamp())
        # Each answer is awaited: after a deferred command (the refused WSOCKON) the worker
        # thread may still own the input for a moment, so the reply can come later.
        for line in (f"AT+S.TIME={now}\r".encode(),
                     f"AT+S.TLSCERT=ca,{len(ca.der)}\r".encode() + ca.der):
            wire.take()
            module.receive(line)
            wire.wait_for(FINAL, timeout=15)
        out = open_ws(module, wire, server.port, tls=2)
        assert out.endswith(b"AT-S.Loading:1:2\r\nAT-S.On:0\r\n" + OK)
        exchange(module, wire, b"AT+S.WSOCKW=0,0,0,0,6\rsecret")
        wire.wait_for(b"+WIND:88:")
        assert exchange(module, wire, b"AT+S.WSOCKR=0,0\r").endswith(b"secretAT-S.OK\r\n")
    finally:
        module.close()  # first: the server's shutdown waits for its clients to go
        server.stop()


def test_a_flood_of_messages_is_held_back_and_arrives_whole_and_in_order(ws):
    from spwf_tui.emulator import EmulatedModule
    from spwf_tui.emulator.world import World

    from .conftest import BOOT_DONE, Wire

    limit = 4096
    wire = Wire()
    module = EmulatedModule(wire, boot_delay=0, world=World(socket_buffer=limit))
    module.start()
    try:
        wire.wait_for(BOOT_DONE)
        assert b"AT-S.On:0" in open_ws(module, wire, ws.port, "/flood")
        received = b""
        while len(received) < 200 * 1000:
            out = exchange(module, wire, b"AT+S.WSOCKQ=0\r")
            pending = int(re.search(rb"AT-S\.Query:(\d+)", out).group(1))
            assert pending <= 2 * limit + 65536
            if not pending:
                threading.Event().wait(0.01)
                continue
            out = exchange(module, wire, b"AT+S.WSOCKR=0,0\r")
            head, _, rest = out.partition(b"\r\nAT-S.Reading:")
            count = int(rest.split(b":", 1)[0])
            body = rest.split(b"\r\n", 1)[1]
            received += body[:count]
        assert received == b"".join(b"%04d" % i + b"m" * 996 for i in range(200))
    finally:
        module.close()
