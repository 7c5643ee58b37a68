"""How log entries become rows: markers, explanations, timestamps, control characters, hex."""

from __future__ import annotations

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.session.log import LogEntry
from spwf_tui.ui.log_rows import ViewOptions, measure, rows_for


def _rx(data: bytes) -> list[LogEntry]:
    return [LogEntry(100.0, "rx", e.text, e, "why" if e.kind == "error" else None) for e in RxDecoder().feed(data)]


def test_tx_rx_and_explanations_are_told_apart():
    tx = LogEntry(99.0, "tx", "AT+S.SOCKR=0,")
    (error,) = _rx(b"AT-S.ERROR:76:Illegal Socket ID\r\n")
    assert rows_for(tx, ViewOptions(), None)[0].style == "tx"
    rows = rows_for(error, ViewOptions(), None)
    assert [r.style for r in rows] == ["error", "explanation"] and rows[1].text.endswith("why")


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


# -- measure: what the UART pane counts instead of making rows ----------------------------------

from hypothesis import given, settings  # noqa: E402
from rich.cells import cell_len  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from spwf_tui.ui.log_rows import measure  # noqa: E402

_OPTIONS = st.builds(ViewOptions, timestamps=st.sampled_from(["off", "absolute", "delta"]),
                     show_controls=st.booleans(), hex_payloads=st.booleans(),
                     width=st.sampled_from([0, 0, 8, 30, 76]), wrap=st.booleans())
_MODULE_BYTES = st.lists(st.one_of(
    st.sampled_from([b"AT-S.Reading:7:7\r\n", b"AT-S.OK\r\n", b"AT-S.ERROR:74:Failed to open socket\r\n",
                     b"+WIND:55:Pending Data::0:5:5\r\n", b"\r\n", b"\r", b"\n", b"caf\xc3\xa9 ", b"\t", b"\x1b[0m"]),
    st.binary(max_size=40)), max_size=20).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(data=_MODULE_BYTES, options=_OPTIONS, previous=st.one_of(st.none(), st.floats(90, 110)))
def test_measure_counts_the_rows_and_bounds_their_width(data, options, previous):
    entries = _rx(data + b"AT-S.OK\r\n")
    entries += [LogEntry(100.0, "tx", "AT+S.SOCKW=0,3", payload=data[:3] or None), LogEntry(100.5, "note", "marker")]
    for entry in entries:
        rows = rows_for(entry, options, previous)
        count, width = measure(entry, options, previous)
        widest = max(cell_len(row.text) for row in rows)  # terminal cells: a CJK character takes two
        assert count == len(rows)
        assert width >= widest
        payload = entry.event.raw if entry.event is not None and entry.event.kind == "data" else b""
        plain = payload.replace(b"\r", b"").replace(b"\n", b"")
        if plain.isascii() and plain.decode().isprintable() and not (payload and options.show_controls):
            assert width == widest  # exact, except for bytes that show escaped


def test_a_piece_cut_at_the_bound_shows_the_continuation_mark():
    from spwf_tui.core.events import CONTINUED_MARK
    from spwf_tui.session.transcript import format_entry

    decoder = RxDecoder(piece=8, max_line=24)
    events = decoder.feed(b"AT-S.Reading:31:31\r\n" + b"z" * 30 + b"\n" + b"AT-S.OK\r\n")
    cut = [e for e in events if e.kind == "data"][0]
    assert cut.continued
    entry = LogEntry(100.0, "rx", None, cut, None)
    rows = rows_for(entry, ViewOptions(), None)
    assert rows[-1].text.endswith("z" * 24 + CONTINUED_MARK)
    assert measure(entry, ViewOptions(), None)[1] >= len(rows[-1].text)
    assert format_entry(entry) == "< " + "z" * 24 + CONTINUED_MARK + "\n"


# -- wrapping: explanations always, data when asked; widths in terminal cells ---------------------

from spwf_tui.ui.log_rows import wrap_cells  # noqa: E402


def test_an_explanation_wraps_to_the_pane_and_its_rows_stay_inside():
    (error,) = _rx(b"AT-S.ERROR:74:Failed to open socket\r\n")
    error = LogEntry(error.time, "rx", error.text, error.event, "word " * 30 + "the fix is here.")
    rows = rows_for(error, ViewOptions(width=40), None)
    assert rows[0].text == "< AT-S.ERROR:74:Failed to open socket"  # data rows only wrap when asked
    explanation = [r for r in rows if r.style == "explanation"]
    assert len(explanation) > 3 and all(cell_len(r.text) <= 40 for r in explanation)
    assert explanation[-1].text.endswith("the fix is here.") and explanation[1].text.startswith("    word")
    assert measure(error, ViewOptions(width=40), None)[0] == len(rows)


@given(text=st.text(st.sampled_from("ab 界é\u0301x"), max_size=80), width=st.integers(1, 30),
       indent=st.integers(0, 8))
def test_wrap_cells_keeps_every_character_and_every_row_inside(text, width, indent):
    rows = wrap_cells(text, width, indent)
    assert all(cell_len(row) <= max(width, 2) for row in rows)  # a 2-cell character in a 1-cell pane
    assert "".join(rows).replace(" ", "") == text.replace(" ", "")  # only spaces go (at the breaks)


def test_hex_rows_take_eight_bytes_when_sixteen_would_pass_the_edge():
    header, data, ok = _rx(b"AT-S.Reading:20:20\r\n" + bytes(range(65, 85)) + b"AT-S.OK\r\n")
    wide = rows_for(data, ViewOptions(hex_payloads=True, width=76), None)
    narrow = rows_for(data, ViewOptions(hex_payloads=True, width=60), None)
    assert len(wide) == 3 and wide[1].text.endswith("ABCDEFGHIJKLMNOP")
    assert len(narrow) == 4 and narrow[1].text.endswith("ABCDEFGH") and all(cell_len(r.text) <= 60 for r in narrow)

