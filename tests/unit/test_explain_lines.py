"""Explanations of lines that say something by themselves (issue 16, part 4)."""

from __future__ import annotations

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.explain import Explainer


def explained(data: bytes) -> list[tuple[str, str | None]]:
    decoder, explainer = RxDecoder(lenient=True), Explainer()
    events = decoder.feed(data) + decoder.flush()
    return [(e.text, explainer.explain(e)) for e in events]


def test_wind_1_names_the_firmware_version_of_known_builds():
    (new, old, other) = explained(b"+WIND:1:Poweron:171117-0328fe3-SPWF04S\r\n+WIND:1:Poweron:170216-fd39c59-SPWF04S\r\n"
                                  b"+WIND:1:Poweron:190101-abcdef0-SPWF04S\r\n")
    assert "firmware 1.1.0" in new[1] and "firmware 1.0.0" in old[1]
    assert "firmware build" in other[1]


def test_wind_55_names_the_socket_and_the_read_command():
    client, server = explained(b"+WIND:55:Pending Data::3:31:40\r\n+WIND:55:Pending Data:1:2:10:10\r\n")
    assert "socket 3" in client[1] and "AT+S.SOCKR=3,31" in client[1]
    assert "server socket 1" in server[1] and "AT+S.SOCKDR=1,2,10" in server[1]


def test_a_repeated_line_gets_the_same_explanation():
    lines = explained(b"+WIND:55:Pending Data::3:31:40\r\n" * 3)
    assert len({why for _, why in lines}) == 1


def test_wind_29_is_the_miniap_dhcp_server():
    ((_, why),) = explained(b"+WIND:29:DHCP Reply:192.168.1.2:00:11:22:33:44:55\r\n")
    assert "miniAP" in why and "DHCP server" in why


def test_reading_status_code_and_subject_key_id_are_explained():
    lines = dict(explained(b"AT-S.Reading:5:5\r\nhello\r\nAT-S.OK\r\nAT-S.Http Server Status Code:200\r\nx\r\nAT-S.OK\r\n"
                           b"AT-S.SubjectKeyId:3E:F1\r\n"))
    assert "5 raw bytes" in lines["AT-S.Reading:5:5"]
    assert "status 200" in lines["AT-S.Http Server Status Code:200"]
    assert "no separate auth upload is needed" in lines["AT-S.SubjectKeyId:3E:F1"]


def test_an_error_without_a_code_is_not_error_none():
    ((_, why),) = explained(b"AT-S.ERROR\r\n")
    assert "None" not in why and "without a number" in why
