"""How log entries become rows: markers, explanations, timestamps, control characters, hex."""

from __future__ import annotations

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.session.log import LogEntry
from spwf_tui.ui.log_rows import ViewOptions, rows_for


def _rx(data: bytes) -> list[LogEntry]:
    return [LogEntry(100.0, "rx", e.text, e, "why" if e.kind == "error" else None) for e in RxDecoder().feed(data)]


def test_tx_rx_and_explanations_are_told_apart():
    tx = LogEntry(99.0, "tx", "AT+S.SOCKR=0,")
    (error,) = _rx(b"AT-S.ERROR:76:Illegal Socket ID\r\n")
    assert rows_for(tx, ViewOptions(), None)[0].style == "tx"
    rows = rows_for(error, ViewOptions(), None)
    assert [r.style for r in rows] == ["rx-error", "explain"] and rows[1].text.endswith("why")


def test_payload_lines_control_characters_and_hex():
    header, data, ok = _rx(b"AT-S.Reading:6:6\r\nab\r\n\x00\xffAT-S.OK\r\n")
    plain = [r.text for r in rows_for(data, ViewOptions(), None)]
    assert plain == ["< ab", "< \\x00\\xff"]
    controls = [r.text for r in rows_for(data, ViewOptions(show_controls=True), None)]
    assert controls == ["< ab\\r\\n\\x00\\xff"]
    hexed = [r.text for r in rows_for(data, ViewOptions(hex_payloads=True), None)]
    assert hexed[0] == "< [6 bytes]" and "61 62 0d 0a 00 ff" in hexed[1] and hexed[1].endswith("ab....")


def test_timestamps_absolute_and_delta():
    entry = LogEntry(100.25, "note", "marker")
    assert rows_for(entry, ViewOptions(timestamps="delta"), 100.0)[0].text.startswith("+   0.250 # marker")
    absolute = rows_for(entry, ViewOptions(timestamps="absolute"), None)[0].text
    assert absolute[2] == ":" and absolute.endswith(".250 # marker")
