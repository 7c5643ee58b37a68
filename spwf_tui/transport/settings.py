"""Serial settings and their validation (shared by the CLI, the config file and the session)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BAUD = 115200
"""The module's factory ``console_speed``."""
MAX_BAUD = 12_000_000
PARITIES = {"N": "none", "E": "even", "O": "odd", "M": "mark", "S": "space"}
"""Parity letters (pyserial's) and the words a user may type for them."""


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


BYTESIZES = (5, 6, 7, 8)
STOPBITS = (1, 1.5, 2)
SETTING_NAMES = ("baud", "bytesize", "parity", "stopbits", "rtscts", "xonxoff")
"""What ``:port NAME=VALUE`` (REPL), ``port NAME=VALUE`` (scripts) and the TUI's dialog change."""
_FIELDS = {"baud": "baudrate"}
_ON = {"on", "1", "true", "yes"}
_OFF = {"off", "0", "false", "no"}


def parse_bytesize(text: str | int) -> int:
    """Data bits, 5 to 8. Raises ``SettingsError``."""
    value = str(text).strip()
    if value not in {str(size) for size in BYTESIZES}:
        raise SettingsError(f"data bits {value!r}: give 5, 6, 7 or 8 (the module uses 8)")
    return int(value)


def parse_parity(text: str) -> str:
    """``N``, ``E``, ``O``, ``M`` or ``S`` (or the word: none, even...). Raises ``SettingsError``."""
    value = str(text).strip()
    for letter, word in PARITIES.items():
        if value.upper() == letter or value.lower() == word:
            return letter
    raise SettingsError(f"parity {value!r}: give N, E, O, M or S (none, even, odd, mark, space; the module uses N)")


def parse_stopbits(text: str | float) -> float:
    """1, 1.5 or 2. Raises ``SettingsError``."""
    value = str(text).strip()
    if value not in {"1", "1.5", "2"}:
        raise SettingsError(f"stop bits {value!r}: give 1, 1.5 or 2 (the module uses 1)")
    return float(value) if value == "1.5" else int(value)


def parse_switch(name: str, text: str) -> bool:
    """``on``/``off`` (1/0, true/false, yes/no). Raises ``SettingsError``."""
    value = text.strip().lower()
    if value in _ON:
        return True
    if value in _OFF:
        return False
    raise SettingsError(f"{name}={text}: give on or off")


def parse_changes(text: str) -> dict[str, object]:
    """``baud=921600 parity=E`` as ``PortSettings`` field changes (``{"baudrate": 921600, ...}``).

    Raises:
        SettingsError: an unknown name, a word without ``=``, a bad value, or nothing at all.
    """
    changes: dict[str, object] = {}
    words = text.replace(",", " ").split()
    if not words:
        raise SettingsError(f"no setting given: write NAME=VALUE with NAME one of {', '.join(SETTING_NAMES)} "
                            "(e.g. baud=921600 parity=E)")
    for word in words:
        name, equals, value = word.partition("=")
        name = name.strip().lower()
        if not equals or name not in SETTING_NAMES:
            raise SettingsError(f"{word!r}: write NAME=VALUE with NAME one of {', '.join(SETTING_NAMES)} "
                                "(e.g. baud=921600 parity=E)")
        if name == "baud":
            parsed: object = parse_baud(value)
        elif name == "bytesize":
            parsed = parse_bytesize(value)
        elif name == "parity":
            parsed = parse_parity(value)
        elif name == "stopbits":
            parsed = parse_stopbits(value)
        else:
            parsed = parse_switch(name, value)
        changes[_FIELDS.get(name, name)] = parsed
    return changes


def as_changes(settings: PortSettings) -> str:
    """``settings`` in the ``NAME=VALUE`` form ``parse_changes`` reads (the TUI dialog's start)."""
    stop = int(settings.stopbits) if float(settings.stopbits).is_integer() else settings.stopbits
    return (f"baud={settings.baudrate} bytesize={settings.bytesize} parity={settings.parity} stopbits={stop} "
            f"rtscts={'on' if settings.rtscts else 'off'} xonxoff={'on' if settings.xonxoff else 'off'}")
