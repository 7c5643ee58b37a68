"""``spwf-tui doctor``'s lab checks: which package provides ``serial``, and, when
``LG_COORDINATOR`` is set, the labgrid coordinator and the places it lists (docs/architecture.md §13).
"""

from __future__ import annotations

import os
from importlib import metadata
from typing import TYPE_CHECKING

from spwf_tui.cli.doctor import Check

if TYPE_CHECKING:
    from spwf_tui.transport.labgrid_place import PlaceInfo  # (imported when used: labgrid, gRPC)

LAB_HINT = "pip install 'spwf-tui[lab]'"


def lab_checks() -> list[Check]:
    """The serial-package check, plus the coordinator and its places when LG_COORDINATOR is set."""
    checks = [_serial_package()]
    address = os.environ.get("LG_COORDINATOR")
    if not address:
        if _version("labgrid"):
            checks.append(Check("ok", "lab", f"labgrid {_version('labgrid')} installed; set LG_COORDINATOR to "
                                "check the coordinator and its places"))
        return checks
    if not _version("labgrid"):
        return [*checks, Check("fail", "lab", f"LG_COORDINATOR={address} is set but labgrid is not installed",
                               LAB_HINT)]
    from spwf_tui.transport.labgrid_place import LabError, list_places

    try:
        places = list_places(address)
    except LabError as exc:
        return [*checks, Check("fail", "lab", str(exc), "start labgrid-coordinator there, or fix LG_COORDINATOR")]
    checks.append(Check("ok", "lab", f"coordinator {address} answers; {len(places)} place(s)"))
    for place in places:
        checks.append(_place(place))
    return checks


def _place(place: PlaceInfo) -> Check:
    ports = ", ".join(url or "published when acquired" for url in place.serial_ports)
    if not place.serial_ports:
        return Check("warn", "place", f"labgrid://{place.name}: no serial port (NetworkSerialPort)",
                     f"labgrid-client -p {place.name} add-match EXPORTER/GROUP/NetworkSerialPort")
    held = f"held by {place.acquired}" if place.acquired else "free"
    return Check("ok", "place", f"labgrid://{place.name}: {held}; serial {ports}")


def _serial_package() -> Check:
    """pyserial and labgrid's pyserial-labgrid install the same ``serial`` files: say whose they are."""
    import serial

    plain, fork = _version("pyserial"), _version("pyserial-labgrid")
    provider = f"serial {getattr(serial, '__version__', '?')}"
    if fork and plain:
        return Check("ok", "serial", f"{provider}: pyserial {plain} and labgrid's pyserial-labgrid {fork} share "
                     "these files (the one installed last provides them; spwf-tui works with either)")
    if fork:
        return Check("ok", "serial", f"{provider} from labgrid's pyserial-labgrid {fork}")
    return Check("ok", "serial", f"{provider} from pyserial {plain or '?'}")


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
