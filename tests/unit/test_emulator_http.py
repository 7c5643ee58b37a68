"""HTTPGET / HTTPPOST of the emulated module against real local peers: Python's http.server and
the real ``openssl s_server -WWW``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.certfactory import make_ca, make_server
from tests.support.http_peer import QuietHandler, http_server
from tests.system.helpers import free_port, start_openssl_server
from tests.conftest import require_tool

from .conftest import ask as request
from .conftest import exchange

PAGE = b"<html>hello from the lab</html>\n"


class _Handler(QuietHandler):
    posted: list[tuple[str, bytes, str | None]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/missing":
            self.send_error(404)
            return
        self.answer(PAGE)

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.posted.append((self.path, body, self.headers.get("Authorization")))
        self.answer(b"got " + body)


@pytest.fixture
def web() -> Iterator[int]:
    _Handler.posted = []
    with http_server(_Handler) as port:
        yield port


def test_get_prints_status_then_the_body_then_ok(module, wire, web):
    out = request(module, wire, f"AT+S.HTTPGET=127.0.0.1,/index.html,{web},0,,,,")
    assert out == (f"AT+S.HTTPGET=127.0.0.1,/index.html,{web},0,,,,\r\n".encode()
                   + b"AT-S.Http Server Status Code:200\r\n" + PAGE + b"AT-S.OK\r\n")


def test_http_error_status_answers_server_error_and_111(module, wire, web):
    out = request(module, wire, f"AT+S.HTTPGET=127.0.0.1,/missing,{web},0,,,,")
    assert out.endswith(b"AT-S.Http Server Status Code:404\r\nAT-S.Http Server Error:404\r\n"
                        b"AT-S.ERROR:111:Request failed\r\n")


def test_refused_connection_is_client_error_1(module, wire):
    port = free_port()
    out = request(module, wire, f"AT+S.HTTPGET=127.0.0.1,/,{port},0,,,,")
    assert out.endswith(b"\r\nAT-S.Http Client Error:1\r\nAT-S.ERROR:111:Request failed\r\n")


def test_post_sends_the_upfile_and_basic_auth(module, wire, web):
    exchange(module, wire, b"AT+S.FSC=form.txt,7\ra=1&b=2")
    out = request(module, wire, f"AT+S.HTTPPOST=127.0.0.1,/post,{web},0,joe,pw,,form.txt")
    assert out.endswith(b"AT-S.Http Server Status Code:200\r\ngot a=1&b=2AT-S.OK\r\n")
    assert _Handler.posted == [("/post", b"a=1&b=2", "Basic am9lOnB3")]


def test_post_of_a_missing_upfile_is_refused_before_any_request(module, wire, web):
    out = request(module, wire, f"AT+S.HTTPPOST=127.0.0.1,/post,{web},0,,,,nothere")
    assert out.endswith(b"AT-S.ERROR:51:Unable to open file\r\n")
    assert _Handler.posted == []


def test_downfile_stores_the_body_instead_of_printing_it(module, wire, web):
    out = request(module, wire, f"AT+S.HTTPGET=127.0.0.1,/,{web},0,,,page.html,")
    assert out.endswith(b"AT-S.Http Server Status Code:200\r\nAT-S.OK\r\n")
    assert exchange(module, wire, b"AT+S.FSP=page.html\r").endswith(PAGE + b"AT-S.OK\r\n")


def test_without_an_address_nothing_is_requested(module, wire, web):
    wire.take()
    module.receive(b"AT+S.WIFI=0\r")
    wire.wait_for(b"+WIND:38:WiFi Powered Down")
    out = request(module, wire, f"AT+S.HTTPGET=127.0.0.1,/,{web},0,,,,")
    assert out.endswith(b"AT-S.ERROR:60:IP not ready to send\r\n")


def test_undocumented_tls_value_1_is_refused(module, wire, web):
    out = request(module, wire, f"AT+S.HTTPGET=127.0.0.1,/,{web},1,,,,")
    assert out.endswith(b"AT-S.ERROR:7:Invalid argument(s)\r\n")


# ---------------------------------------------------------------------------- HTTPS

@pytest.fixture
def www(tmp_path: Path) -> Iterator[tuple[bytes, int]]:
    """The real ``openssl s_server -WWW`` serving ``tmp_path``; yields (CA DER, port)."""
    openssl = require_tool("openssl")
    ca = make_ca()
    server = make_server(ca)
    (tmp_path / "cert.pem").write_bytes(server.pem)
    (tmp_path / "key.pem").write_bytes(server.key_pem)
    (tmp_path / "page.html").write_bytes(PAGE)
    port = free_port()
    import os
    cwd = os.getcwd()
    os.chdir(tmp_path)  # -WWW serves files relative to its working directory
    try:
        proc = start_openssl_server(openssl, tmp_path / "cert.pem", tmp_path / "key.pem", port,
                                    "-WWW")
    finally:
        os.chdir(cwd)
    yield ca.der, port
    proc.kill()
    proc.wait()


def _trust(module, wire, ca_der: bytes) -> None:
    now = int(dt.datetime.now(dt.timezone.utc).timestamp())
    exchange(module, wire, f"AT+S.TIME={now}\r".encode())
    assert b"SubjectKeyId:" in exchange(module, wire,
                                        f"AT+S.TLSCERT=ca,{len(ca_der)}\r".encode() + ca_der)


def test_https_get_from_openssl_s_server_www(module, wire, www):
    ca_der, port = www
    _trust(module, wire, ca_der)
    out = request(module, wire, f"AT+S.HTTPGET=127.0.0.1,/page.html,{port},2,,,,")
    lines = out.split(b"\r\n", 3)
    assert lines[1:3] == [b"AT-S.Loading:1:2", b"AT-S.Http Server Status Code:200"]
    assert lines[3].endswith(PAGE + b"AT-S.OK\r\n")


def test_https_with_no_ca_stored_is_certificate_error_23_and_111(module, wire, www):
    _, port = www
    out = request(module, wire, f"AT+S.HTTPGET=127.0.0.1,/page.html,{port},2,,,,")
    assert out.endswith(b"\r\nAT-S.Certificate Error:23\r\nAT-S.ERROR:111:Request failed\r\n")
