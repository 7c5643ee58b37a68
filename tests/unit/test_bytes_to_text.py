"""``core.events.bytes_to_text``: both of its ways give exactly the codec's ``backslashreplace``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spwf_tui.core.events import bytes_to_text
from tests.support.fuzz import budget

# Bytes that make the joints interesting: a backslash and the letters of "\udc" and "\x" next to
# invalid bytes (0x80-0xff not in a sequence), lead bytes, continuation bytes, surrogates'.
_PIECES = st.sampled_from([b"\\", b"u", b"d", b"c", b"x", b"\\u", b"\\ud", b"\\udc", b"\\x", b"dc",
                           b"\x80", b"\xdc", b"\xed\xb3\x80", b"\xc3\xa9", b"\xf0\x9f\x98\x80", b"\xe2\x82",
                           b"\xff", b"\x00\x01\x02", b"A", b"\r\n"])


@settings(max_examples=budget(2000), deadline=None)
@given(data=st.one_of(st.binary(max_size=64), st.lists(_PIECES, max_size=16).map(b"".join)))
def test_the_text_of_bytes_next_to_backslashes_is_the_codecs(data):
    assert bytes_to_text(data) == data.decode("utf-8", "backslashreplace")


@pytest.mark.parametrize("data", [b"\\udc\xff", b"\xff\\udcff", b"\\\xdc", b"\\\\\xdc\x80", b"\\ud\xdc",
                                  b"\xed\xb3\x80\\udc80", b"\x80" * 4096])
def test_the_text_of_bytes_either_way(data):
    # with "\udc" in the bytes the slower way is taken; without it, the codecs' fast handlers
    assert bytes_to_text(data) == data.decode("utf-8", "backslashreplace")
