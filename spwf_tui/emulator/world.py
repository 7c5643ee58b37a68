"""The world around the emulated module: access points, variant, firmware, saved configuration,
fault timeline, and where server sockets listen on the host.

``World.default()`` is the world of ``sim://`` without a file: one permissive access point that
answers to whatever SSID is configured and accepts any passphrase (so the factory configuration
joins at once, as every existing script and test expects). A world file (TOML, see
``load_world``) replaces it with real rules: only the listed APs exist, the passphrase must
match, an AP out of range is not found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FIRMWARE_BUILDS = {"1.1.0": "171117-0328fe3", "1.0.0": "170216-fd39c59"}
"""Firmware version -> build tag of ``+WIND:1:Poweron`` (reference, header)."""
MODELS = ("SPWF04SA", "SPWF04SC")
SECURITIES = ("open", "wep", "wpa", "wpa2", "wpa-wpa2")


@dataclass(frozen=True)
class AccessPoint:
    """One access point of the world."""

    ssid: str
    security: str = "wpa2"
    """``open``, ``wep``, ``wpa``, ``wpa2`` or ``wpa-wpa2``."""
    passphrase: str = ""
    channel: int = 6
    rssi: int = -45
    bssid: str = "02:53:54:A0:0E:01"
    in_range: bool = True
    """False: the AP is listed in the world but the module cannot hear it (not in SCAN, the
    join finds nothing)."""


@dataclass
class World:
    """Everything the emulated module's surroundings decide."""

    model: str = "SPWF04SA"
    firmware: str = "1.1.0"
    access_points: list[AccessPoint] = field(default_factory=list)
    permissive: bool = True
    """True (the default world only): the AP answers to any configured SSID and passphrase."""
    saved_config: dict[str, str] = field(default_factory=dict)
    """Configuration variables in flash at power-on (as SCFG + WCFG would leave them)."""
    server_host: str = "127.0.0.1"
    """Host address server sockets (SOCKDON) listen on."""
    server_ports: dict[int, int] = field(default_factory=dict)
    """Module port -> host port for server sockets; a port not listed listens on itself."""

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
