"""The module's configuration variables: factory values, the copy saved in flash, the RAM copy.

``SCFG`` changes RAM, ``WCFG`` copies RAM to flash, ``FCFG`` copies the factory values to RAM
(not to flash: ST's middleware follows ``FCFG`` with ``WCFG``), and a reset reloads RAM from
flash. Values are kept as the exact strings ``AT-S.Var:`` prints; the factory strings and the
types come from the catalog.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING

from spwf_tui.core import catalog
from spwf_tui.emulator.replies import CommandError
from spwf_tui.emulator.error_codes import ERR_INVALID, ERR_TOO_BIG, ERR_VARIABLE_NOT_FOUND

if TYPE_CHECKING:
    from spwf_tui.core.catalog import ConfigVariable


_HEX_DIGITS = re.compile(r"[0-9a-fA-F]+")


class ConfigStore:
    """Factory, flash and RAM copies of every configuration variable."""

    def __init__(self) -> None:
        self._order = [var.name for var in catalog.CONFIG_VARIABLES]
        self._factory = {var.name: var.factory for var in catalog.CONFIG_VARIABLES}
        self._flash = dict(self._factory)
        self._ram = dict(self._flash)

    def variable(self, name: str) -> ConfigVariable:
        """The catalog entry for ``name`` (case-insensitive); error 4 when unknown."""
        var = catalog.config_variable(name)
        if var is None or name != name.strip():
            raise CommandError(ERR_VARIABLE_NOT_FOUND)
        return var

    def get(self, name: str) -> str:
        """The RAM value of ``name`` (exact catalog name) as printed."""
        return self._ram[name]

    def get_int(self, name: str) -> int:
        """The RAM value of a numeric variable (decimal or 0x hex)."""
        return int(self._ram[name], 0)

    def get_bytes(self, name: str) -> bytes:
        """The RAM value of a ``bytes`` variable."""
        text = self._ram[name]
        return bytes.fromhex(text.replace(":", "")) if text else b""

    def items(self) -> list[tuple[str, str]]:
        """All (name, RAM value) pairs in the firmware's order."""
        return [(name, self._ram[name]) for name in self._order]

    def set(self, name: str, text: str) -> None:
        """Validate ``text`` for the variable's type and store it in RAM.

        Raises:
            CommandError: 4 unknown variable, 7 read-only or malformed value, 32 too long.
        """
        var = self.variable(name)
        if var.readonly:
            raise CommandError(ERR_INVALID)
        self._ram[var.name] = normalise(var, text)

    def save(self) -> None:
        """``WCFG``: RAM to flash."""
        self._flash = dict(self._ram)

    def restore_factory(self) -> None:
        """``FCFG``: factory values to RAM."""
        self._ram = dict(self._factory)

    def preload_flash(self, values: dict[str, str]) -> None:
        """A world's saved configuration: each value checked as SCFG would check it, written
        to flash and RAM.

        Raises:
            CommandError: as ``set`` for the first bad value (the caller names it).
        """
        for name, text in values.items():
            var = self.variable(name)
            if var.readonly:
                raise CommandError(ERR_INVALID)
            self._flash[var.name] = normalise(var, text)
        self._ram = dict(self._flash)

    def wipe_flash(self) -> None:
        """A factory reset at boot: flash and RAM back to the factory values."""
        self._flash = dict(self._factory)
        self._ram = dict(self._factory)

    def load_saved(self) -> None:
        """Reset: flash to RAM."""
        self._ram = dict(self._flash)


def normalise(var: ConfigVariable, text: str) -> str:
    """``text`` checked against ``var``'s type and size, in the form ``AT-S.Var`` prints.

    Raises:
        CommandError: 7 malformed or out of range, 32 longer than the variable's storage.
    """
    kind = var.type
    if kind == "u":
        return str(_parse_int(text, 0, 2 ** (8 * var.size) - 1))
    if kind == "s":
        half = 2 ** (8 * var.size - 1)
        return str(_parse_int(text, -half, half - 1))
    if kind == "hex":
        value = _parse_int(text if text.lower().startswith("0x") else f"0x{text}",
                           0, 2 ** (8 * var.size) - 1)
        return f"0x{value:0{2 * var.size}x}"
    if kind == "bytes":
        return _parse_bytes(text, var.size)
    if kind == "str":
        if len(text.encode("latin-1", "replace")) > var.size:
            raise CommandError(ERR_TOO_BIG)
        return text
    if kind == "ch":
        if len(text) != 1:
            raise CommandError(ERR_INVALID)
        return text
    if kind == "ip":
        return _parse_ip(text, var.size)
    if kind == "port":
        return _parse_ports(text, var.size)
    raise CommandError(ERR_INVALID)


def _parse_int(text: str, low: int, high: int) -> int:
    text = text.strip()
    try:
        value = int(text, 16) if text.lower().startswith("0x") else int(text, 10)
    except ValueError:
        raise CommandError(ERR_INVALID) from None
    if not low <= value <= high:
        raise CommandError(ERR_INVALID)
    return value


def _parse_bytes(text: str, size: int) -> str:
    """``aa:bb:cc`` or ``aabbcc`` -> ``aa:bb:cc``; up to ``size`` bytes."""
    digits = text.replace(":", "")
    if digits and (not _HEX_DIGITS.fullmatch(digits) or len(digits) % 2):
        raise CommandError(ERR_INVALID)
    if ":" in text and any(len(part) != 2 for part in text.split(":")):
        raise CommandError(ERR_INVALID)
    data = bytes.fromhex(digits)
    if len(data) > size:
        raise CommandError(ERR_TOO_BIG)
    return ":".join(f"{byte:02x}" for byte in data)


def _parse_ip(text: str, size: int) -> str:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        raise CommandError(ERR_INVALID) from None
    if address.version == 6 and size < 16:
        raise CommandError(ERR_INVALID)
    return str(address)


def _parse_ports(text: str, size: int) -> str:
    """A space-separated list of port numbers, two bytes each."""
    parts = text.split()
    if len(parts) > max(1, size // 2):
        raise CommandError(ERR_TOO_BIG)
    return " ".join(str(_parse_int(part, 0, 65535)) for part in parts)
