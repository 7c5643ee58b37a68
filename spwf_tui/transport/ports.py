"""The serial ports of this machine, as every front end lists them (``ports``, the TUI's port
picker, ``doctor``, the "ports found" hint of an open failure).

pyserial's ``list_ports.comports()`` scans /sys and /dev, so it is imported and called only here,
when a list is wanted. Descriptions and hardware ids come from the USB device itself (its product
string): callers show them escaped (``core.display.visible``).
"""

from __future__ import annotations

from dataclasses import dataclass

SIM_PORT = "sim://"
SIM_DESCRIPTION = "emulated SPWF04SA (built in)"


@dataclass(frozen=True)
class DetectedPort:
    """One serial port: its device path and what the operating system says about it."""

    device: str
    description: str
    hwid: str


def detected_ports() -> list[DetectedPort]:
    """The machine's serial ports, sorted by device (no emulated module)."""
    from serial.tools import list_ports  # scans /sys and /dev: only when a list is asked for

    return [DetectedPort(p.device, p.description or "", p.hwid or "") for p in sorted(list_ports.comports())]


def ports_and_sim() -> list[DetectedPort]:
    """``detected_ports()`` then the emulated module, which is always there."""
    return [*detected_ports(), DetectedPort(SIM_PORT, SIM_DESCRIPTION, "")]
