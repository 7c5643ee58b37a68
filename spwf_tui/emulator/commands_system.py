"""System commands: AT, HELP, STS, GCFG, SCFG, WCFG, FCFG, RESET, TIME, RANDOM, NTP, AT&V/W/F."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from spwf_tui.core import catalog
from spwf_tui.emulator import status
from spwf_tui.emulator.dispatch import Call, Handler, parse_uint
from spwf_tui.emulator.error_codes import ERR_IP_NOT_READY, ERR_MISSING, ERR_VARIABLE_NOT_FOUND
from spwf_tui.emulator.replies import CommandError, Reply

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule


def _null(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``AT``: nothing to do but answer OK."""


def _help(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """One ``AT-S.Command:<syntax> -- <summary>`` line per listed command (name filter)."""
    keyword = call.arg(0).upper()
    for command in catalog.COMMANDS:
        if command.hidden or keyword not in command.name.upper():
            continue
        reply.line("Command", f"{command.syntax} -- {command.summary}")


def _sts(module: EmulatedModule, call: Call, reply: Reply) -> None:
    name = call.arg(0)
    only = None
    if name:
        var = catalog.status_variable(name)
        if var is None or name != name.strip():
            raise CommandError(ERR_VARIABLE_NOT_FOUND)
        only = var.name
    for var_name, value in status.values(module, only):
        reply.line("Var", f"{var_name}={value}")


def _gcfg(module: EmulatedModule, call: Call, reply: Reply) -> None:
    name = call.arg(0)
    if name:
        var = module.config.variable(name)
        reply.line("Var", f"{var.name}={module.config.get(var.name)}")
        return
    for var_name, value in module.config.items():
        reply.line("Var", f"{var_name}={value}")


def _scfg(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``SCFG=<key>,<value>``: the value is everything after the first delimiter, so text
    values (passphrases, host names) may contain the delimiter."""
    delimiter = module.config.get("console_delimiter")
    key, sep, value = (call.rest or "").partition(delimiter)
    if not key or not sep:
        raise CommandError(ERR_MISSING)
    module.config.set(key, value)


def _wcfg(module: EmulatedModule, call: Call, reply: Reply) -> None:
    module.config.save()


def _fcfg(module: EmulatedModule, call: Call, reply: Reply) -> None:
    module.config.restore_factory()


def _reset(module: EmulatedModule, call: Call, reply: Reply) -> None:
    module.power_cycle()


def _time(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """Set with ``=<epoch>``; read as ``Date:YY.MM.DD:00`` and ``Time:hh.mm.ss`` (UTC)."""
    if call.arg(0):
        module.clock.set(parse_uint(call.arg(0), maximum=0xFFFFFFFF))
        return
    now = module.clock.datetime()
    reply.line("Date", f"{now.year % 100:02d}.{now.month:02d}.{now.day:02d}", "00")
    reply.line("Time", f"{now.hour:02d}.{now.minute:02d}.{now.second:02d}")


def _random(module: EmulatedModule, call: Call, reply: Reply) -> None:
    reply.line("Number", random.getrandbits(32))


def _ntp(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """Hidden ``NTP``: the emulated NTP server is the host's clock; WIND 84 follows."""
    if not module.radio.ip_up:
        raise CommandError(ERR_IP_NOT_READY)
    module.clock.sync_to_host()
    module.post_wind(84)


HANDLERS: dict[str, Handler] = {
    "AT": Handler(run=_null),
    "HELP": Handler(run=_help),
    "STS": Handler(run=_sts),
    "GCFG": Handler(run=_gcfg),
    "AT&V": Handler(run=_gcfg),
    "SCFG": Handler(run=_scfg, own_arg_check=True),
    "WCFG": Handler(run=_wcfg),
    "AT&W": Handler(run=_wcfg),
    "FCFG": Handler(run=_fcfg),
    "AT&F": Handler(run=_fcfg),
    "RESET": Handler(run=_reset),
    "TIME": Handler(run=_time),
    "RANDOM": Handler(run=_random),
    "NTP": Handler(run=_ntp),
}
