"""The decoder's cheap classification of a new line gives exactly the general rule's answer.

``RxDecoder._line_event`` dispatches on a line's first bytes (``+WIND:``, ``AT-S.``, ``AT+``) and
skips the resync search for lines that hold neither prefix; ``classify_wind`` looks the usual
WIND numbers and texts up in tables. Both are checked against the plain definitions they
replace, on lines that sit at every edge of the dispatch (issue 19, round five).
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from spwf_tui.core import catalog
from spwf_tui.core.classify import MAX_WIND, classify_parts, classify_wind
from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.digits import ascii_int
from spwf_tui.core.events import OTHER, WIND, Event, bytes_to_text
from tests.support.fuzz import budget

_RESYNC = re.compile(rb"AT-S\.|\+WIND:[0-9]{1,3}(?=:|\Z)")


def reference_line_event(raw: bytes, content: bytes) -> Event | tuple[Event, Event] | None:
    """What the decoder made of a new line before the fast dispatch (None: a blank line)."""
    if not content or content.isspace():
        return None
    text = content.decode("utf-8", "backslashreplace")
    kind, code, label, fields = classify_parts(text)
    if kind == OTHER:
        found = _RESYNC.search(content, 1)
        if found:
            start = found.start()
            rest = content[start:].decode("utf-8", "backslashreplace")
            parts = classify_parts(rest)
            if parts[0] != OTHER:
                head = raw[:start]
                return Event(OTHER, head, bytes_to_text(head)), Event(parts[0], raw[start:], rest, *parts[1:])
    return Event(kind, raw, text, code, label, fields)


def reference_wind(rest: str) -> tuple:
    """``classify_wind`` as it was: ``ascii_int`` and the catalog's entry, every time."""
    number_text, _, tail = rest.partition(":")
    number = ascii_int(number_text, MAX_WIND)
    if number is None:
        return (OTHER, None, None, ())
    known = catalog.wind(number)
    known_text = known.text if known else None
    if known_text and tail.startswith(known_text):
        after = tail[len(known_text):]
        fields = (known_text, *after[1:].split(":")) if after.startswith(":") else (tail,)
    else:
        fields = tuple(tail.split(":")) if tail else ()
    return (WIND, number, None, fields)


_HEADS = st.sampled_from([b"", b"+WIND:", b"+WIND:55:Pending Data:", b"+WIND:007:", b"+WIND:1000:", b"+wind:1:",
                          b"AT-S.", b"AT-S.OK", b"AT-S.ERROR:", b"AT-S.Reading:", b"at-s.Var:", b"AT+", b"AT+S.SOCKR=",
                          b"at+s.", b"AT", b"ATE0", b"\x00", b"\xff+WIND:24:", b"noise AT-S.OK", b"1:\t BSS "])
_TAILS = st.one_of(st.binary(max_size=24), st.text(alphabet="0123456789:AT-S.+WIND ", max_size=24).map(str.encode))


@settings(max_examples=budget(500), deadline=None)
@given(head=_HEADS, tail=_TAILS, end=st.sampled_from([b"\r\n", b"\n", b"\r"]))
@example(head=b"+WIND:", tail=b"\xe2\x82", end=b"\r\n")
@example(head=b"AT+", tail=b"", end=b"\r\n")
def test_the_fast_dispatch_classifies_a_new_line_as_the_general_rule_does(head, tail, end):
    content = (head + tail).replace(b"\r", b"").replace(b"\n", b"")
    raw = content + end
    got = RxDecoder()._line_event(raw, content)
    expected = reference_line_event(raw, content)
    if expected is None:
        assert got is not None and got.raw == b"" and got.kind == OTHER  # the decoder's blank marker
    else:
        assert got == expected


@settings(max_examples=budget(500), deadline=None)
@given(number=st.one_of(st.integers(min_value=0, max_value=1200).map(str), st.text(alphabet="0123456789²٣ -", max_size=6),
                        st.sampled_from(["007", "0055", "00000000000000000000001", "999", "1000"])),
       tail=st.one_of(st.sampled_from(["", ":", "Pending Data:0:5:5", "Console active", "WiFi Up:0:10.0.0.2",
                                       "Hardware started:x"]), st.text(max_size=20)))
def test_wind_numbers_and_texts_from_tables_match_the_catalog(number, tail):
    rest = f"{number}:{tail}" if tail or number.endswith("5") else number
    assert classify_wind(rest) == reference_wind(rest)
