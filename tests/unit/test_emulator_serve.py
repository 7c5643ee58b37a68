"""The emulated module's front doors: a pseudo-terminal (with a symlink) and a TCP port."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest
import serial

from spwf_tui.emulator import serve


def _read_until(read, marker: bytes, limit: int = 1 << 16) -> bytes:
    data = bytearray()
    while marker not in data and len(data) < limit:
        chunk = read()
        if not chunk:
            break
        data += chunk
    return bytes(data)


def _start(target, **kwargs) -> tuple[threading.Thread, threading.Event, str]:
    ready = threading.Event()
    where: list[str] = []
    stop = threading.Event()

    def on_ready(place: str) -> None:
        where.append(place)
        ready.set()

    thread = threading.Thread(target=target, kwargs={**kwargs, "on_ready": on_ready, "stop": stop},
                              daemon=True)
    thread.start()
    assert ready.wait(5)
    return thread, stop, where[0]


def test_pty_with_a_link(tmp_path: Path):
    link = tmp_path / "spwf"
    thread, stop, where = _start(serve.run_pty, link=str(link))
    try:
        assert where == str(link) and os.path.islink(link)
        for _ in range(2):  # a client may come back: the pty stays usable
            with serial.Serial(str(link), 115200, timeout=5) as port:
                port.write(b"AT\r")
                data = _read_until(lambda: port.read(port.in_waiting or 1), b"AT-S.OK\r\n")
                assert b"AT\r\nAT-S.OK\r\n" in data  # boot WINDs may come before or after
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert not os.path.lexists(link)


def test_tcp_one_client_at_a_time_and_the_module_persists():
    thread, stop, where = _start(serve.run_tcp, host="127.0.0.1", port=0)
    host, _, port = where.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=5) as first:
            first.sendall(b"AT+S.SCFG=blink_led,0\r")
            assert b"AT+S.SCFG=blink_led,0\r\nAT-S.OK\r\n" in _read_until(
                lambda: first.recv(4096), b"AT-S.OK\r\n")
            with socket.create_connection((host, int(port)), timeout=5) as second:
                assert second.recv(100) == b""  # busy: closed at once
        with socket.create_connection((host, int(port)), timeout=5) as third:
            third.sendall(b"AT+S.GCFG=blink_led\r")
            assert b"AT-S.Var:blink_led=0\r\nAT-S.OK\r\n" in _read_until(
                lambda: third.recv(4096), b"AT-S.OK\r\n")
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


# ---------------------------------------------------------------------------- UART pacing

def test_uart_pacer_sends_no_faster_than_the_baud_rate():
    """A fake clock that only moves when the pacer sleeps: the total pause is what 10 bits a
    byte at the configured speed take (no wall-clock measurement)."""
    from spwf_tui.emulator.serve import UartPacer

    now = [100.0]
    sent: list[bytes] = []
    speed = [11520]  # 1152 bytes per second

    def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = UartPacer(sent.append, lambda: speed[0], clock=lambda: now[0], sleep=sleep)
    pacer(b"x" * 2304)
    assert b"".join(sent) == b"x" * 2304 and max(map(len, sent)) == UartPacer.CHUNK
    # The first chunk goes at once; the other 35 wait for the UART: 35 * 64 bytes / 1152 B/s.
    assert now[0] - 100.0 == pytest.approx(35 * 64 / 1152)
    speed[0] = 115200  # console_speed is read at each write
    start = now[0]
    pacer(b"y" * 640)
    assert now[0] - start == pytest.approx(64 / 1152 + 9 * 64 / 11520)


def test_only_a_world_that_asks_for_it_is_paced():
    from spwf_tui.emulator.serve import UartPacer, _make_module
    from spwf_tui.emulator.world import World

    plain = _make_module(lambda data: None, None)
    paced = _make_module(lambda data: None, World(paced_uart=True))
    try:
        assert not isinstance(plain._output, UartPacer)
        assert isinstance(paced._output, UartPacer)
    finally:
        plain.close()
        paced.close()
