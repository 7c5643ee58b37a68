"""TFTPGET/TFTPPUT of ``spwf-tui sim --pty`` against a real TFTP server on 127.0.0.1: a file
fetched lands on the module's RAM disk (read back with FSP), a RAM-disk file is sent back."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.tftp_server import TftpServer

CONFIG = os.urandom(1300)


@pytest.fixture
def server() -> Iterator[TftpServer]:
    tftp = TftpServer({"cfg/device.bin": CONFIG})
    yield tftp
    tftp.close()


def test_tftp_get_then_put_round_trip(joined_lab, server):
    host = joined_lab.host
    host.send(f"AT+S.TFTPGET=127.0.0.1,{server.port},cfg/device.bin,/dev.bin")
    host.recv_ok(timeout=30)
    host.recv(rb"\+WIND:90:File Received", timeout=10)
    host.send("AT+S.FSL")
    assert host.recv(rb"AT-S\.File:R\t(\d+)\t/dev\.bin").group(1) == b"1300"
    host.recv_ok()
    host.send("AT+S.FSP=/dev.bin")
    host.recv(rb"AT\+S\.FSP=/dev\.bin")  # the echo, then the raw bytes
    assert host.read_exact(len(CONFIG), timeout=20) == CONFIG
    host.recv_ok()

    host.send(f"AT+S.TFTPPUT=127.0.0.1,{server.port},/dev.bin")
    host.recv_ok(timeout=30)
    assert server.files["/dev.bin"] == CONFIG

    host.send(f"AT+S.TFTPGET=127.0.0.1,{server.port},cfg/missing.bin,")
    assert host.recv_error(timeout=30) == 111
