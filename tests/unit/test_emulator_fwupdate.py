"""FWUPDATE of the emulated module against Python's http.server: which release an image is, the
reboot into it, and the refusals that change nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from spwf_tui.emulator.commands_update import image_version

from tests.support.http_peer import http_server, pages_handler

from .conftest import BOOT_DONE
from .conftest import ask as request
from .conftest import until_final as send

OLD_IMAGE = b"\x7fFOTA" + bytes(range(256)) * 8 + b"170216-fd39c59-SPWF04S\x00" + bytes(500)


@pytest.fixture
def web() -> Iterator[int]:
    with http_server(pages_handler({"/old.fota": OLD_IMAGE, "/junk.fota": b"no tag here" * 100})) as port:
        yield port


@pytest.mark.parametrize(("image", "version"), [
    (b"..171117-0328fe3-SPWF04S..", "1.1.0"),
    (OLD_IMAGE, "1.0.0"),
    (b"171117-0328fe3", None),             # the tag without its -SPWF04S is not the banner text
    (b"999999-abcdef0-SPWF04S", None),     # a build the emulator knows nothing about
    (b"", None),
])
def test_the_release_is_the_build_tag_the_image_carries(image, version):
    assert image_version(image) == version


def test_fwupdate_reboots_into_the_downloaded_release(module, wire, web):
    wire.take()
    module.receive(f"AT+S.FWUPDATE=e,127.0.0.1,/old.fota,{web},0,,\r".encode())
    out = wire.wait_for(BOOT_DONE, timeout=20)  # the answer, then the whole reboot
    answer, _, boot = out.partition(b"AT-S.OK\r\n")
    assert answer.endswith(b"AT-S.Http Server Status Code:200\r\n")
    assert OLD_IMAGE[:40] not in answer  # the image is not printed
    boot = boot.decode()
    assert boot.startswith("+WIND:1:Poweron:170216-fd39c59-SPWF04S\r\n+WIND:13:")
    assert "+WIND:73:System Configuration Updated\r\n+WIND:0:Console active" in boot
    out = send(module, wire, b"AT+S.STS=fw_version\r")
    assert b"AT-S.Var:fw_version=1.0.0\r\n" in out


def test_an_unknown_image_or_a_bad_source_changes_nothing(module, wire, web):
    out = request(module, wire, f"AT+S.FWUPDATE=e,127.0.0.1,/junk.fota,{web},0,,")
    assert out.endswith(b"AT-S.Http Server Status Code:200\r\nAT-S.ERROR:120:Not emulated\r\n")
    out = request(module, wire, f"AT+S.FWUPDATE=e,127.0.0.1,/gone.fota,{web},0,,")
    assert out.endswith(b"AT-S.Http Server Error:404\r\nAT-S.ERROR:111:Request failed\r\n")
    out = request(module, wire, f"AT+S.FWUPDATE=i,127.0.0.1,/old.fota,{web},0,,")
    assert out.endswith(b"AT-S.ERROR:7:Invalid argument(s)\r\n")
    assert b"+WIND:1:" not in wire.take()
    assert b"fw_version=1.1.0" in send(module, wire, b"AT+S.STS=fw_version\r")
