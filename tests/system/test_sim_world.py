"""``spwf-tui sim --pty --world FILE --control SOCKET`` as a process, driven over its real pty:
the world decides the join, faults come on command through the control socket, and a bad world
file is one line and exit 2 (for ``sim`` and for ``sim://?world=`` alike)."""

from __future__ import annotations

import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.at_host import AtHost, AtTimeout
from tests.system.helpers import CLI, run_cli

LAB_WORLD = """
[module]
model = "SPWF04SC"

[config]
ssid = "Lab"
wifi_priv_mode = 2
wifi_wpa_psk_text = "lab-secret"

[[ap]]
ssid = "Lab"
passphrase = "lab-secret"
channel = 11
rssi = -42
bssid = "02:00:00:00:00:01"

[[ap]]
ssid = "Neighbour"
security = "open"
channel = 3
rssi = -77
"""


class World:
    """A running ``sim --pty --world`` with its control socket, and the host end of its pty."""

    def __init__(self, folder: Path, text: str) -> None:
        self.world = folder / "lab.toml"
        self.world.write_text(text)
        self.link = folder / "ttySIM"
        self.control = folder / "control.sock"
        self.proc = subprocess.Popen(
            [*CLI, "sim", "--pty", "--link", str(self.link), "--world", str(self.world),
             "--control", str(self.control)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline()
        assert "listening on" in first, first + self.proc.stderr.read()
        self.host = AtHost(str(self.link))

    def console_up(self) -> None:
        """Until the module's console takes commands (a booting module drops what it hears, as the
        real UART does): its ``Console active``, then an ``AT`` answered.

        That line can be missing: what the first boot said before this end opened the port is
        lost (as on a real UART), and then the console was up already; the wait for it is short.
        """
        try:
            self.host.recv(rb"\+WIND:0:Console active", timeout=5)
        except AtTimeout:
            pass
        self.host.send("AT")
        self.host.recv_ok(timeout=30)

    def restart(self) -> re.Match[bytes]:
        """``AT+S.RESET`` once the console is up (a RESET sent at once was lost on a loaded
        machine, and the first boot's lines passed for the second's); returns the match of the
        new boot's first line, ``+WIND:1:Poweron:<build>``: the lines after it are that boot's
        (what came before it, the first boot's last lines included, is passed over)."""
        self.console_up()
        self.host.send("AT+S.RESET")
        return self.host.recv(rb"\+WIND:1:Poweron:(.*)", timeout=30)

    def fault(self, line: str) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(10)
            conn.connect(str(self.control))
            conn.sendall(line.encode() + b"\n")
            return conn.recv(200).decode()

    def stop(self) -> None:
        self.host.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[World]:
    world = World(tmp_path, LAB_WORLD)
    yield world
    world.stop()


def test_world_join_scan_and_faults_on_command(lab):
    host = lab.host
    lab.restart()  # see the whole boot from the start
    host.recv(rb"\+WIND:13:.*:SPWF04SC", timeout=20)
    host.recv(rb"\+WIND:19:WiFi Join:02:00:00:00:00:01", timeout=20)
    host.recv(rb"\+WIND:24:WiFi Up:0:192\.168\.1\.50", timeout=20)
    host.send("AT+S.SCAN=d,")
    assert host.recv(rb"AT-S\.Parsing Networks:(\d+)").group(1) == b"2"
    first = host.recv(rb"1:\t BSS (\S+) CHAN: (\d+) RSSI: -(\d+) SSID: '([^']*)' .*")
    assert first.group(4) == b"Lab" and first.group(3) == b"42"
    assert host.recv(rb"2:\t BSS \S+ CHAN: \d+ RSSI: -\d+ SSID: '([^']*)' .*").group(1) == b"Neighbour"
    host.recv_ok()

    assert lab.fault("network_lost") == "ok\n"
    host.recv(rb"\+WIND:33:WiFi Network Lost")
    host.send("AT+S.SOCKON=127.0.0.1,9,NULL,t")
    assert host.recv_error() == 60
    assert lab.fault("network_back") == "ok\n"
    host.recv(rb"\+WIND:24:WiFi Up:0:192\.168\.1\.50", timeout=20)

    assert lab.fault("hard_fault") == "ok\n"
    host.recv(rb"\+WIND:8:Hard Fault:.*")
    host.recv(rb"\+WIND:1:Poweron:171117-0328fe3-SPWF04S", timeout=20)
    host.recv(rb"\+WIND:24:WiFi Up:0:.*", timeout=20)

    host.send("AT+S.GPIOC=8,in,r")
    host.recv_ok()
    assert lab.fault("gpio 8 1") == "ok\n"
    host.recv(rb"\+WIND:52:GPIO Interrupt:8:1")
    assert lab.fault("gpio 8 7").startswith("error: gpio wants a pin 0-15 and a level 0 or 1")
    assert lab.fault("meteor").startswith("error: unknown fault; known: network_lost")


def test_a_wrong_passphrase_never_brings_the_link_up(tmp_path):
    world = World(tmp_path, LAB_WORLD.replace('wifi_wpa_psk_text = "lab-secret"',
                                              'wifi_wpa_psk_text = "typo"'))
    try:
        world.restart()
        for _ in range(2):  # two attempts, both refused by the AP
            world.host.recv(rb"\+WIND:40:WiFi Deauthentication:15", timeout=20)
        assert not any(line.startswith(b"+WIND:24:") for line in world.host.seen)
    finally:
        world.stop()


def test_the_control_socket_is_owner_only_and_never_replaces_a_file(tmp_path, lab):
    assert (lab.control.stat().st_mode & 0o777) == 0o600
    taken = tmp_path / "taken"
    taken.write_text("keep me")
    result = run_cli("sim", "--pty", "--control", str(taken), timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "exists" in result.stderr
    assert taken.read_text() == "keep me"


@pytest.mark.parametrize("command", [
    ["sim", "--pty", "--world", "{world}"],
    ["run", "sim://?world={world}", "-c", "AT"],
])
def test_a_bad_world_file_is_one_line_and_a_non_zero_exit(tmp_path, command):
    world = tmp_path / "bad.toml"
    world.write_text("[[ap]]\nssid = 'Lab'\nsecurity = 'wpa2'\n")
    result = run_cli(*[part.format(world=world) for part in command], timeout=30)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "a wpa2 access point needs a passphrase" in lines[0]
    assert "Traceback" not in result.stderr


def test_decode_explains_the_emulators_not_emulated_error():
    result = run_cli("decode", "-", input="AT+S.WPS=0\r\nAT-S.ERROR:120:Not emulated\r\n")
    assert result.returncode == 0, result.stderr
    assert "Not from a real module: spwf-tui's emulated module (sim://)" in result.stdout


def test_a_control_socket_that_cannot_be_made_is_one_line(tmp_path):
    result = run_cli("sim", "--pty", "--control", str(tmp_path / "no-such-dir" / "ctl"),
                     timeout=30)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--control" in lines[0] and "cannot listen there" in lines[0]
