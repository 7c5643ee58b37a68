"""Wi-Fi commands: WIFI, SSIDTXT, SCAN, PEERS, PING (the radio itself is emulated)."""

from __future__ import annotations

import ipaddress
import socket
from typing import TYPE_CHECKING

from spwf_tui.emulator.boot import (
    STATE_TERMINATED_BY_USER,
    configured_ssid,
    permissive_ap,
)
from spwf_tui.emulator.world import AccessPoint
from spwf_tui.emulator.dispatch import Call, Handler, parse_uint
from spwf_tui.emulator.error_codes import (
    ERR_DNS,
    ERR_INVALID,
    ERR_IP_NOT_READY,
    ERR_RADIO_NOT_RUNNING,
    ERR_TOO_BIG,
    ERR_VARIABLE_NOT_FOUND,
    ERR_ZERO,
)
from spwf_tui.emulator.replies import CommandError, Reply

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule


PING_TIME_MS = 3
"""Every emulated echo reply takes this long (no ICMP is sent)."""
MAX_SSID = 32

_NEIGHBOURS = (
    AccessPoint("Lab-Guest", "wpa2", "-", 1, -71, "02:53:54:A0:0E:02"),
    AccessPoint("printer-7F3A", "wpa-wpa2", "-", 11, -83, "02:53:54:A0:0E:03"),
)
"""The default world's neighbours, which every scan finds (the world file replaces them)."""

PEER_VARIABLES = (
    "link_id", "state", "addr", "last_rx", "last_tx", "rx_drops", "tx_drops", "rx_pkts",
    "tx_pkts", "tx_errs", "rate_mask", "cur_rate_idx", "cur_rate_ok", "cur_rate_fail",
    "tx_consec_fail", "rx_seqnum", "rx_seqnum_mc", "rx_rssi", "rx_rateidx", "setprot",
    "listen_interval", "capinfo",
)
"""Per-peer variables of ``AT+S.PEERS`` (docs/protocol.md §3.3; not part of the catalog)."""


def _wifi(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``WIFI=0``: WIND 49 and 38 follow; ``WIFI=1``: hardware start and join follow. Asking
    for the state the radio is already in changes nothing."""
    enable = parse_uint(call.arg(0), maximum=1)
    radio_off = module.radio.state == STATE_TERMINATED_BY_USER
    if enable and radio_off:
        module.radio_on()
    elif not enable and not radio_off:
        module.radio_off([(49, ("0",)), (38, ())])


def _ssidtxt(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """Set ``wifi_ssid``/``wifi_ssid_len`` from text (the whole rest of the line), or show it."""
    text = call.rest or ""
    if not text:
        reply.line("SSIDTXT", configured_ssid(module.config))
        return
    raw = text.encode("latin-1", "replace")
    if len(raw) > MAX_SSID:
        raise CommandError(ERR_TOO_BIG)
    module.config.set("wifi_ssid", raw.hex())
    module.config.set("wifi_ssid_len", str(len(raw)))


def _networks(module: EmulatedModule) -> list[AccessPoint]:
    """Every AP the module hears, strongest first; the default world: its permissive AP (under
    the configured SSID) and two neighbours."""
    if module.world.permissive:
        return [permissive_ap(module.config), *_NEIGHBOURS]
    return module.world.heard()


def _scan(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``Parsing Networks:<n>`` then one line per BSS heard, strongest first. ``d`` lists every
    one, ``s`` one per SSID (the strongest), ``m`` one per BSSID: the filters drop duplicates,
    they do not narrow the scan to the configured network (mbed's driver scans with ``s`` and
    expects every network around). A file name also stores the lines in that RAM file."""
    mode = call.arg(0).lower()
    if mode not in ("d", "s", "m"):
        raise CommandError(ERR_INVALID)
    if module.radio.state == STATE_TERMINATED_BY_USER:
        raise CommandError(ERR_RADIO_NOT_RUNNING)
    networks = _networks(module)
    if mode in ("s", "m"):
        seen: set[str] = set()
        kept = []
        for ap in networks:
            key = ap.ssid if mode == "s" else ap.bssid
            if key not in seen:
                seen.add(key)
                kept.append(ap)
        networks = kept
    lines = [f"{index}:\t BSS {ap.bssid} CHAN: {ap.channel:02d} RSSI: {ap.rssi:03d} "
             f"SSID: '{ap.ssid}' CAPS: {ap.caps:04x} {ap.flags}"
             for index, ap in enumerate(networks, 1)]
    reply.line("Parsing Networks", len(lines))
    for line in lines:
        reply.text(line)
    if call.arg(1):
        module.disk.append(call.arg(1), "".join(f"{line}\r\n" for line in lines).encode())


def _peers(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``PEERS[=,<peer>[,<var>]]`` (``PEERS=0,rx_rssi`` works too): peer 0 is the joined AP."""
    args = list(call.args)
    if len(args) > 1 and args[0] == "":
        args = args[1:]
    if len(args) > 2:
        raise CommandError(6)
    peers = [0] if module.radio.ip_up else []
    if args and args[0]:
        peer = parse_uint(args[0])
        if peer not in peers:
            raise CommandError(ERR_INVALID)
        peers = [peer]
    names: tuple[str, ...] = PEER_VARIABLES
    if len(args) > 1 and args[1]:
        if args[1] not in PEER_VARIABLES:
            raise CommandError(ERR_VARIABLE_NOT_FOUND)
        names = (args[1],)
    ap = module.radio.ap or permissive_ap(module.config)
    values = {"link_id": "1", "state": "3", "addr": ap.bssid.lower(), "rx_rssi": str(ap.rssi),
              "rate_mask": "0x003fffcf", "listen_interval": "0", "capinfo": f"0x{ap.caps:04x}"}
    for peer in peers:
        for name in names:
            reply.line("Var", f"{peer}.{name}={values.get(name, '0')}")


def resolve(host: str) -> str:
    """An IPv4 literal as is, else the host's DNS; error 65 when the name does not resolve."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, socket.AF_INET, socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise CommandError(ERR_DNS) from None
    return str(infos[0][4][0])


def _ping(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``Reply:<seq>:<ip>:<size>:<ms>`` per echo; the host is resolved for real, nothing is
    sent."""
    count = parse_uint(call.arg(0), maximum=100)
    size = parse_uint(call.arg(1), maximum=1472)
    if count == 0:
        raise CommandError(ERR_ZERO)
    if not module.radio.ip_up:
        raise CommandError(ERR_IP_NOT_READY)
    address = resolve(call.arg(2))
    for seq in range(1, count + 1):
        reply.line("Reply", seq, address, size, PING_TIME_MS)


HANDLERS: dict[str, Handler] = {
    "WIFI": Handler(run=_wifi),
    "SSIDTXT": Handler(run=_ssidtxt, own_arg_check=True),
    "SCAN": Handler(run=_scan),
    "PEERS": Handler(run=_peers, own_arg_check=True),
    "PING": Handler(run=_ping, deferred=True),
}
