"""Turn pyserial's open failures into one line that says what is wrong and what to do."""

from __future__ import annotations

import errno
import os
import re



class PortError(Exception):
    """The port cannot be opened or used; ``str()`` is the one-line message for the user."""


class PortWriteError(PortError):
    """A write did not complete; ``sent`` bytes of it left before the failure."""

    def __init__(self, message: str, sent: int) -> None:
        super().__init__(message)
        self.sent = sent


def describe_open_failure(port: str, exc: Exception) -> PortError:
    """A ``PortError`` for ``exc`` raised while opening ``port``."""
    code = getattr(exc, "errno", None)
    message = str(exc)
    if code == errno.ENOENT or "No such file" in message:
        return PortError(f"no such port: {port}. {_available_ports_hint()}")
    if code == errno.EACCES or "Permission denied" in message:
        group = _device_group(port)
        join = f"join the '{group}' group" if group else "join the group that owns it"
        return PortError(
            f"permission denied on {port}: {join} (sudo usermod -aG {group or '<group>'} $USER, "
            "then log in again)"
        )
    if code == errno.EBUSY or "exclusively lock" in message or "busy" in message.lower():
        return PortError(f"port busy: another program has {port} open (find it with: fuser {port})")
    if isinstance(exc, ValueError) and "protocol" in message and "not known" in message:
        scheme = port.split("://", 1)[0]
        return PortError(
            f"unknown port URL scheme {scheme!r}: use a device path, sim://, rfc2217://HOST:PORT, "
            "socket://HOST:PORT or loop://"
        )
    if isinstance(exc, ValueError):
        return PortError(f"cannot open {port}: {message}")
    scheme, _, rest = port.partition("://")
    if scheme in ("socket", "rfc2217") and not re.match(r"[^/?]*:\d+(?:[/?]|$)", rest):
        return PortError(f"cannot open {port}: the URL needs a host and a port ({scheme}://HOST:PORT)")
    # pyserial's URL handlers say "Could not open port <url>: <reason>": the user knows the port.
    reason = _strip_errno(re.sub(r"^could not open port .*?: (?=\[Errno|\w)", "", message, flags=re.IGNORECASE))
    if code == errno.ECONNREFUSED or "Connection refused" in message:
        return PortError(f"cannot open {port}: connection refused: nothing listens there "
                         "(is ser2net, or spwf-tui sim --tcp, running at that address?)")
    return PortError(f"cannot open {port}: {reason}")


def _available_ports_hint() -> str:
    from spwf_tui.transport.ports import detected_ports

    found = [p.device for p in detected_ports()]
    listed = ", ".join(found) if found else "no serial ports detected"
    return f"Ports found: {listed}; sim:// is the emulated module (spwf-tui ports lists them)."


def _device_group(port: str) -> str | None:
    try:
        import grp  # POSIX only: Windows has no device groups (docs/architecture.md §10)
    except ImportError:
        return None
    try:
        return grp.getgrgid(os.stat(port).st_gid).gr_name
    except (OSError, KeyError):
        return None


def _strip_errno(message: str) -> str:
    # pyserial repeats "[Errno N]" prefixes; users need the words.
    while message.startswith("[Errno"):
        message = message.partition("] ")[2] or message
        if not message.startswith("[Errno"):
            break
    return message
