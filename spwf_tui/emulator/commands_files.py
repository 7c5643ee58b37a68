"""File-system commands on the RAM disk: FSC, FSL, FSP, FSD, FSR, HASH."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spwf_tui.emulator.dispatch import Call, Handler, parse_uint
from spwf_tui.emulator.error_codes import ERR_INVALID
from spwf_tui.emulator.filesystem import HASH_ALGORITHMS, canonical_name
from spwf_tui.emulator.replies import CommandError, Reply

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule

FILE_LABEL_VOLUME = "R"
"""First field of an ``AT-S.File`` line: the volume letter (R = RAM disk)."""


def _capacity(module: EmulatedModule) -> int:
    return module.config.get_int("ramdisk_memsize") * 1024


def _fsc_length(module: EmulatedModule, call: Call) -> int:
    """Header check of ``FSC=<name>,<len>``: the data must fit on the RAM disk (else 91)."""
    length = parse_uint(call.arg(1))
    module.disk.check_append(call.arg(0), length, _capacity(module))
    return length


def _fsc(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """Create the file or append to it (a second FSC on the same name appends)."""
    module.disk.append(call.arg(0), call.payload)


def _fsl(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``File:R<TAB><size><TAB><name>`` per file, then ``Free RAM Disk:<bytes>``."""
    names = [canonical_name(call.arg(0))] if call.arg(0) else module.disk.names()
    for name in names:
        reply.line("File", f"{FILE_LABEL_VOLUME}\t{module.disk.size(name)}\t{name}")
    reply.line("Free RAM Disk", max(0, _capacity(module) - module.disk.used()))


def _fsp(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """The raw bytes, then the final line with no CR LF before it."""
    offset = parse_uint(call.arg(1)) if call.arg(1) else None
    length = parse_uint(call.arg(2)) if call.arg(2) else None
    reply.raw(module.disk.read(call.arg(0), offset, length))


def _fsd(module: EmulatedModule, call: Call, reply: Reply) -> None:
    module.disk.delete(call.arg(0))


def _fsr(module: EmulatedModule, call: Call, reply: Reply) -> None:
    module.disk.rename(call.arg(0), call.arg(1))


def _hash(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``Hash:<lower-case hex digest>``."""
    algorithm = parse_uint(call.arg(0))
    if algorithm not in HASH_ALGORITHMS:
        raise CommandError(ERR_INVALID)
    reply.line("Hash", module.disk.digest(algorithm, call.arg(1)))


HANDLERS: dict[str, Handler] = {
    "FSC": Handler(run=_fsc, payload_length=_fsc_length),
    "FSL": Handler(run=_fsl),
    "FSP": Handler(run=_fsp),
    "FSD": Handler(run=_fsd),
    "FSR": Handler(run=_fsr),
    "HASH": Handler(run=_hash),
}
