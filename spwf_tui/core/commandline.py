"""Split an AT command line into its command and parameters.

``AT+S.SOCKON=host,443,,s`` → name ``SOCKON``, params ``["host", "443", "", "s"]``. Used by the
payload encoder, the completer, the explainer and the emulator, so every part of the tool reads a
command line the same way.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from spwf_tui.core import catalog
from spwf_tui.core.catalog import Command
from spwf_tui.core.catalog.schema import DATA_PHASE_CEILING
from spwf_tui.core.digits import ascii_int

DELIMITER = ","
"""The module's factory ``console_delimiter``."""


@dataclass(frozen=True, slots=True)
class CommandLine:
    """A parsed command line."""

    text: str
    """The line as typed, without CR."""
    name: str
    """Upper-case command name: ``SOCKON``, ``AT`` (null command), ``AT&V``; empty if not AT."""
    params: tuple[str, ...]
    has_equals: bool
    """True when the line has ``=`` after the name (``AT+S.GCFG=`` with no value counts)."""

    @property
    def command(self) -> Command | None:
        """The catalog entry, or None for an unknown command."""
        return catalog.command(self.name) if self.name else None

    @property
    def params_text(self) -> str:
        """Everything after the ``=``."""
        return self.text.partition("=")[2]


@functools.lru_cache(maxsize=1024)
def parse(line: str, delimiter: str = DELIMITER) -> CommandLine:
    """Parse ``line``; never raises (a non-AT line gets an empty name).

    Cached: the RX path parses every echo the module sends back (the same few lines again and
    again), and a ``CommandLine`` is an immutable value."""
    text = line.rstrip("\r\n")
    head, equals, tail = text.partition("=")
    head_upper = head.strip().upper()
    if head_upper.startswith("AT+S."):
        name = head_upper[5:]
    elif head_upper.startswith("AT"):
        name = head_upper
    else:
        name = ""
    params = tuple(tail.split(delimiter)) if equals else ()
    return CommandLine(text, name, params, bool(equals))


def data_phase_length(line: str) -> int | None:
    """The announced payload length when ``line`` starts a data phase, else None.

    ``AT+S.TLSCERT=ca,1426`` → 1426; ``AT+S.TLSCERT=content,1`` → None; ``AT+S.INPUTSSI=0`` → None.
    """
    parsed = parse(line)
    cmd = parsed.command
    if cmd is None or not has_data_phase(cmd, parsed.params) or not parsed.params:
        return None
    return ascii_int(parsed.params[-1].strip())  # echoes come from the module: ASCII, bounded


def has_data_phase(cmd: Command, params: tuple[str, ...]) -> bool:
    """Whether ``cmd`` with these parameters is followed by raw payload bytes."""
    if not cmd.data_phase:
        return False
    if cmd.no_data_when_first and params and params[0].strip().lower() in cmd.no_data_when_first:
        return False
    if cmd.no_data_when_len_zero and params and params[-1].strip() == "0":
        return False
    return True


def payload_limit(cmd: Command, params: tuple[str, ...]) -> tuple[int, str]:
    """The most ``cmd`` with these parameters takes in its data phase, and what it is sent as.

    ``(2560, "AT+S.TLSCERT=key")`` for a key; ``(DATA_PHASE_CEILING, "AT+S.FSC")`` where the
    catalog states no limit (docs/protocol.md §2.8).
    """
    first = params[0].strip().lower() if params else ""
    for name, limit in cmd.payload_limits:
        if name == first:
            return limit, f"{cmd.full_name}={name}"
    return DATA_PHASE_CEILING, cmd.full_name
