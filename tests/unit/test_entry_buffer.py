"""The entry buffer between the RX thread and a front end (issue 13 §6): when a front end falls
behind, dropped lines are counted where they were dropped and notes are never dropped."""

from __future__ import annotations

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.session.log import NOTE, RX, TX, EntryBuffer, LogEntry, lines_not_shown
from spwf_tui.session.redacted_entries import RedactingEntryBuffer


def _texts(entries: list[LogEntry]) -> list[str]:
    return [entry.text for entry in entries]


def test_nothing_changes_while_the_front_end_keeps_up():
    buffer = EntryBuffer(max_entries=3)
    buffer.extend([LogEntry(0, RX, "a"), LogEntry(1, TX, "b"), LogEntry(2, NOTE, "c")])
    assert _texts(buffer.drain()) == ["a", "b", "c"] and buffer.dropped == 0
    assert buffer.drain() == []


def test_each_run_of_dropped_lines_becomes_one_note_in_its_place_and_notes_stay():
    buffer = EntryBuffer(max_entries=4)
    for i in range(20):
        buffer.append(LogEntry(i, NOTE if i in (5, 6, 12) else RX, f"e{i}"))
    assert _texts(buffer.drain()) == [lines_not_shown(5), "e5", "e6", lines_not_shown(5), "e12",
                                      lines_not_shown(3), "e16", "e17", "e18", "e19"]
    assert buffer.dropped == 13
    assert lines_not_shown(50_001).startswith("50,001 lines not shown: ")
    assert lines_not_shown(1).startswith("1 line not shown: ")


def test_a_batch_larger_than_the_buffer_is_counted_too():
    buffer = EntryBuffer(max_entries=10)
    buffer.extend([LogEntry(i, RX, str(i)) for i in range(100_000)])
    buffer.append(LogEntry(0, NOTE, "warning: recording stopped"))
    drained = buffer.drain()
    assert drained[0].text == lines_not_shown(99_991) and drained[0].direction == NOTE
    assert drained[-1].text == "warning: recording stopped" and len(drained) == 11


def test_notes_nobody_drains_stay_bounded():
    buffer = EntryBuffer(max_entries=10)
    for i in range(1000):
        buffer.append(LogEntry(i, NOTE, f"n{i}"))
    assert len(buffer.drain()) <= 2 * 10 + 1


def test_the_redacting_buffer_counts_the_same_way():
    def rx(i: int) -> LogEntry:
        return LogEntry(i, RX, None, RxDecoder().feed(f"r{i}\r\n".encode())[0])

    buffer = RedactingEntryBuffer(max_entries=2)
    buffer.extend([LogEntry(0, NOTE, "note AT+S.SCFG=wifi_wpa_psk_text,secret")] +
                  [LogEntry(i, NOTE, f"r{i}") if i == 3 else rx(i) for i in range(1, 6)])
    texts = _texts(buffer.drain())
    assert texts[1:] == [lines_not_shown(2), "r3", "r4", "r5"]
    assert "secret" not in texts[0]


def _noise_line(i: int, size: int) -> LogEntry:
    event = RxDecoder().feed(bytes([0x41 + i % 26]) * size + b"\r\n")[0]
    return LogEntry(i, RX, None, event)


def test_long_lines_are_bounded_by_their_bytes_not_only_their_count():
    # 64 KiB lines of noise: 50,000 of them would be 3 GB; the buffer keeps max_bytes of them.
    buffer = EntryBuffer(max_entries=50_000, max_bytes=1_000_000)
    for i in range(100):
        buffer.extend([_noise_line(i, 65_536)], received=True)
    drained = buffer.drain()
    kept = drained[1:]
    assert drained[0].direction == NOTE and drained[0].text == lines_not_shown(100 - len(kept))
    assert sum(len(entry.event.raw) for entry in kept) <= 1_000_000
    assert [entry.time for entry in kept] == list(range(100 - len(kept), 100)) and len(kept) == 15
    # Drained, the buffer counts from zero again: the next lines are all kept.
    buffer.extend([_noise_line(i, 65_536) for i in range(10)])
    assert len(buffer.drain()) == 10


def test_one_entry_larger_than_the_bound_is_still_shown():
    buffer = EntryBuffer(max_bytes=1000)
    buffer.extend([_noise_line(0, 10), _noise_line(1, 5000)])
    drained = buffer.drain()
    assert [entry.text for entry in drained[:1]] == [lines_not_shown(1)]
    assert [entry.time for entry in drained[1:]] == [1]


def test_bytes_of_reads_that_made_no_entry_do_not_starve_the_buffer():
    # The RX path counts whole reads; blank lines (and a line still arriving) are in the read but
    # make no entry. Never drained, the count must not drift until every new line is dropped.
    buffer = EntryBuffer(max_bytes=1000)
    for i in range(10_000):
        buffer.extend([_noise_line(i, 8)], received=True, size=10 + 200)  # 200 bytes of blank lines
    kept = buffer.drain()[1:]
    assert len(kept) >= 7 * 1000 // 8 // 10 - 21 and [entry.time for entry in kept] == list(range(10_000 - len(kept), 10_000))
