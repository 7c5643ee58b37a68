"""The RX decoder: framing, raw payloads, robustness and chunking invariance."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from spwf_tui.core.decoder import DATA_PIECE, MAX_LINE, RxDecoder
from tests.support.fuzz import budget


def decode(data: bytes, chunks: list[int] | None = None) -> list:
    decoder = RxDecoder()
    events = []
    if chunks is None:
        events += decoder.feed(data)
    else:
        pos = 0
        for size in chunks:
            events += decoder.feed(data[pos:pos + size])
            pos += size
        events += decoder.feed(data[pos:])
    return events + decoder.flush()


def kinds(events) -> list[tuple[str, str]]:
    return [(e.kind, e.text) for e in events]


def test_module_lines_are_classified():
    data = (b"AT+S.SOCKON=127.0.0.1,4443,NULL,s\r\nAT-S.Loading:1:2\r\nAT-S.On:127.0.0.1:0\r\n"
            b"AT-S.OK\r\n+WIND:55:Pending Data::0:31:31\r\nAT-S.ERROR:74:Failed to open socket\r\n")
    events = decode(data)
    assert [e.kind for e in events] == ["echo", "info", "info", "ok", "wind", "error"]
    assert events[2].label == "On" and events[2].fields == ("127.0.0.1", "0")
    assert events[4].code == 55 and events[4].fields == ("Pending Data", "", "0", "31", "31")
    assert events[5].code == 74 and events[5].fields == ("74", "Failed to open socket")
    assert events[3].is_final and events[5].is_final and not events[1].is_final


def test_wind_text_with_known_firmware_text_is_split_after_it():
    line = b"+WIND:13:Copyright (c) 2012-2017 STMicroelectronics, Inc.  All rights Reserved:SPWF04SA\r\n"
    (event,) = decode(line)
    assert event.code == 13 and event.fields[-1] == "SPWF04SA"


def test_certificate_error_is_an_error_but_not_final():
    (event,) = decode(b"AT-S.Certificate Error:3\r\n")
    assert event.kind == "error" and event.code == 3 and event.label == "Certificate Error"
    assert not event.is_final


def test_reading_payload_is_raw_even_with_crlf_and_look_alike_lines_inside():
    payload = b"AT-S.OK\r\n+WIND:1:x\r\n\x00\xff binary"
    data = b"AT-S.Reading:%d:%d\r\n" % (len(payload), len(payload)) + payload + b"AT-S.OK\r\n"
    events = decode(data)
    assert [e.kind for e in events] == ["info", "data", "ok"]
    assert events[1].raw == payload


def test_http_body_runs_until_the_final_ok():
    body = b"HTTP body\r\nwith lines\r\nno trailing newline"
    data = b"AT-S.Http Server Status Code:200\r\n" + body + b"AT-S.OK\r\n"
    events = decode(data)
    assert [e.kind for e in events] == ["info", "data", "ok"]
    assert events[1].raw == body


def test_fsp_body_after_the_echo_when_hinted():
    decoder = RxDecoder()
    decoder.expect_body(after_echo=True)
    content = b"line1\r\nAT+S.fake\r\n\x01\x02"
    events = decoder.feed(b"AT+S.FSP=/f.bin,,\r\n" + content + b"AT-S.OK\r\n")
    assert [e.kind for e in events] == ["echo", "data", "ok"]
    assert events[1].raw == content


def test_lone_cr_lone_lf_empty_lines_and_invalid_utf8():
    events = decode(b"\r\n\r\nAT-S.OK\rAT-S.OK\n\xff\xfeAT-S.Var:x=\xc3\xa9\r\n")
    assert kinds(events) == [("ok", "AT-S.OK"), ("ok", "AT-S.OK"), ("other", "\\xff\\xfeAT-S.Var:x=é")]


def test_overlong_line_is_cut_into_bounded_pieces():
    events = decode(b"x" * (MAX_LINE * 2 + 10) + b"\r\nAT-S.OK\r\n")
    assert [len(e.raw) for e in events[:2]] == [MAX_LINE, MAX_LINE]
    assert events[-1].kind == "ok"


def test_overclaiming_reading_header_is_abandoned_on_request():
    decoder = RxDecoder()
    events = decoder.feed(b"AT-S.Reading:100000:100000\r\nonly a few bytes")
    assert [e.kind for e in events] == ["info"]
    leftovers = decoder.abandon_payload()
    assert [e.raw for e in leftovers] == [b"only a few bytes"]
    assert [e.kind for e in decoder.feed(b"AT-S.OK\r\n")] == ["ok"]


def test_large_payload_comes_in_fixed_pieces():
    payload = bytes(range(256)) * 40
    events = decode(b"AT-S.Reading:%d:%d\r\n" % ((len(payload),) * 2) + payload + b"AT-S.OK\r\n")
    data = [e for e in events if e.kind == "data"]
    assert b"".join(e.raw for e in data) == payload
    assert all(len(e.raw) == DATA_PIECE for e in data[:-1])


# -- properties ------------------------------------------------------------------------------

_protocolish = st.lists(
    st.one_of(
        st.sampled_from([b"AT-S.OK\r\n", b"AT-S.ERROR:74:Failed to open socket\r\n", b"+WIND:55:Pending Data::0:5:5\r\n",
                         b"AT-S.Reading:5:5\r\n", b"AT-S.Http Server Status Code:200\r\n", b"\r", b"\n", b"\r\n",
                         b"AT+S.SOCKR=0,\r\n", b"AT-S.Reading:99999:1\r\n"]),
        st.binary(max_size=40),
    ),
    max_size=30,
).map(b"".join)


@settings(max_examples=budget(300), deadline=None)
@given(data=_protocolish, cuts=st.lists(st.integers(min_value=0, max_value=50), max_size=30))
def test_chunking_never_changes_the_events(data, cuts):
    whole = decode(data)
    chunked = decode(data, cuts)
    assert chunked == whole


@settings(max_examples=budget(300), deadline=None)
@given(data=st.binary(max_size=2000), cuts=st.lists(st.integers(min_value=1, max_value=64), max_size=40))
def test_arbitrary_bytes_never_raise_and_lose_nothing_but_blank_lines(data, cuts):
    events = decode(data, cuts)
    joined = b"".join(e.raw for e in events)
    # Only blank (ASCII-whitespace) lines are dropped: every other byte comes out, in order.
    assert _without_whitespace(joined) == _without_whitespace(data)


def _without_whitespace(data: bytes) -> bytes:
    return data.translate(None, b" \t\r\n\x0b\x0c")
