"""From a typed line to a command call: parsing, argument counts, and the handler registry.

The command table is the catalog's (``spwf_tui.core.catalog``); a handler module registers the
commands the emulator really emulates, and every other catalog command gets the not-emulated
handler: argument count checked, data phase consumed (so payload bytes are never run as
commands), then ``AT-S.ERROR:120:Not emulated``. Nothing is ever answered OK without being done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, TypeVar

from spwf_tui.core import catalog, commandline
from spwf_tui.emulator.replies import CommandError, Reply
from spwf_tui.emulator.error_codes import (
    ERR_ILLEGAL_ID,
    ERR_INVALID,
    ERR_MISSING,
    ERR_NOT_EMULATED,
    ERR_NOT_FOUND,
    ERR_TOO_MANY,
)

if TYPE_CHECKING:
    from spwf_tui.core.catalog import Command
    from spwf_tui.emulator.module import EmulatedModule


_PREFIX = "AT+S."


@dataclass
class Call:
    """One parsed command line."""

    command: Command
    """The catalog entry."""
    typed: str
    """The line as typed (latin-1 decoded), for handlers that need the raw text."""
    rest: str | None
    """Everything after the first ``=``; None when the line has no ``=``."""
    args: list[str] = field(default_factory=list)
    """``rest`` split on ``console_delimiter``; an empty ``rest`` gives no arguments."""
    payload: bytes = b""
    """The data-phase bytes, once collected."""

    @property
    def name(self) -> str:
        """Upper-case catalog name (``SOCKON``, ``AT``, ``AT&V``)."""
        return self.command.name.upper()

    def arg(self, index: int) -> str:
        """Argument ``index`` or ``""`` when absent."""
        return self.args[index] if index < len(self.args) else ""


RunFn = Callable[["EmulatedModule", Call, Reply], None]
LengthFn = Callable[["EmulatedModule", Call], int]


@dataclass(frozen=True)
class Handler:
    """How the emulator executes one command."""

    run: RunFn
    payload_length: LengthFn | None = None
    """For data-phase commands: validates the header and returns how many bytes follow (0 for
    none). Raising ``CommandError`` here leaves the following bytes to the command parser."""
    deferred: bool = False
    """Runs on a worker thread (it waits for the host's network); input is held meanwhile."""
    own_arg_check: bool = False
    """The handler checks its arguments itself (values that may contain the delimiter)."""


def parse_line(text: str, delimiter: str) -> Call:
    """Parse ``AT``, ``AT&V`` or ``AT+S.NAME[=args]`` (case-insensitive) into a call.

    The split into name and fields is the tool's own (``core.commandline``), so the emulator
    reads a line exactly as the completer and the payload encoder do.

    Raises:
        CommandError: 1 when the line is not a known command.
    """
    parsed = commandline.parse(text, delimiter)
    command = parsed.command
    if command is None:
        raise CommandError(ERR_NOT_FOUND)
    legacy = command.name.upper().startswith("AT")
    if legacy == text.strip().upper().startswith(_PREFIX):
        # ``AT+S.AT`` or ``AT+S.AT&V`` are not commands, and ``AT`` alone is not ``AT+S.``.
        raise CommandError(ERR_NOT_FOUND)
    rest = parsed.params_text if parsed.has_equals else None
    # An empty field list after ``=`` (``AT+S.STS=``) counts as no arguments.
    args = [] if parsed.params == ("",) else list(parsed.params)
    return Call(command=command, typed=text, rest=rest, args=args)


def check_arg_count(call: Call) -> None:
    """Too many fields -> 6; a required field absent or empty -> 2."""
    params = call.command.params
    if len(call.args) > len(params):
        raise CommandError(ERR_TOO_MANY)
    for index, param in enumerate(params):
        if not param.optional and call.arg(index) == "":
            raise CommandError(ERR_MISSING)


def parse_uint(text: str, *, maximum: int | None = None) -> int:
    """A decimal unsigned integer, else error 7."""
    text = text.strip()
    if not text.isdigit() or not text.isascii():
        raise CommandError(ERR_INVALID)
    value = int(text)
    if maximum is not None and value > maximum:
        raise CommandError(ERR_INVALID)
    return value


_Found = TypeVar("_Found")


def find_by_id(text: str, maximum: int, lookup: Callable[[int], _Found | None]) -> _Found:
    """What ``lookup`` finds for the id ``text`` (a decimal from 0 to ``maximum``): a socket, a
    server, a client, a connection. A malformed, out-of-range or unknown id is error 76 (Illegal
    Socket ID), as the module answers for all of them."""
    try:
        found_id = parse_uint(text, maximum=maximum)
    except CommandError:
        raise CommandError(ERR_ILLEGAL_ID) from None
    found = lookup(found_id)
    if found is None:
        raise CommandError(ERR_ILLEGAL_ID)
    return found


def _generic_run(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """Commands the emulator does not emulate: refused with 120 after the usual checks."""
    raise CommandError(ERR_NOT_EMULATED)


def _generic_length(module: EmulatedModule, call: Call) -> int:
    command = call.command
    if not commandline.has_data_phase(command, tuple(call.args)):
        return 0
    return parse_uint(call.args[-1]) if call.args else 0


GENERIC = Handler(run=_generic_run, payload_length=_generic_length)
"""Used for every catalog command that has no handler of its own."""


def build_registry() -> dict[str, Handler]:
    """All emulated commands, by upper-case catalog name."""
    # Imported here: the handler modules import this module for Call/Handler.
    from spwf_tui.emulator import (
        commands_files,
        commands_gpio,
        commands_http,
        commands_mqtt,
        commands_server,
        commands_sockets,
        commands_system,
        commands_tftp,
        commands_tls,
        commands_update,
        commands_wifi,
        commands_wsock,
    )

    registry: dict[str, Handler] = {}
    for group in (commands_system, commands_wifi, commands_files, commands_tls,
                  commands_sockets, commands_http, commands_server, commands_gpio,
                  commands_wsock, commands_mqtt, commands_update, commands_tftp):
        registry.update(group.HANDLERS)
    unknown = [name for name in registry if catalog.command(name) is None]
    if unknown:
        raise RuntimeError(f"emulator handlers for commands missing from the catalog: {unknown}")
    return registry
