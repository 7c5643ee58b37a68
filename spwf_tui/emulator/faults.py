"""Faults the world can make happen to the emulated module, on a timeline or on command.

Each kind is a short story told with the module's own lines (docs/protocol.md §8, §4.2):

- ``network_lost``: ``+WIND:33:WiFi Network Lost``, the address is gone (SOCKON -> 60); after
  ``seconds`` (0: never by itself) the module scans and joins again (``network_back`` does it
  at once).
- ``hard_fault``: ``+WIND:8:Hard Fault:<task>:<8 registers>``, then the module reboots (RAM
  lost, as RESET).
- ``watchdog``: the module reboots without a word first (the boot WINDs follow);
  ``nv_wdog_resets`` counts it.
- ``factory_reset``: reboot with ``+WIND:65:Factory Reset:0`` in the banner and the flash back
  to factory values (TLS objects stay: they live in their own flash section).
- ``wind_storm``: ``count`` (default 200) ``+WIND:15:WiFi Signal Low:<rssi>`` /
  ``+WIND:16:WiFi Signal Ok:<rssi>`` pairs as fast as the UART takes them.
- ``gpio``: the outside world sets input ``pin`` to ``level``; an armed interrupt answers
  ``+WIND:52:GPIO Interrupt:<pin>:<level>``.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule
    from spwf_tui.emulator.world import Fault

KINDS = ("network_lost", "network_back", "hard_fault", "watchdog", "factory_reset",
         "wind_storm", "gpio")
HARD_FAULT_FIELDS = ("Tcpip", "20003f58", "00000000", "0800a1c3", "00000001", "2000b1f0",
                     "0801d2e5", "0801d2e4", "61000000")
"""Task name and eight registers of the hard-fault WIND (plausible values, no real capture)."""
DEFAULT_STORM = 200


def inject(module: EmulatedModule, kind: str, seconds: float = 0.0, count: int = 0,
           pin: int = 0, level: int = 0) -> None:
    """Make ``kind`` happen now.

    Raises:
        ValueError: an unknown kind.
    """
    if kind == "network_lost":
        module.network_lost(seconds)
    elif kind == "network_back":
        module.network_back()
    elif kind == "hard_fault":
        module.post_wind_then(module.power_cycle, 8, *HARD_FAULT_FIELDS)
    elif kind == "watchdog":
        module.watchdog_resets += 1
        module.power_cycle()
    elif kind == "factory_reset":
        module.power_cycle(factory_reset=True)
    elif kind == "gpio":
        module.drive_gpio(pin, level)
    elif kind == "wind_storm":
        for index in range(count or DEFAULT_STORM):
            rssi = -70 - index % 10
            module.post_wind(15 if index % 2 == 0 else 16, rssi)
    else:
        raise ValueError(f"unknown fault {kind!r}; known: {', '.join(KINDS)}")


class Timeline:
    """Plays a world's faults at their times (seconds after power-on) on a thread."""

    def __init__(self, module: EmulatedModule, faults: list[Fault],
                 stop: threading.Event) -> None:
        self._module = module
        self._faults = sorted(faults, key=lambda fault: fault.at)
        self._stop = stop
        self._thread = threading.Thread(target=self._run, daemon=True, name="spwf-emu-faults")

    def start(self) -> None:
        if self._faults:
            self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        started = time.monotonic()
        for fault in self._faults:
            delay = fault.at - (time.monotonic() - started)
            if delay > 0 and self._stop.wait(delay):
                return
            if self._stop.is_set():
                return
            inject(self._module, fault.kind, fault.seconds, fault.count, fault.pin, fault.level)
