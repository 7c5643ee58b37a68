"""Serial settings and their validation (shared by the CLI, the config file and the session)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BAUD = 115200
"""The module's factory ``console_speed``."""
MAX_BAUD = 12_000_000


class SettingsError(ValueError):
    """A serial setting the user gave is not usable; the message says which and why."""


@dataclass(frozen=True)
class PortSettings:
    """Where and how to open the module's UART. Factory defaults: 115200 8N1, no flow control."""

    port: str
    baudrate: int = DEFAULT_BAUD
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1
    rtscts: bool = False
    xonxoff: bool = False
    coordinator: str | None = None
    """The labgrid coordinator (HOST:PORT) for a ``labgrid://`` port; None: ``LG_COORDINATOR``."""

    def describe(self) -> str:
        """``115200 8N1`` plus the flow control, as shown in headers and recordings."""
        stop = int(self.stopbits) if float(self.stopbits).is_integer() else self.stopbits
        flow = " RTS/CTS" if self.rtscts else ""
        flow += " XON/XOFF" if self.xonxoff else ""
        return f"{self.baudrate} {self.bytesize}{self.parity}{stop}{flow}"


def parse_baud(text: str | int) -> int:
    """A baud rate from user input.

    Raises:
        SettingsError: not a whole number between 1 and 12000000.
    """
    try:
        value = int(str(text).strip())
    except ValueError:
        raise SettingsError(f"baud rate {text!r} is not a number (e.g. -b 115200)") from None
    if not 0 < value <= MAX_BAUD:
        raise SettingsError(f"baud rate {value} is out of range (1..{MAX_BAUD}; the module's factory rate is 115200)")
    return value
