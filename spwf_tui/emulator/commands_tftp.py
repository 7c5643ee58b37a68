"""TFTPGET and TFTPPUT against a real TFTP server on the host's network (docs/protocol.md §7.4).

The firmware's answer lines for these commands are not known; the emulator prints none. A file
fetched goes to the RAM disk (``<LocalFile>``, else the remote name), then ``AT-S.OK`` and
``+WIND:90:File Received``; a file sent comes from the RAM disk. Any transfer failure (server
error, silence) answers 111, a file the RAM disk cannot hold 91.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spwf_tui.emulator import tftp
from spwf_tui.emulator.commands_http import store_file
from spwf_tui.emulator.commands_wifi import resolve
from spwf_tui.emulator.dispatch import Call, Handler, parse_uint
from spwf_tui.emulator.error_codes import ERR_INVALID, ERR_IP_NOT_READY, ERR_LOW_MEMORY, ERR_REQUEST_FAILED
from spwf_tui.emulator.filesystem import canonical_name
from spwf_tui.emulator.replies import CommandError, Reply

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule

WIND_FILE_RECEIVED = 90


def _server(module: EmulatedModule, call: Call) -> tuple[str, int]:
    port = parse_uint(call.arg(1), maximum=65535)
    if port == 0:
        raise CommandError(ERR_INVALID)
    if not module.radio.ip_up:
        raise CommandError(ERR_IP_NOT_READY)
    return resolve(call.arg(0)), port


def _tftpget(module: EmulatedModule, call: Call, reply: Reply) -> None:
    remote = call.arg(2)
    local = canonical_name(call.arg(3) or remote)
    address, port = _server(module, call)
    capacity = module.config.get_int("ramdisk_memsize") * 1024
    room = capacity - module.disk.used()
    if local in module.disk.names():
        room += module.disk.size(local)  # the file is replaced
    try:
        content = tftp.get(address, port, remote, max(room, 0))
    except tftp.TftpError as exc:
        raise CommandError(ERR_LOW_MEMORY if exc.too_big else ERR_REQUEST_FAILED) from None
    store_file(module, local, content)
    module.post_wind(WIND_FILE_RECEIVED)


def _tftpput(module: EmulatedModule, call: Call, reply: Reply) -> None:
    name = call.arg(2)
    content = module.disk.read(name, None, None)  # missing -> 51, before anything is sent
    address, port = _server(module, call)
    try:
        tftp.put(address, port, name, content)
    except tftp.TftpError:
        raise CommandError(ERR_REQUEST_FAILED) from None


HANDLERS: dict[str, Handler] = {
    "TFTPGET": Handler(run=_tftpget, deferred=True),
    "TFTPPUT": Handler(run=_tftpput, deferred=True),
}
