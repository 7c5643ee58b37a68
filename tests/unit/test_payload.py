"""Payload sources and the encoder: exact bytes, computed lengths, refusals before sending."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spwf_tui.core.payload import PayloadError, encode, parse_hex, parse_quoted
from tests.support.fuzz import budget

DATA = Path(__file__).parent.parent / "data"
SEED_SKI = bytes.fromhex("3EF1747FD79122144BCADF4F95DF960A32823B4C")


def read(path: str) -> bytes:
    return Path(path).read_bytes()


def test_file_source_keeps_crlf_and_computes_the_length(tmp_path):
    pem = (DATA / "seed_ca_cert.pem").read_bytes()
    crlf = tmp_path / "ca_cert.pem"
    crlf.write_bytes(pem.replace(b"\n", b"\r\n"))
    out = encode(f"AT+S.TLSCERT=ca,@{crlf}", read)
    assert out.line == "AT+S.TLSCERT=ca,1426"
    assert out.wire == b"AT+S.TLSCERT=ca,1426\r" + crlf.read_bytes()
    assert len(pem) == 1403


def test_ski_source_gives_the_20_raw_bytes():
    out = encode(f"AT+S.TLSCERT=auth,ski:{DATA / 'seed_ca_cert.pem'}", read)
    assert out.line == "AT+S.TLSCERT=auth,20"
    assert out.payload == SEED_SKI


def test_hex_source_accepts_spaces_colons_and_0x():
    out = encode("AT+S.SOCKW=0,hex:3E F1:74 0x7f", read)
    assert out.wire == b"AT+S.SOCKW=0,4\r\x3e\xf1\x74\x7f"


def test_quoted_source_with_escapes_and_delimiter_inside():
    out = encode('AT+S.SOCKW=0,"GET / HTTP/1.0\\r\\nA,B\\x00\\"\\\\"', read)
    assert out.payload == b'GET / HTTP/1.0\r\nA,B\x00"\\'
    assert out.line == f"AT+S.SOCKW=0,{len(out.payload)}"


def test_plain_length_asks_for_the_payload_and_non_data_commands_pass_through():
    assert encode("AT+S.SOCKW=0,5", read).awaiting_payload == 5
    assert encode("AT+S.TLSCERT=content,1", read).wire == b"AT+S.TLSCERT=content,1\r"
    assert encode("AT+S.INPUTSSI=0", read).awaiting_payload is None
    assert encode("at+s.sockon=host,80,,t", read).wire == b"at+s.sockon=host,80,,t\r"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("AT+S.SOCKW=0,@/nonexistent/file.bin", "/nonexistent/file.bin: no such file"),
        ("AT+S.SOCKW=0,hex:3E F", "odd number of digits (3)"),
        ("AT+S.SOCKW=0,hex:zz", "'z' is not a hex digit"),
        ('AT+S.SOCKW=0,"open', "missing closing quote"),
        ('AT+S.SOCKW=0,"\\q"', "unknown escape"),
        ('AT+S.SOCKW=0,""', "is empty"),
        ("AT+S.SOCKQ=0,@x", "has no data phase"),
        ("AT+S.SOCKW=0,abc", "give a number or a source"),
    ],
)
def test_bad_sources_are_refused_with_one_line(line, message):
    with pytest.raises(PayloadError) as info:
        encode(line, read)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_ski_of_a_certificate_without_ski_is_refused(tmp_path):
    from tests.support.certfactory import make_ca

    ca = make_ca(with_ski=False)
    path = tmp_path / "noski.pem"
    path.write_bytes(ca.pem)
    with pytest.raises(PayloadError, match="no Subject Key Identifier"):
        encode(f"AT+S.TLSCERT=auth,ski:{path}", read)


def test_ski_of_a_non_certificate_is_refused(tmp_path):
    path = tmp_path / "junk.pem"
    path.write_bytes(b"not a certificate")
    with pytest.raises(PayloadError, match="not a readable DER certificate"):
        encode(f"AT+S.TLSCERT=auth,ski:{path}", read)


@settings(max_examples=budget(200), deadline=None)
@given(st.binary(min_size=1, max_size=64), st.sampled_from(["", " ", ":"]), st.booleans())
def test_hex_round_trip(data, sep, prefix):
    text = sep.join(("0x" if prefix else "") + f"{b:02X}" for b in data)
    assert parse_hex(text) == data


@settings(max_examples=budget(200), deadline=None)
@given(st.binary(min_size=1, max_size=64))
def test_quoted_round_trip(data):
    text = '"' + "".join(f"\\x{b:02x}" for b in data) + '"'
    assert parse_quoted(text) == data
