"""The RX path's look at a whole batch of lines: on their bytes, never missing a line's secret.

``RedactingEntryBuffer.extend`` redacts line by line only when
``lines_hold_secret_assignment`` says some line of the batch holds a secret assignment. It looks
at the lines' bytes (issue 19, round five), where ``redact_text`` looks at each line's text: a
line whose text it would redact must be seen, hostile bytes included, or a secret reaches the screen.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from spwf_tui.core.events import bytes_to_text
from spwf_tui.core.redact import SECRET_VARIABLES, holds_secret_assignment, lines_hold_secret_assignment, redact_text
from spwf_tui.session.redacted_entries import RedactingEntryBuffer
from spwf_tui.session.session import Session
from spwf_tui.session.recording.replay import NullTransport
from spwf_tui.transport.settings import PortSettings
from tests.support.fuzz import budget

_NAME = sorted(SECRET_VARIABLES)[0].lower()
_PIECES = st.sampled_from([
    b"AT-S.Var:", b"at-s.var:", b"AT+S.SCFG=", b"AT+S.scfg =", f"{_NAME}".encode(), f"{_NAME.upper()}".encode(),
    b"wifi_ssid", b"=", b" ", b"\t", b"secret", b"\xff", b"\xc3\xa9", b"\xe2\x84\xaa", b"\xc4\xb0", b"S", b"VAR:", b"\x00",
])
_LINE = st.lists(st.one_of(_PIECES, st.binary(max_size=6)), max_size=8).map(b"".join).map(
    lambda content: content.replace(b"\r", b"").replace(b"\n", b""))


@settings(max_examples=budget(600), deadline=None)
@given(lines=st.lists(st.tuples(_LINE, st.sampled_from([b"\r\n", b"\n", b"\r"])), min_size=1, max_size=6))
@example(lines=[(b"AT-S.Var:" + _NAME.encode() + b"=x", b"\r\n")])
@example(lines=[(b"AT+S.SCFG=" + _NAME.encode() + b",\xffx", b"\r\n")])
@example(lines=[(b"AT+S.SCFG=" + _NAME.encode() + b"\xff", b"\r\n")])
def test_the_bytes_of_a_batch_hold_a_secret_whenever_a_line_s_text_does(lines):
    texts = [bytes_to_text(content) for content, _end in lines]
    held = lines_hold_secret_assignment(b"".join(content + end for content, end in lines))
    if any(redact_text(text)[0] != text for text in texts):
        assert held  # a miss would show a secret
    joined = "\n".join(texts)
    if joined.isascii():
        assert held == holds_secret_assignment(joined)  # the text rule it replaces on the RX path


def test_a_batch_with_a_secret_line_is_redacted_and_one_without_is_handed_on_as_it_is():
    session = Session(PortSettings("test"), transport=NullTransport())
    assert isinstance(session.entries, RedactingEntryBuffer)
    session.data_received(b"+WIND:55:Pending Data:0:5:5\r\nAT-S.Var:" + _NAME.encode() + b"=hunter2\r\nAT-S.OK\r\n")
    session.data_received(b"AT-S.Var:wifi_ssid=hunter2\r\nAT-S.OK\r\n")
    texts = [entry.text for entry in session.entries.drain()]
    assert not any("hunter2" in text for text in texts[:3])
    assert any(text.startswith(f"AT-S.Var:{_NAME}=") and text.endswith("*******") for text in texts)
    assert "AT-S.Var:wifi_ssid=hunter2" in texts
