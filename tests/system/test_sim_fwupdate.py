"""FWUPDATE of ``spwf-tui sim --pty`` against a real local HTTP server (Python's http.server):
the download, the reboot into the release the image carries, the new build in the boot banner
and in STS; an image it cannot identify and an HTTP error change nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.http_peer import http_server, pages_handler
from tests.system.test_sim_world import LAB_WORLD, World

OLD_WORLD = LAB_WORLD.replace('model = "SPWF04SC"', 'model = "SPWF04SC"\nfirmware = "1.0.0"')
# A stand-in image: random bytes around the build tag a real image's string pool carries.
IMAGES = {
    "/fw/SPWF04S-171117-0328fe3-Release.fota":
        os.urandom(3000) + b"\x00171117-0328fe3-SPWF04S\x00" + os.urandom(3000),
    "/fw/unknown.fota": os.urandom(4096).replace(b"SPWF04S", b"xxxxxxx"),
}


_Images = pages_handler(IMAGES)


@pytest.fixture
def server() -> Iterator[int]:
    _Images.requested = []
    with http_server(_Images) as port:
        yield port


@pytest.fixture
def old_module(tmp_path: Path) -> Iterator[World]:
    world = World(tmp_path, OLD_WORLD)
    try:  # stopped also when the boot fails (the emulator process would outlive the test)
        assert world.restart().group(1) == b"170216-fd39c59-SPWF04S"  # the old release boots
        world.host.recv(rb"\+WIND:24:WiFi Up:0:192\.168\.1\.50", timeout=20)
        yield world
    finally:
        world.stop()


def fw_version(world: World) -> bytes:
    world.host.send("AT+S.STS=fw_version")
    version = world.host.recv(rb"AT-S\.Var:fw_version=(.*)").group(1)
    world.host.recv_ok()
    return version


def test_fwupdate_downloads_reboots_and_runs_the_new_release(old_module, server):
    host = old_module.host
    assert fw_version(old_module) == b"1.0.0"
    path = "/fw/SPWF04S-171117-0328fe3-Release.fota"
    host.send(f"AT+S.FWUPDATE=e,127.0.0.1,{path},{server},0,,")
    host.recv(rb"AT-S\.Http Server Status Code:200", timeout=20)
    host.recv_ok()
    assert _Images.requested == [path]
    start = len(host.seen)
    host.recv(rb"\+WIND:1:Poweron:171117-0328fe3-SPWF04S", timeout=20)
    host.recv(rb"\+WIND:0:Console active", timeout=20)
    boot = host.seen[start:]
    assert b"+WIND:73:System Configuration Updated" in boot, boot
    host.recv(rb"\+WIND:24:WiFi Up:0:192\.168\.1\.50", timeout=20)  # saved config kept
    assert fw_version(old_module) == b"1.1.0"
    host.send("AT+S.STS=build")
    host.recv(rb"AT-S\.Var:build=171117-0328fe3-SPWF04S")
    host.recv_ok()

    # The new release stays in flash; the configuration update is announced once only.
    host.send("AT+S.RESET")
    start = len(host.seen)
    host.recv(rb"\+WIND:1:Poweron:171117-0328fe3-SPWF04S", timeout=20)
    host.recv(rb"\+WIND:0:Console active", timeout=20)
    assert not any(line.startswith(b"+WIND:73:") for line in host.seen[start:])


def test_an_image_it_cannot_identify_or_an_http_error_changes_nothing(old_module, server):
    host = old_module.host
    host.send(f"AT+S.FWUPDATE=e,127.0.0.1,/fw/unknown.fota,{server},0,,")
    host.recv(rb"AT-S\.Http Server Status Code:200", timeout=20)
    assert host.recv_error(timeout=20) == 120
    host.send(f"AT+S.FWUPDATE=e,127.0.0.1,/fw/none.fota,{server},0,,")
    host.recv(rb"AT-S\.Http Server Error:404", timeout=20)
    assert host.recv_error(timeout=20) == 111
    host.send(f"AT+S.FWUPDATE=x,127.0.0.1,/fw/unknown.fota,{server},0,,")
    assert host.recv_error() == 7
    assert _Images.requested == ["/fw/unknown.fota", "/fw/none.fota"]
    assert fw_version(old_module) == b"1.0.0"
    assert not any(line.startswith(b"+WIND:1:") for line in host.seen[-12:])
