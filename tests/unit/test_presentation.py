"""The presentation layer (``core/present``): one look for every front end.

What an entry looks like (kinds, markers, explanation, payload preview, hex dump, escaping), the
style names and their looks, the module clock's wording and the port facts; and that the TUI's
rows, the REPL's fragments and ``run``'s transcript say the same thing for the same entry.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.events import CONTINUED_MARK, DATA, ECHO, ERROR, INFO, KINDS, OK, OTHER, WIND, Event
from spwf_tui.core.explain import Explainer
from spwf_tui.core.logentry import NOTE, RX, TX, LogEntry
from spwf_tui.core.present import styles
from spwf_tui.core.present.clock import CLOCK_ADVICE, clock_text, offset_text, utc_text
from spwf_tui.core.present.entries import EXPLANATION_MARK, Presentation, entry_lines
from spwf_tui.core.present.payloads import hex_row_width, hex_rows, payload_preview
from spwf_tui.core.present.status import NO_MODEM_LINES, modem_lines_marks, modem_lines_text, speed_offer_text
from spwf_tui.repl import printer
from spwf_tui.session.transcript import format_entry
from spwf_tui.ui.log_rows import RICH_STYLES, ViewOptions, rows_for
from tests.support.fuzz import budget
from tests.unit.test_display import HOSTILE, dangerous

PLAIN = Presentation()


def _line(kind: str, text: str, explain: str | None = None, continued: bool = False) -> LogEntry:
    event = Event(kind, text.encode() + b"\r\n", text, continued=continued)
    return LogEntry(10.0, RX, text, event, explain)


def _data(raw: bytes, continued: bool = False) -> LogEntry:
    return LogEntry(10.0, RX, None, Event(DATA, raw, continued=continued))


# -- entries: every kind, the explanation, sent lines, payloads ---------------------------------

@pytest.mark.parametrize("kind", [ECHO, OK, ERROR, WIND, INFO, OTHER])
def test_a_module_line_is_styled_by_its_kind(kind):
    assert entry_lines(_line(kind, "AT-S.x"), PLAIN) == [(kind, "< AT-S.x")]


def test_every_event_kind_has_a_look_and_an_entry_without_event_is_other():
    assert set(KINDS) == set(styles.RX_STYLES) and set(KINDS) <= set(styles.LOOKS)
    assert entry_lines(LogEntry(1.0, RX, "left over"), PLAIN) == [(OTHER, "< left over")]


def test_the_explanation_has_one_marker_and_sits_under_the_line_it_explains():
    lines = entry_lines(_line(ERROR, "AT-S.ERROR:17:x", explain="Why."), PLAIN, stamp="12:00:00.000 ")
    assert lines == [(ERROR, "12:00:00.000 < AT-S.ERROR:17:x"),
                     (styles.EXPLANATION, f"{' ' * 13}  {EXPLANATION_MARK} Why.")]
    assert EXPLANATION_MARK == "↳"


def test_a_note_and_a_sent_line():
    assert entry_lines(LogEntry(1.0, NOTE, "marker"), PLAIN) == [(styles.NOTE, "# marker")]
    assert entry_lines(LogEntry(1.0, TX, "AT"), PLAIN) == [(styles.TX, "> AT")]
    assert entry_lines(LogEntry(1.0, TX, "AT"), Presentation(controls=True)) == [(styles.TX, "> AT\\r")]
    assert entry_lines(LogEntry(1.0, TX, "AT"), Presentation(typed_tx=False)) == []


def test_a_sent_payload_is_previewed_or_dumped_even_when_typed_lines_are_not_shown():
    entry = LogEntry(1.0, TX, "AT+S.SOCKW=0,5", payload=b"hello")
    assert [text for _, text in entry_lines(entry, Presentation(typed_tx=False))] == [
        "> AT+S.SOCKW=0,5", "> [5 payload bytes] hello"]
    dumped = entry_lines(entry, Presentation(hex=True), stamp="+   0.100 ")
    assert [text for _, text in dumped] == [
        "+   0.100 > AT+S.SOCKW=0,5", "+   0.100 > [5 payload bytes]",
        "            000000  68 65 6c 6c 6f" + " " * 33 + "  hello"]
    assert {style for style, _ in dumped} == {styles.TX}


def test_a_received_payload_by_line_with_line_ends_or_as_hex():
    entry = _data(b"HTTP/1.0 200 OK\r\n\r\nbody\rmore\n")
    assert [text for _, text in entry_lines(entry, PLAIN)] == ["< HTTP/1.0 200 OK", "< ", "< body", "< more"]
    assert entry_lines(entry, Presentation(controls=True)) == [(DATA, "< HTTP/1.0 200 OK\\r\\n\\r\\nbody\\rmore\\n")]
    assert entry_lines(entry, Presentation(whole_payloads=True)) == entry_lines(entry, Presentation(controls=True))
    assert format_entry(entry) == "< HTTP/1.0 200 OK\\r\\n\\r\\nbody\\rmore\\n\n"
    hexed = entry_lines(entry, Presentation(hex=True, hex_per_row=8))
    assert hexed[0] == (DATA, "< [29 bytes]") and len(hexed) == 1 + 4
    assert hexed[1][1] == "  000000  48 54 54 50 2f 31 2e 30  HTTP/1.0"
    assert entry_lines(_data(b""), PLAIN) == [(DATA, "< ")]


def test_a_line_cut_at_the_decoders_bound_is_marked_on_its_last_row():
    assert entry_lines(_line(INFO, "zzz", continued=True), PLAIN) == [(INFO, "< zzz" + CONTINUED_MARK)]
    rows = entry_lines(_data(b"a\nbbb", continued=True), PLAIN)
    assert [text for _, text in rows] == ["< a", "< bbb" + CONTINUED_MARK]


def test_line_ends_shown_give_the_module_line_as_it_came():
    lines = entry_lines(_line(OK, "AT-S.OK"), Presentation(controls=True))
    assert lines == [(OK, "< AT-S.OK\\r\\n")]


def test_outside_text_goes_through_the_front_ends_escape():
    entry = LogEntry(1.0, NOTE, "a\tb\x1b]52;c;x\x07")
    assert entry_lines(entry, PLAIN)[0][1] == "# a\\tb\\x1b]52;c;x\\x07"
    keep_tab = Presentation(escape=printer.safe)
    assert entry_lines(entry, keep_tab)[0][1] == "# a\tb\\x1b]52;c;x\\x07"


# -- the hex dump and the preview ---------------------------------------------------------------

def test_hex_rows_have_aligned_offsets_and_an_ascii_column():
    rows = hex_rows(bytes(range(0x3e, 0x3e + 20)))
    assert rows[0] == "000000  3e 3f 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d  >?@ABCDEFGHIJKLM"
    assert rows[1] == "000010  4e 4f 50 51" + " " * 36 + "  NOPQ"
    assert hex_rows(b"\x00\x1b\x7f\xff") == ["000000  00 1b 7f ff" + " " * 36 + "  ...."]
    assert hex_rows(b"") == []
    assert hex_rows(bytes(70000))[-1].startswith("011160  ")  # past 64 KiB, still six digits


@given(data=st.binary(max_size=80), per_row=st.sampled_from([8, 16]))
def test_hex_row_width_is_what_hex_rows_make(data, per_row):
    for index, row in enumerate(hex_rows(data, per_row)):
        assert len(row) == hex_row_width(per_row, len(data[index * per_row:(index + 1) * per_row]))
        assert row.isascii() and row.isprintable()


def test_a_sent_payload_previews_as_text_only_when_it_is_printable_text():
    assert payload_preview(b"GET / HTTP/1.1\r\n") == "GET / HTTP/1.1\\r\\n"
    assert payload_preview(b"caf\xc3\xa9") == "café"
    assert payload_preview(b"\xd5\xa4") == "hex d5 a4"  # valid UTF-8, but one letter would hide two bytes
    assert payload_preview(b"\x30\x82\x01\x0a") == "hex 30 82 01 0a"  # DER
    assert payload_preview(b"\x1b]52;c;x\x07") == "hex 1b 5d 35 32 3b 63 3b 78 07"
    assert payload_preview(b"a\\x1b") == "a\\\\x1b"  # the four characters, not the byte ESC
    assert payload_preview(bytes(100)) == "hex " + " ".join(["00"] * 66) + " …"
    assert payload_preview(b"x" * 300) == "x" * 200 + " …"
    assert payload_preview(b"x" * 300, columns=48) == "x" * 48 + " …"
    assert payload_preview(bytes(20), columns=48) == "hex " + " ".join(["00"] * 16) + " …"


# -- hostile text: whatever the entry holds, every line is printable and one line ---------------

_HOSTILE_BYTES = [piece.encode("utf-8", "surrogatepass") for piece in HOSTILE]
_module_bytes = st.lists(st.one_of(st.sampled_from([b"AT-S.ERROR:17:", b"+WIND:55:x:", b"AT-S.Reading:5:", b"\r\n",
                                                    b"\r", b"\n", b"\x9b", b"\xff"]),
                                   st.sampled_from(_HOSTILE_BYTES), st.binary(max_size=6)), max_size=20).map(b"".join)
_hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6)), max_size=6).map("".join)
_views = st.builds(Presentation, hex=st.booleans(), hex_per_row=st.sampled_from([8, 16]), controls=st.booleans(),
                   whole_payloads=st.booleans(), typed_tx=st.booleans(), preview_columns=st.integers(1, 200))
_FUZZ = settings(max_examples=budget(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _entries(data: bytes, text: str, payload: bytes) -> list[LogEntry]:
    decoder, explainer = RxDecoder(), Explainer()
    events = [*decoder.feed(data), *decoder.flush()]
    return [*(LogEntry(1.0, RX, event=event, explain=explainer.explain(event)) for event in events),
            LogEntry(1.0, RX, text, Event(ERROR, text.encode("utf-8", "surrogatepass"), text), explain=text),
            LogEntry(2.0, NOTE, text), LogEntry(3.0, TX, text), LogEntry(3.5, TX, text, payload=payload)]


@_FUZZ
@given(data=_module_bytes, text=_hostile_text, payload=_module_bytes, view=_views,
       stamp=st.sampled_from(["", "+   0.250 "]))
def test_hostile_entries_give_printable_lines_with_known_styles(data, text, payload, view, stamp):
    for entry in _entries(data, text, payload):
        for style, text in entry_lines(entry, view, stamp):
            assert dangerous(text) == [] and "\n" not in text, repr(text)
            assert style in styles.LOOKS and text.startswith((stamp, " " * len(stamp)))


@_FUZZ
@given(data=_module_bytes, text=_hostile_text, payload=_module_bytes, hex_view=st.booleans())
def test_the_tui_the_repl_and_run_say_the_same_for_the_same_entry(data, text, payload, hex_view):
    """The three formatters that drifted apart now differ only in what their medium needs:
    the REPL keeps TABs (its terminal lays them out), both line front ends shorten the preview
    of a sent payload (48 columns, the TUI 200), and ``run`` keeps a payload piece whole."""
    text = text.replace("\t", " ")
    payload = payload[:16]  # within every front end's preview: the same preview everywhere
    for entry in _entries(data.replace(b"\t", b" "), text, payload):
        tui = [(row.style, row.text) for row in rows_for(entry, ViewOptions(hex_payloads=hex_view), None)]
        repl = [(style.removeprefix("class:"), shown.removesuffix("\n"))
                for style, shown in printer.entry_fragments(entry, printer.View(hex=hex_view))]
        assert repl == tui
        if hex_view:
            continue
        if entry.event is not None and entry.event.kind == DATA:
            # run's transcript shows a payload piece whole, line ends escaped: as the TUI's "c" does.
            tui = [(row.style, row.text) for row in rows_for(entry, ViewOptions(show_controls=True), None)]
        assert format_entry(entry) == "".join(shown + "\n" for _, shown in tui)


# -- looks: the front ends' style tables come from the one table --------------------------------

def test_the_tui_and_the_repl_map_every_style_name_to_the_same_look():
    assert set(RICH_STYLES) == set(printer.STYLE_RULES) == set(styles.LOOKS)
    for name, look in styles.LOOKS.items():
        rich, rule = RICH_STYLES[name], printer.STYLE_RULES[name].split()
        assert (rich.color.name if rich.color else None) == look.colour
        assert (f"ansi{look.colour}" in rule) == bool(look.colour)
        for attribute in ("bold", "dim", "italic"):
            assert bool(getattr(rich, attribute)) == getattr(look, attribute) == (attribute in rule), (name, attribute)


def test_the_looks_keep_the_tuis_calm_palette():
    # Notes blue, received payloads magenta, explanations dim: the TUI's, which the REPL swapped
    # (notes magenta, data blue) and coloured (explanations red).
    assert styles.LOOKS[styles.NOTE] == styles.Look("blue", italic=True)
    assert styles.LOOKS[DATA] == styles.Look("magenta")
    assert styles.LOOKS[styles.EXPLANATION] == styles.Look(dim=True, italic=True)


def test_sgr_sequences_for_plain_terminals_and_casts():
    assert styles.sgr(styles.TX) == "\x1b[36;1m"
    assert styles.sgr(styles.NOTE) == "\x1b[34;3m"
    assert styles.sgr(INFO) == "" and styles.SGR_RESET == "\x1b[0m"


# -- the module clock and the port facts --------------------------------------------------------

def test_the_clock_in_words_with_the_advice_where_it_is_needed():
    now = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.timezone.utc).timestamp()
    assert clock_text(now) == "2026-12-07 08:00:00 UTC"
    assert clock_text(None) == f"unknown ({CLOCK_ADVICE})" and "AT+S.TIME" in CLOCK_ADVICE
    assert clock_text(300.0) == "1970-01-01 00:05:00 UTC — not set (1970s): TLS will fail"
    assert utc_text(1e20) == "100000000000000000000 s since 1970 (out of the calendar's range)"
    assert clock_text(1e20).startswith("100000000000000000000 s since 1970")
    assert offset_text(0.6) == "in step with the host"
    assert offset_text(12.2) == "12 s ahead of the host" and offset_text(-3) == "3 s behind the host"


def test_modem_lines_and_the_speed_offer_in_words():
    lines = {"cd": True, "cts": True, "dsr": False}
    assert modem_lines_text(lines) == "CTS on  DSR off  CD on"
    assert modem_lines_marks(lines) == "CTS● DSR○ CD●"
    assert modem_lines_text(None) == NO_MODEM_LINES
    assert speed_offer_text(921600, "F7") == "the module talks at 921600 baud now: F7 follows"


def test_the_presentation_benchmark_runs_and_reports_every_front_end():
    from benchmarks import present

    result = present.run(megabytes=0.05, trials=1)  # that it runs; the figures are the machine's
    assert result["present_entries"] > 100
    for name in present.FRONT_ENDS:
        assert result[f"present_{name}_mbps"] > 0 and result[f"present_{name}_ratio"] > 0
