"""The SPWF04 console written down once: commands, variables, error codes and WINDs.

Callers use the lookup functions below; the tables themselves live in the sibling modules as
plain data (see ``schema``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from spwf_tui.core.catalog.commands import COMMANDS
from spwf_tui.core.catalog.errors import ERRORS
from spwf_tui.core.catalog.schema import (
    Command,
    ConfigVariable,
    ErrorCode,
    Parameter,
    StatusVariable,
    Wind,
)
from spwf_tui.core.catalog.variables import CONFIG_VARIABLES, STATUS_VARIABLES
from spwf_tui.core.catalog.winds import WINDS

__all__ = [
    "COMMANDS", "CONFIG_VARIABLES", "ERRORS", "STATUS_VARIABLES", "WINDS",
    "Command", "ConfigVariable", "ErrorCode", "Parameter", "StatusVariable", "Wind",
    "command", "config_variable", "error", "status_variable", "wind",
]


@lru_cache(maxsize=1)
def _commands_by_name() -> dict[str, Command]:
    table: dict[str, Command] = {}
    for cmd in COMMANDS:
        table[cmd.name.upper()] = cmd
        table[cmd.full_name.upper()] = cmd
    return table


def command(name: str) -> Command | None:
    """The command called ``name`` (``SOCKON``, ``AT+S.SOCKON``, ``at+s.sockon``), or None."""
    return _commands_by_name().get(name.strip().upper())


def config_variable(name: str) -> ConfigVariable | None:
    """The configuration variable ``name`` (exact, case-insensitive), or None."""
    return _by_name(CONFIG_VARIABLES).get(name.strip().lower())


def status_variable(name: str) -> StatusVariable | None:
    """The status variable ``name`` (case-insensitive), or None."""
    return _by_name(STATUS_VARIABLES).get(name.strip().lower())


def error(code: int) -> ErrorCode | None:
    """The ``AT-S.ERROR`` entry for ``code``, or None when the number is not known."""
    return _errors_by_code().get(code)


def wind(number: int) -> Wind | None:
    """The ``+WIND`` entry for ``number``, or None when the number is not known."""
    return _winds_by_number().get(number)


@lru_cache(maxsize=None)
def _by_name(table: tuple[Any, ...]) -> dict[str, Any]:
    return {entry.name.lower(): entry for entry in table}


@lru_cache(maxsize=1)
def _errors_by_code() -> dict[int, ErrorCode]:
    return {entry.code: entry for entry in ERRORS}


@lru_cache(maxsize=1)
def _winds_by_number() -> dict[int, Wind]:
    return {entry.number: entry for entry in WINDS}
