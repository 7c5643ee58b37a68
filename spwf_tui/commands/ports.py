"""``spwf-tui ports``: the serial ports of this machine, plus the emulated module."""

from __future__ import annotations

from serial.tools import list_ports

from spwf_tui.core.display import visible


def run_ports() -> int:
    """Print one port per line: device, description, hardware id."""
    rows = [(p.device, p.description or "", p.hwid or "") for p in sorted(list_ports.comports())]
    rows.append(("sim://", "emulated SPWF04SA (built in)", ""))
    width = max(len(device) for device, _, _ in rows)
    for device, description, hwid in rows:
        # Descriptions come from the USB device itself (its product string): shown escaped.
        print(visible(f"{device:<{width}}  {description}  {hwid}".rstrip()))
    return 0
