"""The RX decoder: framing, raw payloads, robustness and chunking invariance."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from spwf_tui.core.decoder import DATA_PIECE, MAX_LINE, RxDecoder
from spwf_tui.core.events import bytes_to_text
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
    events = decode(b"\r\n\r\nAT-S.OK\rAT-S.OK\n\xff\xfeAT-S.Var:x=\xc3\xa9\r\n\xff\xfe\r\n")
    # Noise before a module line is its own event: the line after it is still recognised.
    assert kinds(events) == [("ok", "AT-S.OK"), ("ok", "AT-S.OK"), ("other", "\\xff\\xfe"),
                             ("info", "AT-S.Var:x=é"), ("other", "\\xff\\xfe")]


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


def test_large_payload_comes_in_pieces_of_whole_lines():
    payload = bytes(range(256)) * 40
    events = decode(b"AT-S.Reading:%d:%d\r\n" % ((len(payload),) * 2) + payload + b"AT-S.OK\r\n")
    data = [e for e in events if e.kind == "data"]
    assert b"".join(e.raw for e in data) == payload
    assert len(data) > 1 and all(len(e.raw) <= DATA_PIECE and e.raw[-1:] in (b"\n", b"\r") for e in data[:-1])


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


# -- payload pieces end at line ends (issue 15, item 8) ---------------------------------------

def test_a_body_line_longer_than_a_piece_stays_one_piece():
    long_line = b"<script>" + b"x" * (DATA_PIECE * 3) + b"</script>\r\n"
    body = b"<html>\r\n" + long_line + b"<p>end</p>\r\n"
    events = decode(b"AT-S.Http Server Status Code:200\r\n" + body + b"AT-S.OK\r\n")
    data = [e.raw for e in events if e.kind == "data"]
    assert b"".join(data) == body
    assert long_line in data or any(piece.endswith(long_line) for piece in data)
    assert not any(e.continued for e in events)


def test_a_line_beyond_the_bound_is_cut_and_marked():
    decoder = RxDecoder(piece=16, max_line=64)
    payload = b"y" * 150 + b"\n"
    events = decoder.feed(b"AT-S.Reading:151:151\r\n" + payload + b"AT-S.OK\r\n") + decoder.flush()
    data = [e for e in events if e.kind == "data"]
    assert [len(e.raw) for e in data] == [64, 64, 23]
    assert [e.continued for e in data] == [True, True, False]
    assert events[-1].kind == "ok"


def test_an_unterminated_line_beyond_max_line_is_marked_continued():
    events = decode(b"x" * (MAX_LINE + 10) + b"\r\n")
    assert [e.continued for e in events] == [True, False]


_lines_and_payloads = st.lists(
    st.one_of(
        st.sampled_from([b"AT-S.OK\r\n", b"AT-S.OK\n", b"AT-S.Reading:40:40\r\n", b"AT-S.Reading:7:7\n",
                         b"AT-S.Http Server Status Code:200\r\n", b"AT-S.Http Server Error:404\n",
                         b"AT-S.ERROR:111:Request failed\r\n", b"+WIND:55:Pending Data::0:5:5\r\n", b"\r", b"\n"]),
        st.binary(max_size=60),
        st.text(alphabet="ab \r\n", max_size=90).map(str.encode),
    ),
    max_size=25,
).map(b"".join)


def _decode_small(data: bytes, cuts: list[int] | None) -> list:
    decoder = RxDecoder(piece=8, max_line=24)
    events, pos = [], 0
    for size in cuts or []:
        events += decoder.feed(data[pos:pos + size])
        pos += size
    return events + decoder.feed(data[pos:]) + decoder.flush()


@settings(max_examples=budget(400), deadline=None)
@given(data=_lines_and_payloads, cuts=st.lists(st.integers(min_value=0, max_value=30), max_size=30))
@example(data=b"AT-S.Reading:40:40\r\n" + b"\x00" * 7 + b"\r\x00", cuts=[])  # a CR as the window's last byte
def test_bulk_pieces_never_depend_on_chunking_and_lose_nothing(data, cuts):
    whole = _decode_small(data, None)
    assert _decode_small(data, cuts) == whole
    assert _without_whitespace(b"".join(e.raw for e in whole)) == _without_whitespace(data)
    for event in whole:
        assert len(event.raw) <= 24 + 2  # the bound, plus a line's terminator
        if event.kind == "data" and len(event.raw) > 8 and not event.continued:
            # a piece longer than the window is one line, ended by its line end or the payload's end
            assert b"\n" not in event.raw.rstrip(b"\r\n") and b"\r" not in event.raw.rstrip(b"\r\n")


# -- real captures (issue 16, part 4) -----------------------------------------------------------

def test_http_body_ends_on_status_lines_with_any_line_end():
    # A forum paste: LF only. The OK, the WIND after it and the next echo are no body.
    capture = (b"AT+S.HTTPGET=192.168.1.10,/,80\nAT-S.Http Server Status Code:200\n<p>hi</p>\n"
               b"AT-S.OK\n+WIND:24:WiFi Up:0:192.168.1.50\nAT+S.STS\n")
    events = decode(capture)
    assert [e.kind for e in events] == ["echo", "info", "data", "ok", "wind", "echo"]
    assert events[2].raw == b"<p>hi</p>\n"


def test_http_server_error_ends_the_body():
    events = decode(b"AT-S.Http Server Status Code:404\r\nNot found\r\nAT-S.Http Server Error:404\r\n"
                    b"AT-S.ERROR:111:Request failed\r\n")
    assert [(e.kind, e.label) for e in events] == [("info", "Http Server Status Code"), ("data", None),
                                                  ("error", "Http Server Error"), ("error", "ERROR")]


def test_a_last_line_ending_in_a_lone_cr_loses_its_cr():
    assert kinds(decode(b"AT-S.OK\r")) == [("ok", "AT-S.OK")]


def test_cr_only_capture():
    events = decode(b"AT+S.STS=ip_ipaddr\rAT-S.Var:ip_ipaddr=192.168.1.50\rAT-S.OK\r")
    assert [e.kind for e in events] == ["echo", "info", "ok"]


def test_body_ending_the_input_without_line_end_keeps_its_final_line():
    events = decode(b"AT-S.Http Server Status Code:200\nbody\nAT-S.OK")
    assert [e.kind for e in events] == ["info", "data", "ok"]


def test_one_noise_byte_before_a_wind_keeps_the_wind():
    events = decode(b"\x00+WIND:1:Poweron:171117-0328fe3-SPWF04S\r\n\xfeAT-S.OK\r\n")
    assert [(e.kind, e.code) for e in events] == [("other", None), ("wind", 1), ("other", None), ("ok", None)]
    assert b"".join(e.raw for e in events) == b"\x00+WIND:1:Poweron:171117-0328fe3-SPWF04S\r\n\xfeAT-S.OK\r\n"


def test_prose_starting_with_at_is_no_echo():
    events = decode(b"at the moment it fails\r\nAttempt 2\r\nAT\r\nat+s.sts\r\nATE0\r\n")
    assert [e.kind for e in events] == ["other", "other", "echo", "echo", "echo"]


def test_a_reading_count_the_capture_contradicts_is_warned_about():
    decoder = RxDecoder(lenient=True)
    # The module sent 16 bytes (CR LF line ends); the paste turned them into LF, so the count
    # takes 4 bytes of the OK line.
    events = decoder.feed(b"AT-S.Reading:16:16\nhello\nworld\nAT-S.OK\n+WIND:0:Console active\n") + decoder.flush()
    assert [e.kind for e in events][:2] == ["info", "data"]
    assert len(decoder.warnings) == 1 and "announced 16 bytes" in decoder.warnings[0]
    good = RxDecoder(lenient=True)
    good.feed(b"AT-S.Reading:5:5\r\nhello\r\nAT-S.OK\r\n")
    assert good.warnings == []


def test_a_line_of_many_false_wind_prefixes_does_not_recurse():
    line = b"x" + b"+WIND:x" * 9000 + b"\r\n"
    events = decode(line)
    assert b"".join(e.raw for e in events) == line and [e.kind for e in events] == ["other"]


def test_noise_then_a_wind_after_many_false_prefixes():
    events = decode(b"\x00" + b"+WIND:x" * 100 + b"+WIND:24:WiFi Up:0:10.0.0.2\r\n")
    assert [e.kind for e in events] == ["other", "wind"] and events[1].code == 24


# -- bulk framing (issue 19, item 1) ------------------------------------------------------------

_framing_cases = st.lists(
    st.one_of(
        st.sampled_from([b"AT-S.OK\r\n", b"AT-S.OK\n", b"AT-S.Reading:9:9\r\n", b"\x00AT-S.Reading:3:3\r\n",
                         b"AT-S.Reading:8:8\r\n", b"AT-S.Reading:4:4\n", b"AT-S.Reading:2:2\r",
                         b"AT-S.Http Server Status Code:200\r\n", b"AT-S.Var:wifi_ssid=net\r\n", b"  \r\n",
                         b"+WIND:55:Pending Data::0:5:5\r\n", b"\x07+WIND:24:WiFi Up:0:10.0.0.2\r\n",
                         b"AT+S.FSP=/f\r\n", b"AT+S.TLSCERT=ca,5\r\n", b"[12:00:01] -S.OK\r\n", b"\r", b"\n"]),
        st.binary(max_size=50),
        st.text(alphabet="aR \r\n", max_size=120).map(str.encode),
    ),
    max_size=30,
).map(b"".join)


def _decode_with(data: bytes, cuts: list[int], *, bulk: bool, lenient: bool, small: bool) -> tuple[list, list]:
    decoder = RxDecoder(lenient=lenient, piece=8, max_line=24) if small else RxDecoder(lenient=lenient)
    decoder.bulk = bulk
    events, pos = [], 0
    for size in cuts:
        events += decoder.feed(data[pos:pos + size])
        pos += size
    events += decoder.feed(data[pos:]) + decoder.flush()
    return events, decoder.warnings


@settings(max_examples=budget(400), deadline=None)
@given(data=_framing_cases, cuts=st.lists(st.integers(min_value=0, max_value=40), max_size=20),
       lenient=st.booleans(), small=st.booleans())
def test_bulk_framing_gives_exactly_the_events_of_line_by_line_framing(data, cuts, lenient, small):
    bulk = _decode_with(data, cuts, bulk=True, lenient=lenient, small=small)
    assert bulk == _decode_with(data, cuts, bulk=False, lenient=lenient, small=small)
    assert bulk == _decode_with(data, [], bulk=True, lenient=lenient, small=small)


def test_bulk_framing_keeps_a_line_that_reaches_the_input_end_waiting():
    decoder = RxDecoder()
    assert [e.raw for e in decoder.feed(b"AT-S.OK\r\n+WIND:33:x\r")] == [b"AT-S.OK\r\n"]
    assert decoder.unfinished_line() == b"+WIND:33:x\r"
    assert [e.raw for e in decoder.feed(b"\nAT-S.O")] == [b"+WIND:33:x\r\n"]
    assert decoder.unfinished_line() == b"AT-S.O"


_UTF8_EDGES = st.sampled_from([0x00, 0x01, 0x02, 0x41, 0x5C, 0x0A, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
                               0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF])


@settings(max_examples=budget(1000), deadline=None)
@given(data=st.one_of(st.binary(max_size=64), st.lists(_UTF8_EDGES, max_size=24).map(bytes),
                      st.text(max_size=20).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_the_text_of_bytes_is_exactly_utf8_with_backslash_escapes(data):
    # The fast escaper (payload pieces, noise) against the codec's own error handler: lead bytes,
    # continuation bytes, overlong forms, surrogates and code points above U+10FFFF at every edge.
    assert bytes_to_text(data) == data.decode("utf-8", "backslashreplace")
    assert bytes_to_text(data + b"\xe2\x82") == (data + b"\xe2\x82").decode("utf-8", "backslashreplace")


@pytest.mark.parametrize("data", [b"\xff\x00\x01\x02\xc3\xa9\xfe", b"\x00\x01\xc3\xa9\x02\xff", b"\xfe\x00\x01\x02"])
def test_the_text_of_bytes_holding_the_joint_of_the_fast_way(data):
    assert bytes_to_text(data) == data.decode("utf-8", "backslashreplace")


@settings(max_examples=budget(300), deadline=None)
@given(rest=st.text(max_size=30), first=st.sampled_from(["A", "+", "AT", "+WIND:"]))
def test_no_host_decoration_starts_where_a_module_line_does(rest, first):
    # strip_host_prefix returns lines starting "A" or "+" (not "+S.") at once: no decoration matches there.
    from spwf_tui.core.classify import _HOST_PREFIXES, strip_host_prefix

    line = first + rest
    if line.startswith("+S."):
        return
    assert _HOST_PREFIXES.match(line) is None or _HOST_PREFIXES.match(line).end() == 0
    assert strip_host_prefix(line) == line


def test_a_line_longer_than_the_bound_waiting_for_its_lf_is_cut_as_line_by_line():
    data = b"\x00" * 26 + b"\r"
    for bulk in (True, False):
        decoder = RxDecoder(piece=8, max_line=24)
        decoder.bulk = bulk
        events = decoder.feed(data) + decoder.flush()
        assert [(len(e.raw), e.continued) for e in events] == [(24, True), (3, False)]


def test_a_repeated_data_phase_echo_starts_a_logged_payload_each_time():
    # a host log: the echo of TLSCERT=ca comes back as the same event object (the known lines);
    # whether it starts a data phase is kept with it, and an echo without one ends the payload
    log = b"AT+S.TLSCERT=ca,30\r\nMIIBszCCAVmg\r\nAT+S.STS=ip_ipaddr\r\nAT-S.Var:ip_ipaddr=10.0.0.2\r\nAT-S.OK\r\n"
    decoder = RxDecoder(lenient=True)
    events = decoder.feed(log) + decoder.feed(log) + decoder.feed(log) + decoder.flush()
    assert [e.kind for e in events] == ["echo", "data", "echo", "info", "ok"] * 3
    assert events[5] is events[10]
