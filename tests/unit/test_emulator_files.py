"""The emulated RAM disk and data-phase framing: FSC, FSL, FSP, FSD, FSR, HASH."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from spwf_tui.core import catalog
from spwf_tui.emulator import EmulatedModule

from .conftest import BOOT_DONE, Wire, exchange, feed

BINARY = b"\r\n\x00\r\xffA\n"


def test_fsc_payload_is_binary_and_not_echoed(module, wire, chunk):
    out = exchange(module, wire, b"AT+S.FSC=/bin,7\r" + BINARY + b"AT+S.FSP=/bin,,\r", chunk)
    assert out == (b"AT+S.FSC=/bin,7\r\nAT-S.OK\r\n"
                   b"AT+S.FSP=/bin,,\r\n" + BINARY + b"AT-S.OK\r\n")


def test_second_fsc_appends(module, wire):
    exchange(module, wire, b"AT+S.FSC=/a.txt,5\rhelloAT+S.FSC=a.txt,6\r world")
    assert exchange(module, wire, b"AT+S.FSP=/a.txt\r") == (
        b"AT+S.FSP=/a.txt\r\nhello worldAT-S.OK\r\n")


def test_lf_right_after_the_data_phase_cr_is_payload(module, wire):
    exchange(module, wire, b"AT+S.FSC=/lf,2\r\n\r")
    assert exchange(module, wire, b"AT+S.FSP=/lf\r") == b"AT+S.FSP=/lf\r\n\n\rAT-S.OK\r\n"


def test_fsp_offset_and_length(module, wire):
    exchange(module, wire, b"AT+S.FSC=/d,10\r0123456789")
    assert exchange(module, wire, b"AT+S.FSP=/d,3,4\r").endswith(b"\r\n3456AT-S.OK\r\n")
    assert exchange(module, wire, b"AT+S.FSP=/d,8,100\r").endswith(b"\r\n89AT-S.OK\r\n")
    assert exchange(module, wire, b"AT+S.FSP=/d,,2\r").endswith(b"\r\n01AT-S.OK\r\n")
    assert exchange(module, wire, b"AT+S.FSP=/d,10,\r").endswith(b"\r\nAT-S.OK\r\n")
    assert b"AT-S.ERROR:52:Unable to seek file" in exchange(module, wire, b"AT+S.FSP=/d,11,\r")
    assert b"AT-S.ERROR:51:Unable to open file" in exchange(module, wire, b"AT+S.FSP=/x,,\r")


def test_fsl_fsd_fsr(module, wire):
    exchange(module, wire, b"AT+S.FSC=/one,3\rabcAT+S.FSC=/two,1\rz")
    assert exchange(module, wire, b"AT+S.FSL\r") == (
        b"AT+S.FSL\r\nAT-S.File:R\t3\t/one\r\nAT-S.File:R\t1\t/two\r\n"
        b"AT-S.Free RAM Disk:16380\r\nAT-S.OK\r\n")
    exchange(module, wire, b"AT+S.FSR=/one,/three\rAT+S.FSD=/two\r")
    assert exchange(module, wire, b"AT+S.FSL\r").splitlines()[1] == b"AT-S.File:R\t3\t/three"
    assert b"ERROR:56:" in exchange(module, wire, b"AT+S.FSD=/two\r")
    assert b"ERROR:55:" in exchange(module, wire, b"AT+S.FSR=/two,/four\r")
    assert b"ERROR:51:" in exchange(module, wire, b"AT+S.FSL=/two\r")


def test_hash_digests(module, wire):
    exchange(module, wire, b"AT+S.FSC=/h,3\rabc")
    for number, name in ((0, "sha1"), (1, "sha224"), (2, "sha256"), (3, "md5")):
        digest = hashlib.new(name, b"abc").hexdigest()
        assert exchange(module, wire, f"AT+S.HASH={number},/h\r".encode()).splitlines()[1] == (
            f"AT-S.Hash:{digest}".encode())
    assert b"ERROR:7:" in exchange(module, wire, b"AT+S.HASH=4,/h\r")


def test_rejected_header_leaves_the_payload_to_the_command_parser(module, wire, chunk):
    # 99999 bytes do not fit on the 16 KiB RAM disk: the "payload" is read as commands.
    out = exchange(module, wire, b"AT+S.FSC=/big,99999\rAT\r", chunk)
    text = catalog.error(91).text.encode()
    assert out == b"AT+S.FSC=/big,99999\r\nAT-S.ERROR:91:" + text + b"\r\nAT\r\nAT-S.OK\r\n"
    out = exchange(module, wire, b"AT+S.SOCKW=5,3\rAT\r", chunk)
    assert out == b"AT+S.SOCKW=5,3\r\nAT-S.ERROR:76:Illegal Socket ID\r\nAT\r\nAT-S.OK\r\n"


def test_reset_empties_the_ram_disk(module, wire):
    exchange(module, wire, b"AT+S.FSC=/f,1\rx")
    feed(module, b"AT+S.RESET\r")
    wire.wait_for(BOOT_DONE)
    assert b"ERROR:51:" in exchange(module, wire, b"AT+S.FSP=/f,,\r")


SCRIPT = (b"AT+S.FSC=/bin,7\r" + BINARY + b"AT+S.FSC=/bin,3\r\r\n\x00"
          b"AT+S.SOCKW=3,2\rAT\r\n" b"AT+S.FSP=/bin,,\r\n" b"AT+S.TLSCERT=auth,4\r\r\r\r\r"
          b"AT+S.TLSCERT=content,1\r\n" b"at+s.hash=2,bin\r")


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(min_value=1, max_value=len(SCRIPT) - 1), max_size=12))
def test_any_chunking_gives_the_same_bytes(cuts):
    """Split the host's bytes anywhere: the module answers byte for byte the same."""
    def run(pieces: list[bytes]) -> bytes:
        wire = Wire()
        emulated = EmulatedModule(wire, boot_delay=0)
        emulated.start()
        try:
            wire.wait_for(BOOT_DONE)
            for piece in pieces:
                emulated.receive(piece)
            return wire.take()
        finally:
            emulated.close()

    bounds = [0, *sorted(set(cuts)), len(SCRIPT)]
    pieces = [SCRIPT[a:b] for a, b in zip(bounds, bounds[1:])]
    assert run(pieces) == run([SCRIPT])
