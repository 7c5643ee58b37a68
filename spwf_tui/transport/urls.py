"""What to hand pyserial for a port the user named: device paths, and URLs with their quirks.

rfc2217://: pyserial's client waits for the server to acknowledge every modem-control change;
ser2net in front of a pty never does, and the open fails with "timeout while waiting for option
'control'". A plain ``rfc2217://host:port`` therefore gets ``ign_set_control`` added; a URL that
already carries options is left as the user wrote it.
"""

from __future__ import annotations

import urllib.parse
from typing import TypedDict

LAB_SCHEME = "labgrid://"
"""A labgrid place (``transport.labgrid_place``, imported only when one is named)."""
WRITE_TIMEOUT = 10.0
"""Seconds a write may block on a device before it counts as failed."""


def is_lab_port(port: str) -> bool:
    """True for ``labgrid://...``."""
    return port.lower().startswith(LAB_SCHEME)


def is_place_pattern(port: str) -> bool:
    """True when a ``labgrid://`` port names several places (``labgrid://bench-*``)."""
    return is_lab_port(port) and any(c in port for c in "*?[")


def pyserial_url(port: str) -> str:
    """The URL or path to give ``serial.serial_for_url`` for ``port``."""
    parts = urllib.parse.urlsplit(port)
    if parts.scheme == "rfc2217" and not parts.query:
        return urllib.parse.urlunsplit(parts._replace(query="ign_set_control"))
    return port


class OpenOptions(TypedDict, total=False):
    """The keyword arguments ``open_options`` may add (typed, so they can be unpacked into a call)."""

    write_timeout: float


def open_options(port: str) -> OpenOptions:
    """Extra keyword arguments pyserial accepts for this kind of port."""
    scheme = urllib.parse.urlsplit(port).scheme if "://" in port else ""
    if scheme in ("rfc2217", "socket"):
        return {}  # these handlers refuse a write timeout
    return {"write_timeout": WRITE_TIMEOUT}
