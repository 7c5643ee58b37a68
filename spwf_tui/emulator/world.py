"""The world around the emulated module: access points, variant, firmware, saved configuration,
UART behaviour, fault timeline, and where server sockets listen on the host.

``World.default()`` is the world of ``sim://`` without a file: one permissive access point that
answers to whatever SSID is configured and accepts any passphrase (so the factory configuration
joins at once, as every existing script and test expects), and input typed during a reboot is
held. A world file (TOML, ``load_world``) replaces it with real rules: only the listed APs exist,
the passphrase must match, an AP out of range is not heard, and the UART drops what arrives
while the module reboots.

A world file::

    [module]
    model = "SPWF04SA"          # or SPWF04SC
    firmware = "1.1.0"          # or 1.0.0 (its build in the boot banner and STS)
    factory_reset = false       # true: WIND 65 at the first boot, flash back to factory
    input_while_booting = "drop"  # or "hold"
    paced_uart = false          # true: pty/TCP output paced at console_speed baud
    winds_inside_answers = false  # true: waiting WINDs land between an answer's lines
    socket_buffer = 1048576     # unread bytes a socket keeps (TCP waits, UDP drops)

    [config]                    # the saved (flash) configuration at power-on
    ssid = "Lab"                # sets wifi_ssid and wifi_ssid_len
    wifi_priv_mode = 2
    wifi_wpa_psk_text = "secret"

    [[ap]]
    ssid = "Lab"
    security = "wpa2"           # open, wep, wpa, wpa2, wpa-wpa2
    passphrase = "secret"
    channel = 6
    rssi = -45                  # -90 and below: out of range
    bssid = "02:53:54:A0:0E:01" # optional

    [servers]
    host = "127.0.0.1"
    ports = { "80" = 8080 }     # module port -> host port for SOCKDON

    [gpio]                      # input levels the outside world holds pins at
    "5" = 1

    [[fault]]
    at = 5.0                    # seconds after power-on
    kind = "network_lost"       # see faults.KINDS
    seconds = 2.0               # network_lost: back after this long
"""

from __future__ import annotations

import ipaddress
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spwf_tui.core.display import visible
from spwf_tui.errors import UserError

FIRMWARE_BUILDS = {"1.1.0": "171117-0328fe3", "1.0.0": "170216-fd39c59"}
"""Firmware version -> build tag of ``+WIND:1:Poweron`` (reference, header)."""
MODELS = ("SPWF04SA", "SPWF04SC")
SECURITIES = {"open": 0, "wep": 1, "wpa": 2, "wpa2": 2, "wpa-wpa2": 2}
"""Security -> the ``wifi_priv_mode`` a station needs to join it."""
OUT_OF_RANGE_RSSI = -90
"""An AP this weak or weaker is not heard (not scanned, not joined)."""
MAX_WORLD_BYTES = 256 * 1024
MAX_APS = 64
MAX_FAULTS = 1000
_BSSID = re.compile(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")


class WorldError(UserError):
    """A world file that cannot be used: one line saying what and where."""


@dataclass(frozen=True)
class AccessPoint:
    """One access point of the world."""

    ssid: str
    security: str = "wpa2"
    passphrase: str = ""
    channel: int = 6
    rssi: int = -45
    bssid: str = "02:53:54:A0:0E:01"

    @property
    def in_range(self) -> bool:
        """Heard by the module at all."""
        return self.rssi > OUT_OF_RANGE_RSSI

    @property
    def priv_mode(self) -> int:
        return SECURITIES[self.security]

    @property
    def caps(self) -> int:
        """The CAPS field of a scan line (ESS, plus privacy for a secured AP)."""
        return 0x0401 if self.security == "open" else 0x0411

    @property
    def flags(self) -> str:
        """The security words at the end of a scan line."""
        return {"open": "", "wep": "WEP ", "wpa": "WPA ", "wpa2": "WPA2 ",
                "wpa-wpa2": "WPA WPA2 "}[self.security]


@dataclass(frozen=True)
class Fault:
    """One entry of the fault timeline."""

    at: float
    kind: str
    seconds: float = 0.0
    count: int = 0
    pin: int = 0
    level: int = 0


@dataclass
class World:
    """Everything the emulated module's surroundings decide."""

    model: str = "SPWF04SA"
    firmware: str = "1.1.0"
    access_points: list[AccessPoint] = field(default_factory=list)
    permissive: bool = True
    """True (the default world only): one AP answers to any configured SSID and passphrase."""
    saved_config: dict[str, str] = field(default_factory=dict)
    """Configuration variables in flash at power-on (as SCFG + WCFG would leave them)."""
    factory_reset: bool = False
    """WIND 65 at the first boot (flash back to factory: ``saved_config`` is not applied)."""
    drop_input_while_booting: bool = False
    """True: bytes that arrive while the console is down are lost, as on the real UART."""
    paced_uart: bool = False
    """True: the pty/TCP front doors send no faster than ``console_speed`` baud allows."""
    socket_buffer: int = 1024 * 1024
    """Unread bytes a socket keeps at most: a TCP peer beyond it waits (flow control), a UDP
    datagram beyond it is dropped with ``+WIND:63:Socket Dropping Data``."""
    winds_inside_answers: bool = False
    """True: WINDs waiting when a multi-line answer goes out land between its lines (scan
    list, GCFG dump, TLS Loading and On), as both real host drivers expect they may."""
    server_host: str = "127.0.0.1"
    """Host address server sockets (SOCKDON) listen on."""
    server_ports: dict[int, int] = field(default_factory=dict)
    """Module port -> host port for server sockets; a port not listed listens on itself."""
    faults: list[Fault] = field(default_factory=list)
    gpio_inputs: dict[int, int] = field(default_factory=dict)
    """Pin -> the level the outside world holds it at (0 unless listed)."""

    @classmethod
    def default(cls) -> World:
        """The world of ``sim://`` without a file (see the module docstring)."""
        return cls()

    @property
    def build(self) -> str:
        """The firmware build tag (``171117-0328fe3`` for 1.1.0)."""
        return FIRMWARE_BUILDS[self.firmware]

    def server_address(self, module_port: int) -> tuple[str, int]:
        """(host, port) a server socket opened on ``module_port`` listens on."""
        return self.server_host, self.server_ports.get(module_port, module_port)

    def heard(self) -> list[AccessPoint]:
        """The APs in range, strongest first (the order of a scan)."""
        return sorted((ap for ap in self.access_points if ap.in_range),
                      key=lambda ap: ap.rssi, reverse=True)


def load_world(path: str | Path) -> World:
    """Read a world file (TOML, layout in the module docstring).

    Raises:
        WorldError: unreadable, too big, not TOML, or a value out of place (one line).
    """
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    where = visible(str(path))
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_WORLD_BYTES + 1)
    except OSError as exc:
        raise WorldError(f"world file {where}: cannot read it ({exc.strerror or exc})") from None
    if len(raw) > MAX_WORLD_BYTES:
        raise WorldError(f"world file {where}: larger than {MAX_WORLD_BYTES // 1024} KiB; "
                         "a world is a few access points and faults")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise WorldError(f"world file {where}: not valid TOML ({exc})") from None
    return parse_world(data, where)


def parse_world(data: dict[str, Any], where: str = "world") -> World:
    """A ``World`` from the parsed TOML tables; ``WorldError`` names the bad key."""
    from spwf_tui.emulator.faults import KINDS

    _only(data, {"module", "config", "ap", "servers", "fault", "gpio"}, where)
    world = World(permissive=False, drop_input_while_booting=True)
    module = _table(data, "module", where)
    _only(module, {"model", "firmware", "factory_reset", "input_while_booting", "paced_uart",
                   "winds_inside_answers", "socket_buffer"}, f"{where} [module]")
    world.model = _choice(module, "model", MODELS, "SPWF04SA", f"{where} [module]")
    world.firmware = _choice(module, "firmware", tuple(FIRMWARE_BUILDS), "1.1.0",
                             f"{where} [module]")
    world.factory_reset = _bool(module, "factory_reset", False, f"{where} [module]")
    world.drop_input_while_booting = _choice(
        module, "input_while_booting", ("drop", "hold"), "drop", f"{where} [module]") == "drop"
    world.paced_uart = _bool(module, "paced_uart", False, f"{where} [module]")
    world.winds_inside_answers = _bool(module, "winds_inside_answers", False,
                                       f"{where} [module]")
    world.socket_buffer = int(_number(module.get("socket_buffer", 1024 * 1024), 1024,
                                      64 * 1024 * 1024, f"{where} [module] socket_buffer"))
    world.saved_config = _config(_table(data, "config", where), f"{where} [config]")
    aps = data.get("ap", [])
    if not isinstance(aps, list) or len(aps) > MAX_APS:
        raise WorldError(f"{where}: [[ap]] must be a list of at most {MAX_APS} tables")
    for index, entry in enumerate(aps, 1):
        world.access_points.append(_access_point(entry, index, f"{where} [[ap]] #{index}"))
    servers = _table(data, "servers", where)
    _only(servers, {"host", "ports"}, f"{where} [servers]")
    world.server_host = _address(servers.get("host", "127.0.0.1"), f"{where} [servers] host")
    ports = servers.get("ports", {})
    if not isinstance(ports, dict):
        raise WorldError(f"{where} [servers] ports: a table of module port = host port")
    for key, value in ports.items():
        world.server_ports[_port(key, f"{where} [servers] ports")] = _port(
            value, f"{where} [servers] ports.{visible(str(key))}")
    faults = data.get("fault", [])
    if not isinstance(faults, list) or len(faults) > MAX_FAULTS:
        raise WorldError(f"{where}: [[fault]] must be a list of at most {MAX_FAULTS} tables")
    for index, entry in enumerate(faults, 1):
        label = f"{where} [[fault]] #{index}"
        if not isinstance(entry, dict):
            raise WorldError(f"{label}: must be a table")
        _only(entry, {"at", "kind", "seconds", "count", "pin", "level"}, label)
        at = _number(entry.get("at", 0.0), 0.0, 86400.0, f"{label} at")
        kind = _choice(entry, "kind", tuple(KINDS), None, label)
        seconds = _number(entry.get("seconds", 0.0), 0.0, 86400.0, f"{label} seconds")
        count = int(_number(entry.get("count", 0), 0, 100000, f"{label} count"))
        pin = int(_number(entry.get("pin", 0), 0, 15, f"{label} pin"))
        level = int(_number(entry.get("level", 0), 0, 1, f"{label} level"))
        world.faults.append(Fault(at, kind, seconds, count, pin, level))
    gpio = _table(data, "gpio", where)
    for key, value in gpio.items():
        pin = int(_number(_int_key(key, f"{where} [gpio]"), 0, 15, f"{where} [gpio] pin"))
        world.gpio_inputs[pin] = int(_number(value, 0, 1, f"{where} [gpio] {pin}"))
    world.faults.sort(key=lambda fault: fault.at)
    _check_config(world.saved_config, f"{where} [config]")
    return world


def _check_config(values: dict[str, str], where: str) -> None:
    """Every saved value must be one SCFG would accept (same checks, same store)."""
    from spwf_tui.emulator.config import ConfigStore
    from spwf_tui.emulator.replies import CommandError

    for name, text in values.items():
        try:
            ConfigStore().preload_flash({name: text})
        except CommandError as exc:
            reason = {4: "no such variable", 7: "read-only or not a valid value",
                      32: "too long"}.get(exc.code, f"refused (error {exc.code})")
            shown = "ssid" if name in ("wifi_ssid", "wifi_ssid_len") else name
            # The value is not shown: it may be a passphrase.
            raise WorldError(f"{where}: {visible(shown)}: {reason}") from None


def _show(value: Any) -> str:
    """A value from the file, printable and short, for an error line."""
    text = visible(repr(value))
    return text if len(text) <= 60 else text[:57] + "..."


def _only(table: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise WorldError(f"{where}: unknown key {_show(unknown[0])} (known: "
                         f"{', '.join(sorted(allowed))})")


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise WorldError(f"{where}: [{key}] must be a table")
    return value


def _choice(table: dict[str, Any], key: str, choices: tuple[str, ...], default: str | None,
            where: str) -> str:
    value = table.get(key, default)
    if value not in choices:
        raise WorldError(f"{where}: {key} must be one of {', '.join(choices)}, not {_show(value)}")
    return str(value)


def _bool(table: dict[str, Any], key: str, default: bool, where: str) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise WorldError(f"{where}: {key} must be true or false, not {_show(value)}")
    return value


def _number(value: Any, low: float, high: float, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise WorldError(f"{where}: must be a number from {low:g} to {high:g}, not {_show(value)}")
    return float(value)


def _port(value: Any, where: str) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = -1
    if isinstance(value, bool) or not 1 <= port <= 65535:
        raise WorldError(f"{where}: {_show(value)} is not a port (1-65535)")
    return port


def _int_key(key: str, where: str) -> int:
    if not key.isdigit():
        raise WorldError(f"{where}: {_show(key)} is not a pin number")
    return int(key)


def _address(value: Any, where: str) -> str:
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        raise WorldError(f"{where}: {_show(value)} is not an IP address") from None


def _access_point(entry: Any, index: int, where: str) -> AccessPoint:
    if not isinstance(entry, dict):
        raise WorldError(f"{where}: must be a table")
    _only(entry, {"ssid", "security", "passphrase", "channel", "rssi", "bssid"}, where)
    ssid = entry.get("ssid")
    if not isinstance(ssid, str) or not ssid or len(ssid.encode("utf-8")) > 32:
        raise WorldError(f"{where}: ssid must be text of 1 to 32 bytes")
    security = _choice(entry, "security", tuple(SECURITIES), "wpa2", where)
    passphrase = entry.get("passphrase", "")
    if not isinstance(passphrase, str) or len(passphrase) > 64:
        raise WorldError(f"{where}: passphrase must be text of at most 64 characters")
    if security != "open" and not passphrase:
        raise WorldError(f"{where}: a {security} access point needs a passphrase")
    channel = int(_number(entry.get("channel", 6), 1, 14, f"{where} channel"))
    rssi = int(_number(entry.get("rssi", -45), -127, 0, f"{where} rssi"))
    bssid = entry.get("bssid", f"02:53:54:A0:0E:{index:02X}")
    if not isinstance(bssid, str) or not _BSSID.fullmatch(bssid):
        raise WorldError(f"{where}: bssid must look like 02:53:54:A0:0E:01")
    return AccessPoint(ssid, security, passphrase, channel, rssi, bssid.upper())


def _config(table: dict[str, Any], where: str) -> dict[str, str]:
    """Saved variables as the strings SCFG would take; ``ssid`` sets wifi_ssid and its length.
    Each value is checked by the configuration store when the module loads it."""
    result: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise WorldError(f"{where}: {visible(key)} must be text or a whole number, "
                             f"not {_show(value)}")
        text = str(value)
        if key == "ssid":
            raw = text.encode("utf-8")
            if not raw or len(raw) > 32:
                raise WorldError(f"{where}: ssid must be text of 1 to 32 bytes")
            result["wifi_ssid"] = raw.hex()
            result["wifi_ssid_len"] = str(len(raw))
        else:
            result[key] = text
    return result
