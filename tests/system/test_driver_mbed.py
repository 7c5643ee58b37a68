"""Acceptance: ARM mbed's SPWFSA04 driver (its commands, patterns and timeouts, in
``tests/support/mbed_driver.py``) against ``spwf-tui sim --pty --world``, the way the driver runs
on an X-NUCLEO-IDW04A1: start-up, join (and a refused join), status reads, scan, TCP and UDP
open/write/read/close against real local peers, pending data with WINDs muted, errors 74-78, and
the out-of-band lines for a lost network and a hard fault."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.mbed_driver import DriverError, MbedSpwf04
from tests.support.tcp_peer import TcpServer, echo_back
from tests.system.test_sim_world import World

WORLD = """
[[ap]]
ssid = "mbed-lab"
security = "wpa2"
passphrase = "mbed-secret"
channel = 6
rssi = -48
bssid = "02:00:5E:10:00:01"

[[ap]]
ssid = "cafe-open"
security = "open"
channel = 1
rssi = -66

[[ap]]
ssid = "old-router"
security = "wpa-wpa2"
passphrase = "legacy-pass"
channel = 11
rssi = -80

[[ap]]
ssid = "attic"
security = "wep"
passphrase = "0123456789"
channel = 3
rssi = -85
"""


class EchoPeers:
    """A TCP echo server (``close`` makes it say bye and hang up) and a UDP echo server."""

    def __init__(self) -> None:
        self.tcp = TcpServer(echo_back)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.tcp_port = self.tcp.port
        self.udp_port = self.udp.getsockname()[1]
        threading.Thread(target=self._udp, daemon=True).start()

    def _udp(self) -> None:
        while True:
            try:
                data, peer = self.udp.recvfrom(65536)
            except OSError:
                return
            self.udp.sendto(data, peer)

    def stop(self) -> None:
        self.tcp.stop()
        self.udp.close()


@pytest.fixture
def peers() -> Iterator[EchoPeers]:
    echo = EchoPeers()
    yield echo
    echo.stop()


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[World]:
    world = World(tmp_path, WORLD)
    yield world
    world.stop()


@pytest.fixture
def driver(lab) -> MbedSpwf04:
    """The driver after ``startup(0)`` (idle, as mbed's interface initialises it)."""
    # The board was powered on a while ago: its console is up. (The driver's own RESET, sent
    # into a first boot still under way, would be dropped, and that boot's "Console active"
    # taken for the next one's.)
    lab.console_up()
    spwf = MbedSpwf04(lab.host)
    spwf.startup(0)
    return spwf


@pytest.fixture
def joined(driver) -> MbedSpwf04:
    assert driver.connect("mbed-lab", "mbed-secret", 2)
    return driver


def test_startup_join_and_status_reads(joined):
    assert joined.get_ip_address() == "192.168.1.50"
    assert joined.get_gateway() == "192.168.1.1"
    assert joined.get_netmask() == "255.255.255.0"
    assert joined.get_rssi() == -48
    mac = joined.get_mac_address()
    assert len(mac.split(":")) == 6


def test_a_wrong_passphrase_fails_after_three_deauthentications(driver):
    assert driver.connect("mbed-lab", "not-the-secret", 2) is False
    # The driver then leaves the module idle and reset: no address.
    assert driver.get_ip_address() == "0.0.0.0"


def test_scan_sees_every_network_with_its_security(joined):
    seen = {ap.ssid: ap for ap in joined.scan()}
    assert set(seen) == {"mbed-lab", "cafe-open", "old-router", "attic"}
    assert seen["mbed-lab"].security == "wpa2" and seen["mbed-lab"].rssi == -48
    assert seen["mbed-lab"].bssid == "02:00:5E:10:00:01" and seen["mbed-lab"].channel == 6
    assert seen["cafe-open"].security == "none"
    assert seen["old-router"].security == "wpa/wpa2"
    assert seen["attic"].security == "wep"


def test_tcp_open_write_read_close_in_730_byte_pieces(joined, peers):
    sock_id = joined.open("t", "127.0.0.1", peers.tcp_port)
    payload = bytes(range(256)) * 8  # 2048 bytes: three SOCKW of 730, 730, 588
    joined.send(sock_id, payload)
    joined.wait_pending(sock_id, len(payload))
    assert joined.recv_all(sock_id) == payload
    joined.close(sock_id)


def test_udp_open_write_read_close(joined, peers):
    sock_id = joined.open("u", "127.0.0.1", peers.udp_port)
    joined.send(sock_id, b"datagram one")
    joined.wait_pending(sock_id, len(b"datagram one"))
    assert joined.recv_all(sock_id) == b"datagram one"
    joined.close(sock_id)


def test_pending_data_with_winds_muted_is_found_by_sockq(joined, peers):
    sock_id = joined.open("t", "127.0.0.1", peers.tcp_port)
    joined.winds_off()
    joined.send(sock_id, b"quiet please")
    # No WIND 55 comes; the driver's workaround asks SOCKQ until the bytes are there.
    while joined.read_len(sock_id) < len(b"quiet please"):
        pass
    assert not any(line.startswith(b"+WIND:55:") for line in joined.host.seen)
    assert joined.read_in(sock_id, 12) == b"quiet please"
    joined.close(sock_id)


def test_socket_errors_74_to_78(joined, peers):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    with pytest.raises(DriverError) as refused:
        joined.open("t", "127.0.0.1", closed_port)
    assert refused.value.code == 74

    ids = [joined.open("t", "127.0.0.1", peers.tcp_port) for _ in range(8)]
    assert ids == list(range(8))
    with pytest.raises(DriverError) as too_many:
        joined.open("t", "127.0.0.1", peers.tcp_port)
    assert too_many.value.code == 75
    for sock_id in ids[1:]:
        joined.close(sock_id)

    with pytest.raises(DriverError) as illegal:
        joined.read_len(5)
    assert illegal.value.code == 76

    joined.send(0, b"unread")
    joined.wait_pending(0, 6)
    joined.host.send("AT+S.SOCKC=0")  # a close without draining first
    with pytest.raises(DriverError) as pending:
        joined._recv(rb"AT-S\.OK", "close")
    assert pending.value.code == 77
    joined.recv_all(0)

    joined.send(0, b"close")  # the peer says bye and hangs up: WIND 58, socket stays
    joined.wait_until(lambda: 0 in joined.state.server_gone)
    with pytest.raises(DriverError) as gone:
        joined.send(0, b"too late")
    assert gone.value.code == 78
    # A rejected header reads no data phase: the 8 bytes the driver wrote after it are the
    # start of a command line for the module. A CR ends that line (error 1) and the console is
    # in step again; the driver itself has no such recovery.
    joined.host.send("")
    assert joined.host.recv_error() == 1
    joined.close(0)


def test_network_lost_and_back_and_a_hard_fault_reach_the_driver(joined, lab):
    assert lab.fault("network_lost 0.5") == "ok\n"
    joined.host.recv(rb"\+WIND:24:WiFi Up:\d+:\d+\.\d+\.\d+\.\d+", timeout=30)
    assert joined.state.network_lost == 1
    assert lab.fault("hard_fault") == "ok\n"
    joined.host.recv(rb"\+WIND:0:Console active", timeout=30)
    assert len(joined.state.hard_faults) == 1
