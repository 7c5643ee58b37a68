"""What the module says on its own: the boot script and the emulated Wi-Fi join.

A script is a list of steps, each one WIND plus what becomes true once that WIND has been sent
(the console accepts commands, the Wi-Fi state code changes, the IP address is up). The engine
posts the steps with ``boot_delay`` between them and applies each step when its line goes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from spwf_tui.emulator.world import AccessPoint

if TYPE_CHECKING:
    from spwf_tui.emulator.config import ConfigStore
    from spwf_tui.emulator.world import World

BUILD: Final = "171117-0328fe3"
"""FW 1.1.0 build tag (``+WIND:1:Poweron:<build>-SPWF04S``, ``AT-S.Var:build=``)."""
FW_VERSION: Final = "1.1.0"
WATCHDOG_SECONDS: Final = "20"

AP_BSSID: Final = "02:53:54:A0:0E:01"
"""The emulated access point (a locally administered address: it belongs to no real vendor)."""
AP_CHANNEL: Final = 6
AP_RSSI: Final = -45
DEAUTH_REASON: Final = "15"
"""``+WIND:40:WiFi Deauthentication:<reason>`` after a wrong passphrase: IEEE 802.11 reason 15
(4-way handshake timeout), the emulator's choice (the sources have no capture of it)."""
DHCP_ADDRESS: Final = "192.168.1.50"
DHCP_NETMASK: Final = "255.255.255.0"
DHCP_GATEWAY: Final = "192.168.1.1"
DHCP_DNS: Final = "192.168.1.1"

# Wi-Fi state codes (docs/protocol.md §3.3, ``wifi_state``).
STATE_POWER_UP = 0
STATE_TERMINATED_BY_USER = 2
STATE_IDLE = 3
STATE_SCANNING = 4
STATE_SCAN_COMPLETE = 5
STATE_JOINING = 6
STATE_JOINED = 7
STATE_AP_STARTED = 8
STATE_HANDSHAKE_COMPLETE = 9
STATE_READY = 10


@dataclass(frozen=True)
class Step:
    """One WIND of a script and its effect once sent."""

    wind: int
    fields: tuple[str, ...] = ()
    state: int | None = None
    """``wifi_state`` after this WIND."""
    console_up: bool = False
    """Commands are accepted from this WIND on."""
    network: tuple[str, str, str, str] | None = None
    """(address, netmask, gateway, dns) that is up after this WIND."""
    ap: AccessPoint | None = None
    """The access point joined from this WIND on."""


@dataclass
class Radio:
    """What the emulated Wi-Fi link is doing."""

    state: int = STATE_POWER_UP
    address: str | None = None
    netmask: str = "0.0.0.0"
    gateway: str = "0.0.0.0"
    dns: str = "0.0.0.0"
    joined: bool = False
    ap: AccessPoint | None = None
    """The access point joined (station mode), for STS, PEERS and SCAN=m."""

    @property
    def ip_up(self) -> bool:
        """True when sockets can be opened."""
        return self.address is not None


def boot_script(model: str, build: str = BUILD, factory_reset: bool = False,
                config_updated: bool = False) -> list[Step]:
    """Power-on to ``WiFi Hardware Started`` (order of the UART capture in docs/protocol.md §8);
    ``+WIND:65:Factory Reset:0`` before Console active when the flash was reset;
    ``+WIND:73:System Configuration Updated`` in the same place at the first boot of another
    firmware release (docs/protocol.md §7.3)."""
    steps = [Step(1, (f"{build}-SPWF04S",)), Step(13, (model,))]
    if factory_reset:
        steps.append(Step(65, ("0",)))
    if config_updated:
        steps.append(Step(73))
    return steps + [
        Step(0, console_up=True),
        Step(3, (WATCHDOG_SECONDS,)),
        Step(32, state=STATE_IDLE),
    ]


def permissive_ap(config: ConfigStore) -> AccessPoint:
    """The default world's access point: it has whatever SSID the module is configured for."""
    security = {0: "open", 1: "wep"}.get(config.get_int("wifi_priv_mode"), "wpa2")
    return AccessPoint(configured_ssid(config), security, "", AP_CHANNEL, AP_RSSI, AP_BSSID)


def join_script(config: ConfigStore, world: World | None = None) -> tuple[list[Step], bool]:
    """What follows ``WiFi Hardware Started`` for the RAM configuration's ``wifi_mode``, and
    whether the attempt failed (the module then tries again, as the real one does).

    Station (1): scan, then join the AP of the configured SSID and get an address (DHCP, or the
    static ``ip_ipaddr`` when ``ip_use_dhcpc`` is 0). In a strict world: no AP of that SSID in
    range -> the scan ends with nothing joined; a wrong passphrase or security -> WiFi Join,
    Association successful, then ``+WIND:40:WiFi Deauthentication:15``. MiniAP (3):
    ``Started AP`` on ``ip_ipaddr``. Idle (0) and IBSS (2): nothing, the radio stays idle.
    """
    mode = config.get_int("wifi_mode")
    ssid = configured_ssid(config)
    steps: list[Step] = []
    if mode == 1:
        steps += [Step(21, state=STATE_SCANNING), Step(35, ("00",), state=STATE_SCAN_COMPLETE)]
        ap = _find_ap(config, world, ssid)
        if ap is None:
            return steps, True
        steps += [Step(19, (ap.bssid,), state=STATE_JOINING),
                  Step(25, (ssid,), state=STATE_JOINED)]
        if not _credentials_match(config, world, ap):
            steps.append(Step(40, (DEAUTH_REASON,), state=STATE_IDLE))
            return steps, True
        if config.get_int("wifi_priv_mode") == 2:
            steps.append(Step(51, state=STATE_HANDSHAKE_COMPLETE))
        if config.get_int("ip_use_dhcpc") == 0:
            network = _static_network(config)
        else:
            network = (DHCP_ADDRESS, DHCP_NETMASK, DHCP_GATEWAY, DHCP_DNS)
    elif mode == 3:
        ap = None
        steps.append(Step(26, (ssid,), state=STATE_AP_STARTED))
        network = _static_network(config)
    else:
        return steps, False
    steps.append(Step(24, ("0", network[0]), state=STATE_READY, network=network, ap=ap))
    if config.get_int("ip_use_v6"):
        steps.append(Step(24, ("", link_local_address(config.get_bytes("nv_wifi_macaddr")))))
    return steps, False


def _find_ap(config: ConfigStore, world: World | None, ssid: str) -> AccessPoint | None:
    if world is None or world.permissive:
        return permissive_ap(config)
    return next((ap for ap in world.heard() if ap.ssid == ssid), None)


def _credentials_match(config: ConfigStore, world: World | None, ap: AccessPoint) -> bool:
    """Security mode and WPA passphrase as the AP wants them. WEP keys are not checked."""
    if world is None or world.permissive:
        return True
    if config.get_int("wifi_priv_mode") != ap.priv_mode:
        return False
    if ap.priv_mode == 2:
        return config.get("wifi_wpa_psk_text") == ap.passphrase
    return True


def configured_ssid(config: ConfigStore) -> str:
    """``wifi_ssid`` cut to ``wifi_ssid_len``, as text."""
    raw = config.get_bytes("wifi_ssid")[: config.get_int("wifi_ssid_len")]
    return raw.decode("latin-1")


def link_local_address(mac: bytes) -> str:
    """The EUI-64 link-local IPv6 address in the firmware's style (``fe80:0:0:0:280:e1ff:...``)."""
    if len(mac) != 6:
        mac = bytes(6)
    eui = bytes([mac[0] ^ 0x02, *mac[1:3], 0xFF, 0xFE, *mac[3:6]])
    groups = [int.from_bytes(eui[i:i + 2], "big") for i in range(0, 8, 2)]
    return "fe80:0:0:0:" + ":".join(f"{group:x}" for group in groups)


def _static_network(config: ConfigStore) -> tuple[str, str, str, str]:
    return (config.get("ip_ipaddr"), config.get("ip_netmask"), config.get("ip_gw"),
            config.get("ip_dns1"))
