"""``decode`` on captures as they reach users (issue 16, part 4): forum pastes with LF line ends,
an editor's BOM, a Windows tool's UTF-16 log, a spwf-tui recording, a count the paste broke."""

from __future__ import annotations

import json

from tests.system.helpers import run_cli

# An HTTP GET as a forum paste shows it: LF only, a WIND and the next command after the OK.
LF_PASTE = (b"AT+S.HTTPGET=192.168.1.10,/index.html,80\n"
            b"AT-S.Http Server Status Code:200\n"
            b"<html><body>Hello</body></html>\n"
            b"AT-S.OK\n"
            b"+WIND:24:WiFi Up:0:192.168.1.50\n"
            b"AT+S.STS=ip_ipaddr\n"
            b"AT-S.Var:ip_ipaddr=192.168.1.50\n"
            b"AT-S.OK\r")  # the last line ends in a lone CR (the paste stopped there)


def _records(result) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def _decode(tmp_path, data: bytes, *extra: str):
    capture = tmp_path / "capture.log"
    capture.write_bytes(data)
    return run_cli("decode", "--json", str(capture), *extra)


def test_an_lf_paste_ends_the_http_body_at_the_ok(tmp_path):
    records = _records(_decode(tmp_path, LF_PASTE))
    assert [r["kind"] for r in records] == ["echo", "info", "data", "ok", "wind", "echo", "info", "ok"]
    assert records[2]["text"] == "<html><body>Hello</body></html>\n"
    assert records[-1]["text"] == "AT-S.OK"


def test_an_http_error_status_ends_the_body(tmp_path):
    records = _records(_decode(tmp_path, b"AT+S.HTTPGET=h,/x,80\r\nAT-S.Http Server Status Code:404\r\nNo\r\n"
                                         b"AT-S.Http Server Error:404\r\nAT-S.ERROR:111:Request failed\r\n"))
    assert [(r["kind"], r.get("label")) for r in records][-2:] == [("error", "Http Server Error"), ("error", "ERROR")]


def test_a_utf8_bom_is_not_part_of_the_first_line(tmp_path):
    records = _records(_decode(tmp_path, b"\xef\xbb\xbf" + LF_PASTE))
    assert records[0]["kind"] == "echo" and records[0]["line"].startswith("AT+S.HTTPGET")


def test_a_utf16_log_is_decoded_with_a_warning(tmp_path):
    for encoding in ("utf-16", "utf-16-le"):  # with and without a BOM
        result = _decode(tmp_path, LF_PASTE.decode().encode(encoding))
        assert [r["kind"] for r in _records(result)] == ["echo", "info", "data", "ok", "wind", "echo", "info", "ok"]
        assert "is UTF-16 text" in result.stderr


def test_a_recording_is_decoded_from_its_received_bytes(tmp_path):
    recording = tmp_path / "session.jsonl"
    made = run_cli("run", "sim://", "--record", str(recording), "-c", "AT+S.STS=fw_version")
    assert made.returncode == 0, made.stdout + made.stderr
    records = _records(run_cli("decode", "--json", str(recording)))
    assert any(r["text"] == "AT-S.Var:fw_version=1.1.0" and r["kind"] == "info" for r in records)
    assert not any(r["text"].startswith('{"') for r in records)


def test_noise_before_a_wind_keeps_the_wind(tmp_path):
    records = _records(_decode(tmp_path, b"\x00+WIND:0:Console active\r\n"))
    assert [r["kind"] for r in records] == ["other", "wind"]
    assert records[1]["code"] == 0


def test_a_reading_count_the_paste_broke_is_warned_about(tmp_path):
    # The module sent "hello\r\nworld\r\n" (16 bytes with the OK's first bytes: see the count); the
    # paste has LF line ends, so 16 bytes reach into the OK line.
    result = _decode(tmp_path, b"AT+S.SOCKR=0,14\nAT-S.Reading:16:16\nhello\nworld\nAT-S.OK\nAT+S.STS\n")
    assert result.returncode == 0
    assert "warning:" in result.stderr and "AT-S.Reading announced 16 bytes" in result.stderr
