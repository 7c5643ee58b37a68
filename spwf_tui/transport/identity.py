"""Which device a port is, so that a vanished port is reopened only when the same device is back.

A path that comes back is not always the same device (issue 13 §8): the system hands a pty's
number to the next program that opens a terminal, and ``/dev/ttyUSB0`` goes to whichever USB
adapter is plugged in first. The transport reconnects by itself only where the identity can be
shown:

- USB: the same VID:PID, serial number and interface, followed to wherever the device appears
  now (its ``/dev/serial/by-id`` name preferred, which does not depend on plug order);
- network URLs (``socket://``, ``rfc2217://``): the same host and port; the endpoint is all the
  identity a URL has, and what the user named;
- ``sim://`` and ``loop://``: in this process; nothing else can take their place.

Everything else (ptys, USB adapters without a serial number, built-in UARTs, other URL schemes)
is not reopened automatically: the user reopens it once they know it is theirs.

The facts come from pyserial's ``list_ports`` (``ListPortInfo``: ``device``, ``vid``, ``pid``,
``serial_number``, ``location``), taken while the port is open: once it is gone they are too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from serial.tools.list_ports_common import ListPortInfo

USB = "usb"
ENDPOINT = "endpoint"
IN_PROCESS = "in-process"
UNPROVEN = "unproven"

BY_ID = Path("/dev/serial/by-id")
"""udev's stable names: one symlink per USB serial device, named after vendor, product, serial."""
NETWORK_SCHEMES = ("socket", "rfc2217")
IN_PROCESS_SCHEMES = ("sim", "loop")
PTY_MAJORS = range(136, 144)
"""Linux's device numbers of UNIX 98 pty slaves (/dev/pts/N)."""


class PortIdentity(NamedTuple):
    """What is known about the device behind a port name, and whether a return can be trusted.

    ``interface`` is the USB interface (``"1.0"``) of a multi-port adapter, "" for one with a
    single port; ``reason`` says, for an unproven port, why its identity cannot be shown.
    """

    port: str
    kind: str
    vid: int | None = None
    pid: int | None = None
    serial_number: str | None = None
    interface: str = ""
    reason: str = ""

    @property
    def automatic(self) -> bool:
        """True when a return of this device can be recognised, so reopening needs no one."""
        return self.kind != UNPROVEN

    def describe(self) -> str:
        """``USB 0483:374B serial 066DFF...`` (the words a note uses for the device)."""
        if self.kind == USB:
            text = f"USB {self.vid:04X}:{self.pid:04X} serial {self.serial_number}"
            return f"{text} interface {self.interface}" if self.interface else text
        if self.kind == ENDPOINT:
            return f"the endpoint {self.port}"
        return self.port

    def plan(self) -> str:
        """What happens after the port vanished, for the note that says so."""
        if self.kind == USB:
            return f"waiting for the same device ({self.describe()}) to return, at whatever path"
        if self.kind == ENDPOINT:
            return "reconnecting to the same endpoint when it answers"
        if self.kind == IN_PROCESS:
            return "reopening it"
        return f"not reopened automatically: {self.reason}"


def identify(port: str, ports: Iterable[ListPortInfo] | None = None) -> PortIdentity:
    """The identity of the open port ``port`` (a path or a URL).

    Args:
        port: what the user named.
        ports: pyserial's ``comports()`` now; read when not given.
    """
    if "://" in port:
        scheme = port.split("://", 1)[0].lower()
        if scheme in NETWORK_SCHEMES:
            return PortIdentity(port, ENDPOINT)
        if scheme in IN_PROCESS_SCHEMES:
            return PortIdentity(port, IN_PROCESS)
        return PortIdentity(port, UNPROVEN, reason=f"a {scheme}:// port cannot show which device it reaches")
    path = os.path.realpath(port)
    if is_pty(path):
        where = port if path == port else f"{port} ({path})"
        return PortIdentity(port, UNPROVEN, reason=(
            f"{where} is a pseudo-terminal, whose number the system gives to the next program that "
            "opens one: it may be another program's terminal now"))
    info = next((p for p in _listed(ports) if p.device == port or os.path.realpath(p.device) == path), None)
    if info is None or info.vid is None or info.pid is None:
        return PortIdentity(port, UNPROVEN, reason=(
            f"{port} does not say which device it is (not a USB device with a serial number), so a "
            "device appearing at that path later could be another one"))
    if not info.serial_number:
        return PortIdentity(port, UNPROVEN, reason=(
            f"the USB device at {port} ({info.vid:04X}:{info.pid:04X}) has no serial number, so "
            "another adapter of the same kind could take its place"))
    return PortIdentity(port, USB, info.vid, info.pid, info.serial_number, usb_interface(info.location))


def locate(identity: PortIdentity, ports: Iterable[ListPortInfo] | None = None,
           by_id: Path = BY_ID) -> str | None:
    """Where the device of ``identity`` is now: the path to open, or None while it is away.

    USB devices are looked up among ``ports`` (pyserial's ``comports()``, read when not given)
    and named by their ``by_id`` link when there is one; endpoints and in-process ports are
    their URL. An unproven port is never located: only the user can vouch for it.
    """
    if identity.kind in (ENDPOINT, IN_PROCESS):
        return identity.port
    if identity.kind != USB:
        return None
    found = [p for p in _listed(ports)
             if (p.vid, p.pid, p.serial_number) == (identity.vid, identity.pid, identity.serial_number)
             and usb_interface(p.location) == identity.interface]
    if len(found) != 1:
        return None  # away, or two devices claim the identity: neither can be trusted
    return stable_name(found[0].device, by_id) or found[0].device


def stable_name(device: str, by_id: Path = BY_ID) -> str | None:
    """The ``by_id`` link that points at ``device``, if there is one."""
    target = os.path.realpath(device)
    try:
        links = sorted(by_id.iterdir())
    except OSError:
        return None  # no udev names on this system (or not for serial devices)
    return next((str(link) for link in links if os.path.realpath(link) == target), None)


def usb_interface(location: str | None) -> str:
    """The interface part of pyserial's USB ``location`` (``"1-1.2:1.0"`` gives ``"1.0"``).

    pyserial gives it for adapters with several interfaces (FT2232, FT4232, CDC ACM with two
    ports), where one serial number is shared by all of them; "" otherwise.
    """
    return (location or "").partition(":")[2]


def is_pty(path: str) -> bool:
    """True for a pseudo-terminal's slave (Linux /dev/pts/N, BSD and macOS /dev/ttysN, ttypN)."""
    if path.startswith("/dev/pts/") or re.fullmatch(r"/dev/tty[p-z][0-9a-f]|/dev/ttys\d+", path):
        return True
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return False
    try:
        return os.major(os.stat(path).st_rdev) in PTY_MAJORS
    except OSError:
        return False


def _listed(ports: Iterable[ListPortInfo] | None) -> list[ListPortInfo]:
    if ports is not None:
        return list(ports)
    from serial.tools import list_ports  # scans /sys and /dev: only when a port is identified

    try:
        return list(list_ports.comports())
    except Exception:  # noqa: BLE001 - an odd system's port list: then nothing can be shown
        return []
