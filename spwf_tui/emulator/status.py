"""Values of the status variables (``AT+S.STS``).

Names and order come from the catalog. The values that a host can act on are live (clock,
uptime, Wi-Fi state and addresses, stored TLS object sizes, heap shrinking with open sockets);
the hardware ones are fixed plausible numbers, since the real ones are not documented.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Callable

from spwf_tui.core import catalog
from spwf_tui.emulator.boot import link_local_address

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule

HEAP_AT_BOOT = 91_264
"""Free heap after boot (emulator's figure)."""
HEAP_PER_SOCKET = 2_048
HEAP_PER_TLS_SOCKET = 24_576
"""TLS sessions cost the firmware far more RAM than plain sockets."""

_NO_ADDRESS = "0.0.0.0"

_FIXED: dict[str, str] = {
    "boot_version": "1.0",
    "system_sleeptime": "0",
    "startup": "0",
    "uart_errors": "0",
    "gpio_enable": "0",
    "system_clock": "120000000",
    "lsifreq": "32000",
    "app_fs": "1",
    "ram_fs": "1",
    "user_fs": "0",
    "extvol_fs": "0",
    "nv_power_cycles": "1",
    "wifi_chan_activity": "0",
    "wifi_max_tx_power": "18",
    "wifi_gf_mode": "0",
    "wifi_reg_country": "0",
    "wifi_sleeping": "0",
    "wifi_num_assoc": "0",
    "wifi_num_input_bufs": "8",
    "wifi_max_buf_size": "1600",
    "wifi_hardware_id": "0x0000",
    "wifi_hardware_subid": "0x0000",
    "wifi_minpowerlevel": "0",
    "wifi_maxpowerlevel": "18",
    "wifi_irqs": "0",
    "wifi_pm_mode": "0",
    "wifi_enc_headroom": "0",
    "wifi_enc_tailroom": "0",
    "ip_from_AutoIP": "0",
    "ip_local": _NO_ADDRESS,
    "ip_dns1v6": _NO_ADDRESS,
    "ip_dns2v6": _NO_ADDRESS,
    "wifi_cert_len_dhp": "0",
    "ip_cert_len_dhp": "0",
}


def free_heap(module: EmulatedModule) -> int:
    """Heap left, shrinking with each open socket (also printed by ``console_verbose=2``)."""
    heap = HEAP_AT_BOOT
    for sock in module.sockets.all():
        heap -= HEAP_PER_TLS_SOCKET if sock.protocol == "s" else HEAP_PER_SOCKET
    return heap


def _live(module: EmulatedModule) -> dict[str, Callable[[], object]]:
    radio = module.radio
    joined = radio.address is not None
    config = module.config
    return {
        "build": lambda: f"{module.world.build}-SPWF04S",
        "fw_version": lambda: module.world.firmware,
        "var_version": lambda: module.world.firmware,
        "nv_wdog_resets": lambda: module.watchdog_resets,
        "free_heap": lambda: free_heap(module),
        "min_heap": lambda: free_heap(module) - 4_096,
        "system_time": module.clock.epoch,
        "system_uptime": module.clock.uptime,
        "reset_reason": lambda: 1 if module.software_resets else 0,
        "random_number": lambda: random.getrandbits(32),
        "nv_reset_cycles": lambda: module.software_resets,
        "wifi_state": lambda: radio.state,
        "wifi_own_macaddr": lambda: config.get("nv_wifi_macaddr"),
        "wifi_bssid": lambda: (radio.ap.bssid.lower() if joined and radio.ap
                               else "00:00:00:00:00:00"),
        "wifi_aid": lambda: 1 if joined else 0,
        "wifi_channelnum": lambda: (radio.ap.channel if joined and radio.ap
                                    else config.get("wifi_channelnum")),
        "wifi_sup_rate_mask": lambda: config.get("wifi_opr_rate_mask"),
        "wifi_bas_rate_mask": lambda: config.get("wifi_bas_rate_mask"),
        "wifi_dtim_period": lambda: config.get("wifi_dtim_period"),
        "wifi_cert_len_ca": lambda: module.wpae.length("ca"),
        "wifi_cert_len_cert": lambda: module.wpae.length("cert"),
        "wifi_cert_len_key": lambda: module.wpae.length("key"),
        "ip_ipaddr": lambda: radio.address or _NO_ADDRESS,
        "ip_netmask": lambda: radio.netmask if joined else _NO_ADDRESS,
        "ip_gw": lambda: radio.gateway if joined else _NO_ADDRESS,
        "ip_dns1": lambda: radio.dns if joined else _NO_ADDRESS,
        "ip_dns2": lambda: _NO_ADDRESS,
        "ip_linklocal": lambda: (link_local_address(config.get_bytes("nv_wifi_macaddr"))
                                 if joined and config.get_int("ip_use_v6") else _NO_ADDRESS),
        "ip_cert_len_ca": lambda: module.tls.length("ca"),
        "ip_cert_len_cert": lambda: module.tls.length("cert"),
        "ip_cert_len_key": lambda: module.tls.length("key"),
    }


def values(module: EmulatedModule, only: str | None = None) -> list[tuple[str, str]]:
    """(name, value) for every status variable, or only for ``only`` (exact catalog name)."""
    live = _live(module)
    names = [only] if only else [var.name for var in catalog.STATUS_VARIABLES]
    result = []
    for name in names:
        getter = live.get(name)
        value = getter() if getter is not None else _FIXED.get(name, "0")
        result.append((name, str(value)))
    return result
