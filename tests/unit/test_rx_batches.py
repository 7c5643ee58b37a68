"""The RX path's batch shortcuts give what the line-by-line rules give.

The session hands entries over a batch at a time, redacts a batch with one look when it holds
no secret assignment, keeps recent events in whole batches and the decoder keeps two tables of
known lines. Each shortcut is checked here against the plain rule it stands in for.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from spwf_tui.core import decoder as decoder_module
from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.events import WIND
from spwf_tui.core.redact import holds_secret_assignment, redact_text
from spwf_tui.session.log import NOTE, RX, TX, EntryBuffer, LogEntry, lines_not_shown
from spwf_tui.session.recording.replay import NullTransport
from spwf_tui.session.session import RECENT_EVENTS, Session
from spwf_tui.session.redacted_entries import RedactingEntryBuffer, redact_entry
from spwf_tui.transport.settings import PortSettings
from tests.support.fuzz import budget


def _session() -> Session:
    session = Session(PortSettings("/dev/ttyX"), transport=NullTransport(), reconnect=False)
    session.open()
    return session


TEXT_PIECES = st.sampled_from([
    "AT-S.Var:wifi_ssid=home", "AT-S.Var:WIFI_WPA_PSK_TEXT=", "at+s.scfg= wifi_eap_passwd ,", "AT-S.Var: aes128_key=",
    "S.Var:wifi_wep_keys[3]=", "AT-S.OK", "\n", " ", "x", "é", "K", "ſ",
])


@settings(max_examples=budget(300), deadline=None)
@given(st.lists(st.one_of(TEXT_PIECES, st.text(max_size=8)), max_size=12).map("".join))
def test_the_batch_test_never_misses_what_redact_text_would_change(text):
    if redact_text(text)[0] != text:
        assert holds_secret_assignment(text)


def test_a_batch_with_one_secret_line_is_redacted_line_by_line_and_others_pass_as_they_are():
    session = _session()
    dump = b"".join(b"AT-S.Var:wifi_ssid=net%d\r\n" % i for i in range(40))
    session.data_received(dump + b"AT-S.Var:wifi_wpa_psk_text=hunter22\r\n" + dump)
    shown = [e for e in session.entries.drain() if e.direction == RX]
    assert [e.text for e in shown if "psk" in e.text] == ["AT-S.Var:wifi_wpa_psk_text=********"]
    assert len(shown) == 81
    session.data_received(dump)
    plain = [e for e in session.entries.drain() if e.direction == RX]
    assert all(redact_entry(e) is e for e in plain) and len(plain) == 40
    session.close()


def test_extend_counts_what_a_full_buffer_drops():
    buffer = EntryBuffer(max_entries=5)
    buffer.extend([LogEntry(0.0, TX, str(i)) for i in range(3)])
    buffer.extend([LogEntry(0.0, TX, str(i)) for i in range(3, 9)])
    assert buffer.dropped == 4
    assert [e.text for e in buffer.drain()] == [lines_not_shown(4), "4", "5", "6", "7", "8"]  # notes: test_entry_buffer
    redacting = RedactingEntryBuffer(max_entries=2)
    redacting.extend([LogEntry(0.0, NOTE, "AT+S.SCFG=wifi_wpa_psk_text,abc"), LogEntry(0.0, NOTE, "ok")])
    assert [e.text for e in redacting.drain()] == ["AT+S.SCFG=wifi_wpa_psk_text,***", "ok"]


def test_wait_for_event_finds_events_across_batches_and_only_after_the_mark():
    session = _session()
    session.data_received(b"+WIND:55:Pending Data:0:1:1\r\n")
    mark = session.event_seq
    for _ in range(3):
        session.data_received(b"AT-S.OK\r\n" * 200)
    session.data_received(b"AT-S.OK\r\n+WIND:55:Pending Data:0:2:2\r\n")
    found = session.wait_for_event(lambda e: e.kind == WIND and e.code == 55, 0.1, mark)
    assert found is not None and found.fields[-1] == "2"
    assert session.wait_for_event(lambda e: e.kind == WIND, 0.05, session.event_seq) is None
    session.close()


def test_recent_events_stay_bounded_but_hold_at_least_the_last_thousand():
    session = _session()
    for _ in range(60):
        session.data_received(b"AT-S.OK\r\n" * 97)
    assert RECENT_EVENTS <= session._recent_count <= RECENT_EVENTS + 97
    assert session._recent_count == sum(len(batch) for _, batch, _ in session._recent)
    first_kept = session._recent[0][0]
    assert first_kept <= session.event_seq - RECENT_EVENTS + 1
    session.close()


def test_the_known_line_tables_never_change_the_events(monkeypatch):
    # Small tables so that many generations pass; every line decoded again by a fresh decoder.
    monkeypatch.setattr(decoder_module, "KNOWN_LINES", 8)
    rng = random.Random(3)
    lines = [b"+WIND:55:Pending Data:%d:%d:%d\r\n" % (rng.randrange(3), n, n) for n in rng.choices(range(40), k=600)]
    lines += [b"AT-S.OK\r\n", b"   \r\n"] * 50
    rng.shuffle(lines)
    cached = RxDecoder().feed(b"".join(lines))
    fresh = [event for line in lines for event in RxDecoder().feed(line)]
    assert cached == fresh
