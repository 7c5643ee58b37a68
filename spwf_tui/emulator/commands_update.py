"""FWUPDATE: a firmware image downloaded over HTTP (the HTTP client's lines), then the reboot
into the new firmware (docs/protocol.md §7.3).

The emulator cannot run a real image; it recognises which of the two known firmware releases
an image is by the build tag its string pool carries (``<yymmdd>-<hash>-SPWF04S``, the text of
``+WIND:1:Poweron``). An image with no known tag is refused as not emulated (120) after the
download, and nothing changes. FSUPDATE stays refused: the file-system image format is not known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spwf_tui.emulator.commands_http import fetch
from spwf_tui.emulator.dispatch import Call, Handler
from spwf_tui.emulator.error_codes import ERR_INVALID, ERR_NOT_EMULATED
from spwf_tui.emulator.replies import CommandError, Reply
from spwf_tui.emulator.world import FIRMWARE_BUILDS

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule

_SOURCE = "e"
"""The only first field the firmware's syntax gives (``FWUPDATE=e,...``)."""


def image_version(image: bytes) -> str | None:
    """The firmware version whose build tag the image carries, or None. When an image carried
    several known tags (it never should), the newest release wins."""
    for version, build in sorted(FIRMWARE_BUILDS.items(), reverse=True):
        if f"{build}-SPWF04S".encode() in image:
            return version
    return None


def _fwupdate(module: EmulatedModule, call: Call, reply: Reply) -> None:
    if call.arg(0) != _SOURCE:
        raise CommandError(ERR_INVALID)
    image = fetch(module, reply, call.args[1:7])
    version = image_version(image)
    if version is None:
        raise CommandError(ERR_NOT_EMULATED)
    module.install_firmware(version)


HANDLERS: dict[str, Handler] = {
    "FWUPDATE": Handler(run=_fwupdate, deferred=True),
}
