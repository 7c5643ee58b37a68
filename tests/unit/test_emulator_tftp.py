"""TFTPGET/TFTPPUT of the emulated module against a real TFTP server on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.tftp_server import TftpServer

from .conftest import ask as request
from .conftest import until_final as send

IMAGE = os.urandom(3 * 512 + 100)


@pytest.fixture
def server() -> Iterator[TftpServer]:
    tftp = TftpServer({"boot/image.bin": IMAGE, "empty.txt": b"", "exact.bin": b"e" * 1024})
    yield tftp
    tftp.close()


def fsp(module, wire, name: str) -> bytes:
    out = send(module, wire, f"AT+S.FSP={name}\r".encode())
    head = f"AT+S.FSP={name}\r\n".encode()
    assert out.startswith(head) and out.endswith(b"AT-S.OK\r\n"), out
    return out[len(head):-len(b"AT-S.OK\r\n")]


def test_get_stores_the_file_then_announces_it(module, wire, server):
    out = request(module, wire, f"AT+S.TFTPGET=127.0.0.1,{server.port},boot/image.bin,/img")
    assert out.startswith(b"AT+S.TFTPGET=127.0.0.1,%d,boot/image.bin,/img\r\nAT-S.OK\r\n"
                          % server.port)
    if b"+WIND:90:" not in out:
        out += wire.wait_for(b"+WIND:90:")
    assert out.endswith(b"+WIND:90:File Received\r\n")
    assert fsp(module, wire, "/img") == IMAGE
    # No local name: the remote one; an exact multiple of 512 ends with an empty block.
    request(module, wire, f"AT+S.TFTPGET=127.0.0.1,{server.port},exact.bin,")
    assert fsp(module, wire, "/exact.bin") == b"e" * 1024
    request(module, wire, f"AT+S.TFTPGET=127.0.0.1,{server.port},empty.txt,")
    assert fsp(module, wire, "/empty.txt") == b""


def test_put_sends_a_ram_disk_file(module, wire, server):
    payload = os.urandom(700)
    send(module, wire, b"AT+S.FSC=/log.txt,700\r" + payload)
    out = request(module, wire, f"AT+S.TFTPPUT=127.0.0.1,{server.port},/log.txt")
    assert out.endswith(b"AT-S.OK\r\n")
    assert server.files["/log.txt"] == payload
    assert server.requests[-1] == ("put", "/log.txt")


def test_failures_answer_their_error_and_store_nothing(module, wire, server):
    out = request(module, wire, f"AT+S.TFTPGET=127.0.0.1,{server.port},nothing.bin,/n")
    assert out.endswith(b"AT-S.ERROR:111:Request failed\r\n")
    assert b"ERROR:51:" in send(module, wire, b"AT+S.FSP=/n\r")
    out = request(module, wire, f"AT+S.TFTPPUT=127.0.0.1,{server.port},/absent")
    assert b"AT-S.ERROR:51:" in out
    assert server.requests == [("get", "nothing.bin")]
    out = request(module, wire, "AT+S.TFTPGET=127.0.0.1,0,boot/image.bin,")
    assert out.endswith(b"AT-S.ERROR:7:Invalid argument(s)\r\n")


def test_a_file_the_ram_disk_cannot_hold_is_91(module, wire):
    big = TftpServer({"big.bin": b"b" * (17 * 1024)})  # the RAM disk holds 16 KiB
    try:
        out = request(module, wire, f"AT+S.TFTPGET=127.0.0.1,{big.port},big.bin,")
        assert out.endswith(b"AT-S.ERROR:91:Low Memory\r\n")
        assert b"ERROR:51:" in send(module, wire, b"AT+S.FSP=/big.bin\r")
    finally:
        big.close()
