"""The emulated module in a world: access points that decide the join, SCAN filters, the variant
and firmware banner, saved configuration, faults, and the world file's own checks."""

from __future__ import annotations

import re
import socket
import threading
from pathlib import Path

import pytest

from spwf_tui.emulator import EmulatedModule, faults
from spwf_tui.emulator.world import WorldError, load_world, parse_world

from .conftest import BOOT_DONE, Wire, exchange

LAB = {
    "config": {"ssid": "Lab", "wifi_priv_mode": 2, "wifi_wpa_psk_text": "secret"},
    "ap": [
        {"ssid": "Lab", "security": "wpa2", "passphrase": "secret", "channel": 11, "rssi": -40,
         "bssid": "02:00:00:00:00:01"},
        {"ssid": "Cafe", "security": "open", "channel": 1, "rssi": -70,
         "bssid": "02:00:00:00:00:02"},
        {"ssid": "Far", "security": "wpa2", "passphrase": "x", "rssi": -95},
    ],
}
UP = b"+WIND:24:WiFi Up:0:"


def boot(world_data: dict, wire: Wire | None = None) -> tuple[EmulatedModule, Wire]:
    wire = wire or Wire()
    module = EmulatedModule(wire, boot_delay=0, world=parse_world(world_data))
    module.start()
    return module, wire


@pytest.fixture
def modules():
    made: list[EmulatedModule] = []

    def make(world_data: dict) -> tuple[EmulatedModule, Wire]:
        module, wire = boot(world_data)
        made.append(module)
        return module, wire

    yield make
    for module in made:
        module.close()


def with_config(**config) -> dict:
    return {**LAB, "config": {**LAB["config"], **config}}


def test_the_right_passphrase_joins_the_ap_of_the_world(modules):
    module, wire = modules(LAB)
    out = wire.wait_for(UP)
    assert b"+WIND:19:WiFi Join:02:00:00:00:00:01\r\n+WIND:25:WiFi Association successful:Lab\r\n" \
           b"+WIND:51:WPA Handshake Complete\r\n+WIND:24:WiFi Up:0:192.168.1.50\r\n" in out
    sts = exchange(module, wire, b"AT+S.STS=wifi_bssid\rAT+S.STS=wifi_channelnum\r")
    assert b"wifi_bssid=02:00:00:00:00:01" in sts and b"wifi_channelnum=11" in sts
    assert b"AT-S.Var:0.rx_rssi=-40" in exchange(module, wire, b"AT+S.PEERS=0,rx_rssi\r")


def test_a_wrong_passphrase_is_deauthenticated_and_retried_never_up(modules):
    module, wire = modules(with_config(wifi_wpa_psk_text="wrong"))
    out = wire.wait_for(b"+WIND:40:")
    assert out.endswith(b"+WIND:19:WiFi Join:02:00:00:00:00:01\r\n"
                        b"+WIND:25:WiFi Association successful:Lab\r\n"
                        b"+WIND:40:WiFi Deauthentication:15\r\n")
    # It tries again (as the module does), and fails again.
    assert b"+WIND:21:WiFi Scanning" in wire.wait_for(b"+WIND:40:")
    assert b"ip_ipaddr=0.0.0.0" in exchange(module, wire, b"AT+S.STS=ip_ipaddr\r")
    assert b"ERROR:60:" in exchange(module, wire, b"AT+S.SOCKON=127.0.0.1,9,,t\r")


def test_a_security_mode_the_ap_does_not_speak_fails_like_a_wrong_passphrase(modules):
    module, wire = modules(with_config(wifi_priv_mode=0))
    assert wire.wait_for(b"+WIND:40:").endswith(b"+WIND:40:WiFi Deauthentication:15\r\n")


def test_a_missing_ssid_scans_and_joins_nothing(modules):
    module, wire = modules(with_config(ssid="Nowhere"))
    first = wire.wait_for(b"+WIND:35:")
    again = wire.wait_for(b"+WIND:35:")  # retried, still nothing
    assert b"+WIND:19:" not in first + again and b"+WIND:24:" not in first + again
    assert b"wifi_state=5" in exchange(module, wire, b"AT+S.STS=wifi_state\r")


def test_an_ap_out_of_range_is_not_heard(modules):
    module, wire = modules(with_config(ssid="Far", wifi_wpa_psk_text="x"))
    out = wire.wait_for(b"+WIND:35:") + wire.wait_for(b"+WIND:35:")
    assert b"+WIND:19:" not in out
    assert b"'Far'" not in exchange(module, wire, b"AT+S.SCAN=d,\r")


def test_the_factory_configuration_joins_nothing_in_a_world(modules):
    module, wire = modules({"ap": LAB["ap"]})
    out = wire.wait_for(b"+WIND:35:") + wire.wait_for(b"+WIND:35:")
    assert b"+WIND:19:" not in out and b"+WIND:24:" not in out


def test_scan_lists_every_ap_heard_and_s_m_drop_duplicate_ssids_or_bssids(modules):
    roaming = {"ssid": "Lab", "security": "wpa2", "passphrase": "secret", "channel": 1,
               "rssi": -60, "bssid": "02:00:00:00:00:03"}
    module, wire = modules({**LAB, "ap": [*LAB["ap"], roaming]})
    wire.wait_for(UP)
    lines = exchange(module, wire, b"AT+S.SCAN=d,\r").decode().split("\r\n")
    assert lines[1:5] == [
        "AT-S.Parsing Networks:3",
        "1:\t BSS 02:00:00:00:00:01 CHAN: 11 RSSI: -40 SSID: 'Lab' CAPS: 0411 WPA2 ",
        "2:\t BSS 02:00:00:00:00:03 CHAN: 01 RSSI: -60 SSID: 'Lab' CAPS: 0411 WPA2 ",
        "3:\t BSS 02:00:00:00:00:02 CHAN: 01 RSSI: -70 SSID: 'Cafe' CAPS: 0401 ",
    ]
    # s: one line per SSID (what mbed's driver scans with: every network, each once).
    by_ssid = exchange(module, wire, b"AT+S.SCAN=s,\r").decode()
    assert "Parsing Networks:2" in by_ssid and "'Cafe'" in by_ssid
    assert "02:00:00:00:00:03" not in by_ssid
    assert "Parsing Networks:3" in exchange(module, wire, b"AT+S.SCAN=m,\r").decode()
    # Every line matches the pattern a host driver parses scan lines with.
    pattern = re.compile(r"\d+:\t BSS \S+ CHAN: \d+ RSSI: -\d+ SSID: '[^']*' .*")
    assert all(pattern.fullmatch(line) for line in lines[2:5])
    exchange(module, wire, b"AT+S.SCAN=d,scan.txt\r")
    assert b"SSID: 'Cafe'" in exchange(module, wire, b"AT+S.FSP=scan.txt\r")


def test_variant_and_firmware_1_0_0_show_in_the_banner_and_status(modules):
    module, wire = modules({"module": {"model": "SPWF04SC", "firmware": "1.0.0"}})
    out = wire.wait_for(b"+WIND:32:")
    assert out.startswith(b"+WIND:1:Poweron:170216-fd39c59-SPWF04S\r\n")
    assert b":SPWF04SC\r\n" in out
    sts = exchange(module, wire, b"AT+S.STS=fw_version\rAT+S.STS=build\r")
    assert b"fw_version=1.0.0" in sts and b"build=170216-fd39c59-SPWF04S" in sts


def test_factory_reset_at_boot_announces_wind_65_and_ignores_the_saved_config(modules):
    module, wire = modules({**LAB, "module": {"factory_reset": True}})
    out = wire.wait_for(b"+WIND:0:")
    assert b"+WIND:65:Factory Reset:0\r\n+WIND:0:Console active\r\n" in out
    assert b"wifi_ssid_len=6" in exchange(module, wire, b"AT+S.GCFG=wifi_ssid_len\r")


def test_network_lost_and_back(modules):
    module, wire = modules(LAB)
    wire.wait_for(UP)
    faults.inject(module, "network_lost")
    assert wire.wait_for(b"+WIND:33:") == b"+WIND:33:WiFi Network Lost\r\n"
    assert b"ERROR:60:" in exchange(module, wire, b"AT+S.SOCKON=127.0.0.1,9,,t\r")
    faults.inject(module, "network_back")
    assert b"+WIND:19:WiFi Join:02:00:00:00:00:01" in wire.wait_for(UP)


def test_hard_fault_then_reboot(modules):
    module, wire = modules(LAB)
    wire.wait_for(UP)
    exchange(module, wire, b"AT+S.FSC=a,1\rx")
    faults.inject(module, "hard_fault")
    out = wire.wait_for(UP)
    assert re.match(rb"\+WIND:8:Hard Fault:Tcpip(:[0-9a-f]{8}){8}\r\n\+WIND:1:Poweron:", out)
    assert b"ERROR:51:" in exchange(module, wire, b"AT+S.FSP=a\r")  # RAM lost


def test_watchdog_reboot_counts_in_status(modules):
    module, wire = modules(LAB)
    wire.wait_for(UP)
    faults.inject(module, "watchdog")
    assert wire.wait_for(UP).startswith(b"+WIND:1:Poweron:")
    assert b"nv_wdog_resets=1" in exchange(module, wire, b"AT+S.STS=nv_wdog_resets\r")


def test_factory_reset_fault_reboots_with_wind_65(modules):
    module, wire = modules(LAB)
    wire.wait_for(UP)
    faults.inject(module, "factory_reset")
    assert b"+WIND:65:Factory Reset:0" in wire.wait_for(b"+WIND:0:")


def test_wind_storm_goes_out_between_responses(modules):
    module, wire = modules(LAB)
    wire.wait_for(UP)
    faults.inject(module, "wind_storm", count=300)
    out = wire.wait_for(re.compile(rb"(\+WIND:1[56]:[^\r]*\r\n){300}"))
    assert len(re.findall(rb"\+WIND:15:WiFi Signal Low:-\d+\r\n", out)) == 150


def test_a_timeline_fault_happens_by_itself(modules):
    module, wire = modules({**LAB, "fault": [{"at": 0.2, "kind": "network_lost", "seconds": 0.2}]})
    out = wire.wait_for(b"+WIND:33:")
    assert b"+WIND:24:WiFi Up:0:" in out  # joined first
    assert b"+WIND:19:" in wire.wait_for(UP)  # and back by itself


def test_input_typed_while_rebooting_is_lost_in_a_world(modules):
    module, wire = modules(LAB)
    wire.wait_for(UP)
    exchange(module, wire, b"AT+S.RESET\rAT+S.FSC=lost,1\rx")
    wire.wait_for(UP)
    assert b"ERROR:51:" in exchange(module, wire, b"AT+S.FSP=lost\r")


def test_the_default_world_still_holds_input_during_a_reboot(module, wire):
    wire.take()
    module.receive(b"AT+S.RESET\rAT\r")
    out = wire.wait_for(BOOT_DONE)
    assert out.count(b"AT-S.OK") == 2


# ---------------------------------------------------------------------------- world files

def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lab.toml"
    path.write_text(text)
    return path


def test_a_world_file_loads(tmp_path):
    world = load_world(write(tmp_path, """
[module]
model = "SPWF04SC"
[config]
ssid = "Lab"
wifi_priv_mode = 2
wifi_wpa_psk_text = "secret"
[[ap]]
ssid = "Lab"
passphrase = "secret"
[servers]
ports = { "80" = 8080 }
[[fault]]
at = 3
kind = "hard_fault"
"""))
    assert world.model == "SPWF04SC" and world.access_points[0].ssid == "Lab"
    assert world.server_address(80) == ("127.0.0.1", 8080)
    assert world.faults[0].kind == "hard_fault" and not world.permissive


@pytest.mark.parametrize(("text", "message"), [
    ("[module]\nmodel = 'ESP32'", "model must be one of SPWF04SA, SPWF04SC"),
    ("[[ap]]\nssid = 'x'\nsecurity = 'wpa2'", "needs a passphrase"),
    ("[[ap]]\nssid = 'x'\nsecurity = 'open'\nchannel = 99", "channel: must be a number from 1 to 14"),
    ("[config]\nwifi_wpa_psk_text = 'hunter2'\nnot_a_var = 1", "not_a_var: no such variable"),
    ("[config]\nconsole_echo = 'abc'", "console_echo: read-only or not a valid value"),
    ("[[fault]]\nkind = 'meteor'", "kind must be one of"),
    ("[surprise]", "unknown key 'surprise'"),
    ("not toml = = =", "not valid TOML"),
])
def test_a_bad_world_file_is_one_clear_line(tmp_path, text, message):
    with pytest.raises(WorldError) as caught:
        load_world(write(tmp_path, text))
    text_of_error = str(caught.value)
    assert message in text_of_error and "\n" not in text_of_error
    assert "hunter2" not in text_of_error


def test_a_world_file_that_is_too_big_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_bytes(b"#" * (300 * 1024))
    with pytest.raises(WorldError, match="larger than 256 KiB"):
        load_world(path)


def test_timeline_stops_with_the_module():
    module, wire = boot({**LAB, "fault": [{"at": 3600, "kind": "hard_fault"}]})
    wire.wait_for(UP)
    done = threading.Event()
    threading.Thread(target=lambda: (module.close(), done.set()), daemon=True).start()
    assert done.wait(10)


def test_the_readme_world_file_loads_and_boots(tmp_path):
    """The world file shown in the README is a working one."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    text = re.search(r"```toml\n# lab.toml\n(.+?)```", readme, re.S).group(1)
    world = load_world(write(tmp_path, text))
    assert [ap.ssid for ap in world.access_points] == ["Lab"]
    wire = Wire()
    module = EmulatedModule(wire, boot_delay=0, world=world)
    module.start()
    try:
        assert b"+WIND:19:WiFi Join:02:00:00:00:00:01" in wire.wait_for(b"+WIND:24:WiFi Up:0:")
    finally:
        module.close()


def _hold_the_wind_pump(module: EmulatedModule, wire: Wire) -> threading.Event:
    """Stop the WIND writer after one WIND (its follow-up waits on the returned event), so the
    WINDs posted next are still queued when the next answer goes out."""
    release = threading.Event()
    module.post_wind_then(release.wait, 16, -60)
    wire.wait_for(b"+WIND:16:")
    return release


def test_winds_land_between_the_lines_of_an_answer_when_the_world_says_so(modules):
    module, wire = modules({**LAB, "module": {"winds_inside_answers": True}})
    wire.wait_for(UP)
    release = _hold_the_wind_pump(module, wire)
    try:
        module.post_wind(15, -81)
        module.post_wind(15, -82)
        lines = exchange(module, wire, b"AT+S.SCAN=d,\r").split(b"\r\n")
        assert lines[:6] == [b"AT+S.SCAN=d,", b"AT-S.Parsing Networks:2",
                             b"+WIND:15:WiFi Signal Low:-81",
                             b"1:\t BSS 02:00:00:00:00:01 CHAN: 11 RSSI: -40 SSID: 'Lab' CAPS: 0411 WPA2 ",
                             b"+WIND:15:WiFi Signal Low:-82",
                             b"2:\t BSS 02:00:00:00:00:02 CHAN: 01 RSSI: -70 SSID: 'Cafe' CAPS: 0401 "]
        # Never next to raw payload: FSP's bytes and its OK stay together.
        exchange(module, wire, b"AT+S.FSC=f,3\rabc")
        module.post_wind(15, -83)
        assert exchange(module, wire, b"AT+S.FSP=f\r") == b"AT+S.FSP=f\r\nabcAT-S.OK\r\n"
    finally:
        release.set()
    assert wire.wait_for(b"+WIND:15:") == b"+WIND:15:WiFi Signal Low:-83\r\n"


def test_without_the_world_setting_winds_wait_for_the_answer(modules):
    module, wire = modules(LAB)
    wire.wait_for(UP)
    release = _hold_the_wind_pump(module, wire)
    try:
        module.post_wind(15, -81)
        out = exchange(module, wire, b"AT+S.SCAN=d,\r")
        assert b"+WIND" not in out and out.endswith(b"AT-S.OK\r\n")
    finally:
        release.set()
    assert wire.wait_for(b"+WIND:15:") == b"+WIND:15:WiFi Signal Low:-81\r\n"


# ---------------------------------------------------------------------------- peers that flood

def command(module: EmulatedModule, wire: Wire, line: bytes) -> bytes:
    """Send one command and wait for its final line (deferred commands answer later)."""
    wire.take()
    module.receive(line)
    return wire.wait_for(re.compile(rb"AT-S\.(OK|ERROR[^\r]*)\r\n"))


class Streamer:
    """A TCP peer that sends for ever (until told to stop), counting what it got out."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sent = 0
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        conn.settimeout(0.2)
        block = b"s" * 16384
        with conn:
            while not self.stop.is_set():
                try:
                    conn.sendall(block)
                    self.sent += len(block)
                except TimeoutError:
                    continue
                except OSError:
                    return


def test_a_peer_that_streams_for_ever_is_held_back_at_the_socket_buffer(modules):
    limit = 4096
    module, wire = modules({**LAB, "module": {"socket_buffer": limit}})
    wire.wait_for(UP)
    peer = Streamer()
    try:
        out = command(module, wire, b"AT+S.SOCKON=127.0.0.1,%d,,t\r" % peer.port)
        assert b"AT-S.On:127.0.0.1:0" in out
        full = re.compile(rb"\+WIND:55:Pending Data::0:\d+:(\d{4,})")
        if not full.search(out):
            wire.wait_for(full)
        # Let the peer push well past the limit (its kernel buffers take it); not a timing
        # assertion: if it cannot, the check below is only weaker.
        for _ in range(200):
            if peer.sent > 20 * limit:
                break
            peer.stop.wait(0.05)
        for _ in range(5):
            out = exchange(module, wire, b"AT+S.SOCKQ=0\r")
            pending = int(re.search(rb"AT-S\.Query:(\d+)", out).group(1))
            assert pending <= limit + 65536
        # Reading makes room and the stream goes on.
        assert b"AT-S.Reading:" in exchange(module, wire, b"AT+S.SOCKR=0,\r")
        wire.wait_for(re.compile(rb"\+WIND:55:Pending Data::0:"))
    finally:
        peer.stop.set()
        peer.listener.close()


def test_a_udp_datagram_that_does_not_fit_is_dropped_with_wind_63(modules):
    module, wire = modules({**LAB, "module": {"socket_buffer": 1024}})
    wire.wait_for(UP)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
        peer.bind(("127.0.0.1", 0))
        out = command(module, wire, b"AT+S.SOCKON=127.0.0.1,%d,,u\r" % peer.getsockname()[1])
        assert b"AT-S.On:127.0.0.1:0" in out
        exchange(module, wire, b"AT+S.SOCKW=0,5\rhello")
        _, module_address = peer.recvfrom(100)
        peer.sendto(b"a" * 1000, module_address)
        wire.wait_for(re.compile(rb"\+WIND:55:Pending Data::0:1000:1000"))
        peer.sendto(b"b" * 100, module_address)  # 1100 > 1024: dropped
        assert wire.wait_for(b"+WIND:63:") == b"+WIND:63:Socket Dropping Data\r\n"
        assert b"AT-S.Query:1000" in exchange(module, wire, b"AT+S.SOCKQ=0\r")
