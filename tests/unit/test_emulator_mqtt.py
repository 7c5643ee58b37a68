"""MQTT of the emulated module against a real broker: mosquitto, started here on a free port."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from spwf_tui.emulator import EmulatedModule
from tests.conftest import require_tool
from tests.system.helpers import free_port, wait_for_port

from .conftest import BOOT_DONE, Wire, exchange, until_final

OK = b"AT-S.OK\r\n"


def start_broker(folder: Path, anonymous: bool = True) -> tuple[subprocess.Popen, int]:
    mosquitto = require_tool("mosquitto")
    port = free_port()
    config = folder / f"mosquitto-{port}.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous {str(anonymous).lower()}\n"
                      "persistence false\n")
    proc = subprocess.Popen([mosquitto, "-c", str(config)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return proc, port


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[int]:
    proc, port = start_broker(tmp_path)
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def command(module, wire, line: bytes) -> bytes:
    """One command and its final line (MQTT commands wait for the broker)."""
    return until_final(module, wire, line)


def then_wind(wire, out: bytes, number: int) -> bytes:
    """The first ``+WIND:<number>`` line: in ``out`` already, or the next to come."""
    marker = b"+WIND:%d:" % number
    if marker not in out:
        out += wire.wait_for(marker)
    start = out.index(marker)
    return out[start:out.index(b"\r\n", start) + 2]


def connect(module, wire, port: int, extra: str = ",,,,,,,,,") -> bytes:
    return command(module, wire, f"AT+S.MQTTCONN=127.0.0.1,{port}{extra}\r".encode())


def test_connect_subscribe_publish_and_receive(module, wire, broker):
    assert connect(module, wire, broker).endswith(b"AT-S.On:0\r\n" + OK)
    assert connect(module, wire, broker, ",,,,,pub-client,30,,,,").endswith(b"AT-S.On:1\r\n" + OK)
    assert command(module, wire, b"AT+S.MQTTSUB=0,lab/#,1\r").endswith(OK)
    out = command(module, wire, b"AT+S.MQTTPUB=1,lab/temp,1,0,4\r21.5")
    assert OK in out
    assert then_wind(wire, out, 86) == b"+WIND:86:MQTT Published:0:lab/temp:1:0:0:4:4:21.5\r\n"
    # QoS 2 both ways: PUBREC/PUBREL/PUBCOMP on the way out and in.
    assert command(module, wire, b"AT+S.MQTTSUB=0,q2/x,2\r").endswith(OK)
    out = command(module, wire, b"AT+S.MQTTPUB=1,q2/x,2,0,2\rhi")
    assert OK in out
    assert then_wind(wire, out, 86) == b"+WIND:86:MQTT Published:0:q2/x:2:0:0:2:2:hi\r\n"
    # After UNSUB nothing more arrives on lab/#: the next WIND is for q2/x.
    assert command(module, wire, b"AT+S.MQTTUNSUB=0,lab/#\r").endswith(OK)
    out = command(module, wire, b"AT+S.MQTTPUB=1,lab/temp,1,0,2\r22")
    out += command(module, wire, b"AT+S.MQTTPUB=1,q2/x,1,0,3\rend")
    assert then_wind(wire, out, 86) == b"+WIND:86:MQTT Published:0:q2/x:1:0:0:3:3:end\r\n"
    out = command(module, wire, b"AT+S.MQTTDISC=1\r")
    assert out.startswith(b"AT+S.MQTTDISC=1\r\n" + OK)
    assert then_wind(wire, out, 87) == b"+WIND:87:MQTT Closed:1:0\r\n"
    assert command(module, wire, b"AT+S.MQTTPUB=1,x,0,0,1\r").endswith(
        b"AT-S.ERROR:76:Illegal Socket ID\r\n")


def test_a_retained_message_and_a_will(module, wire, broker):
    connect(module, wire, broker)
    command(module, wire, b"AT+S.MQTTPUB=0,state/door,1,1,4\ropen")
    out = command(module, wire, b"AT+S.MQTTSUB=0,state/#,0\r")
    assert OK in out
    assert then_wind(wire, out, 86) == b"+WIND:86:MQTT Published:0:state/door:0:1:0:4:4:open\r\n"
    # A second module connects with a will and vanishes without DISCONNECT: the broker tells.
    other_wire = Wire()
    other = EmulatedModule(other_wire, boot_delay=0)
    other.start()
    try:
        other_wire.wait_for(BOOT_DONE)
        assert connect(other, other_wire, broker, ",,,,,sensor-2,5,,0,state/sensor,gone").endswith(OK)
    finally:
        other.close()
    assert wire.wait_for(b"+WIND:86:") == (
        b"+WIND:86:MQTT Published:0:state/sensor:0:0:0:4:4:gone\r\n")


def test_refusals(module, wire, broker, tmp_path):
    assert connect(module, wire, free_port()).endswith(b"AT-S.ERROR:74:Failed to open socket\r\n")
    proc, closed_port = start_broker(tmp_path, anonymous=False)
    try:  # CONNACK refuses (not authorised): nothing is open
        assert connect(module, wire, closed_port).endswith(b"AT-S.ERROR:74:Failed to open socket\r\n")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert connect(module, wire, broker, ",/mqtt,,,,,,,,").endswith(b"AT-S.ERROR:120:Not emulated\r\n")
    assert connect(module, wire, broker).endswith(b"AT-S.On:0\r\n" + OK)
    assert connect(module, wire, broker).endswith(b"AT-S.On:1\r\n" + OK)
    assert connect(module, wire, broker).endswith(b"AT-S.ERROR:75:Too many sockets\r\n")
    assert exchange(module, wire, b"AT+S.MQTTSUB=5,x,0\r").endswith(b"ERROR:76:Illegal Socket ID\r\n")


def test_the_broker_going_away_is_wind_87(module, wire, tmp_path):
    proc, port = start_broker(tmp_path)
    try:
        assert connect(module, wire, port).endswith(OK)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert re.fullmatch(rb"\+WIND:87:MQTT Closed:0:[01]\r\n", wire.wait_for(b"+WIND:87:"))
    assert exchange(module, wire, b"AT+S.MQTTSUB=0,x,0\r").endswith(
        b"AT-S.ERROR:78:Socket not connected\r\n")
