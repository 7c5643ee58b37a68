"""The REPL's batches as one string (``repl/rendered.py``): the text and looks of entry-by-entry
printing, whatever was printed before (the kept text of repeated lines), on hostile bytes."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.display import visible, visible_decoded
from spwf_tui.core.events import DATA, ERROR, bytes_to_text
from spwf_tui.core.logentry import NOTE, RX, TX, LogEntry
from spwf_tui.core.present import styles
from spwf_tui.repl.printer import View, entry_fragments, to_plain
from spwf_tui.repl.rendered import KEPT_LINES, BatchRenderer
from tests.support.fuzz import budget

STARTS = {name: f"\x01{name}\x02" for name in styles.LOOKS}
"""Stand-ins for the looks' escape sequences: where each starts can be read back. Control
characters, which no outside text reaches the terminal as (``visible`` escapes them): a module
line ``<0>`` read as a look started is how a plain ``<name>`` failed."""

_module_output = st.lists(
    st.one_of(st.sampled_from([b"AT-S.OK\r\n", b"+WIND:55:Pending Data::0:5:5\r\n", b"AT-S.Reading:5:5\r\n",
                               b"AT-S.ERROR:74:Failed\r\n", b"\x1b[2J\r\n", b"caf\xc3\xa9\r\n", b"\xcc\x81x\r\n",
                               b"a\tb\rc\r\n", b"AT-S.Http Server Status Code:200\r\n", b"\t\xcc\x81\t\xff\xcc\x81\r\n",
                               "\u0301\u200b\u202e\U0001f600\ufe0f\u00ad\u0085x\r\n".encode(), b"\xed\xb2\x80\r\n"]),
              st.binary(max_size=30), st.text(max_size=20).map(str.encode)),
    max_size=20).map(b"".join)


def _entries(decoder: RxDecoder, data: bytes) -> list[LogEntry]:
    return [LogEntry(0.0, RX, None if e.kind == DATA else e.text, e, "why\x1b\u0301" if e.kind == ERROR else None)
            for e in decoder.feed(data) + decoder.flush()]


def _one_by_one(entries: list[LogEntry], view: View) -> list[tuple[str, str]]:
    """(style name, line) of every line, as ``entry_fragments`` prints them one entry at a time."""
    return [(style.removeprefix("class:"), line) for entry in entries
            for style, text in entry_fragments(entry, view) for line in text.splitlines()]


def _read_back(text: str) -> list[tuple[str, str]]:
    """The (style name, line) pairs of a styled batch: each line's style is the last look started."""
    assert text.endswith("<reset>") or text == ""
    style, out = None, []
    for line in text.removesuffix("<reset>").split("\r\n")[:-1]:
        looks = re.findall(r"\x01(\w+)\x02", line)
        if looks:
            style = looks[-1]
        out.append((style, re.sub(r"\x01\w+\x02", "", line)))
    return out


@settings(max_examples=budget(300), deadline=None)
@given(batches=st.lists(_module_output, min_size=1, max_size=4), hex_views=st.lists(st.booleans(), min_size=4,
                                                                                     max_size=4),
       note=st.text(max_size=10))
def test_a_batch_is_what_entry_by_entry_printing_shows_however_often_a_line_repeats(batches, hex_views, note):
    # One decoder for all batches: it hands on the same Event for a line it has seen (kept text
    # reused); the view switches between batches as ``:hex`` does.
    decoder = RxDecoder()
    styled, plain = BatchRenderer(STARTS, "<reset>", "\r\n"), BatchRenderer()
    for data, hex_view in zip(batches * 2, hex_views * 2):
        entries = _entries(decoder, data)
        entries.insert(len(entries) // 2, LogEntry(0.0, NOTE, note))
        entries.append(LogEntry(0.0, TX, "AT+S.SOCKW=0,3", payload=b"a\x1b\t"))
        view = View(hex=hex_view)
        expected = _one_by_one(entries, view)
        assert _read_back(styled.batch(entries, view.presentation())) == expected
        assert plain.batch(entries, view.presentation()) == to_plain(
            [fragment for entry in entries for fragment in entry_fragments(entry, view)])


def test_a_kept_line_is_shown_only_for_its_own_event_text_and_explanation():
    decoder = RxDecoder()
    renderer = BatchRenderer()
    view = View().presentation()
    first = _entries(decoder, b"AT-S.ERROR:74:Failed\r\n")[0]
    assert renderer.batch([first], view) == "< AT-S.ERROR:74:Failed\n  ↳ why\\x1b\\u0301\n"
    again = _entries(decoder, b"AT-S.ERROR:74:Failed\r\n")[0]
    assert again.event is first.event  # the decoder's known line: the kept text serves it
    # The same event with another explanation (it depends on the command before) or another
    # text (a redacted copy) is made again, not taken from what was kept.
    explained = LogEntry(0.0, RX, None, first.event, "another \x07reason")
    redacted = LogEntry(0.0, RX, "AT-S.ERROR:74:***", first.event, "why\x1b\u0301")
    assert renderer.batch([again, explained, redacted, again], view) == (
        "< AT-S.ERROR:74:Failed\n  ↳ why\\x1b\\u0301\n"
        "< AT-S.ERROR:74:Failed\n  ↳ another \\x07reason\n"
        "< AT-S.ERROR:74:***\n  ↳ why\\x1b\\u0301\n"
        "< AT-S.ERROR:74:Failed\n  ↳ why\\x1b\\u0301\n")


def test_what_is_kept_stays_bounded_and_right_after_many_distinct_lines():
    decoder = RxDecoder()
    renderer = BatchRenderer()
    view = View().presentation()
    lines = [f"+WIND:55:Pending Data::0:{n}:{n}\r\n".encode() for n in range(3 * KEPT_LINES)]
    for _ in range(2):
        entries = _entries(decoder, b"".join(lines))
        assert renderer.batch(entries, view) == "".join(f"< {line.decode().strip()}\n" for line in lines)
    assert len(renderer._kept) <= KEPT_LINES and len(renderer._kept_before) <= KEPT_LINES


@settings(max_examples=budget(500), deadline=None)
@given(data=st.one_of(st.binary(max_size=60), st.text(max_size=30).map(str.encode),
                      st.lists(st.sampled_from([b"\t", b"\xcc\x81", b"a", b"\xff", b"\xe2\x80\xae", b"\x1b"]),
                               max_size=12).map(b"".join)))
def test_visible_decoded_with_tab_kept_is_visible_of_the_text(data):
    assert visible_decoded(data, keep="\t") == visible(bytes_to_text(data), keep="\t")
    assert visible_decoded(data) == visible(bytes_to_text(data))
