"""``spwf-tui ports``: the serial ports of this machine, plus the emulated module."""

from __future__ import annotations

import argparse

from spwf_tui.core.display import visible
from spwf_tui.transport.ports import ports_and_sim


DESCRIPTION = "List serial ports (device, description, hwid)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments: ``--help`` only."""


def run(args: argparse.Namespace) -> int:
    """Print one port per line: device, description, hardware id."""
    rows = [(p.device, p.description, p.hwid) for p in ports_and_sim()]
    width = max(len(device) for device, _, _ in rows)
    for device, description, hwid in rows:
        # Descriptions come from the USB device itself (its product string): shown escaped.
        print(visible(f"{device:<{width}}  {description}  {hwid}".rstrip()))
    return 0
