"""Issue 13 part 5 and issue 19 part 5 in units: PEM scanning is linear, payload sources are
bounded by the catalog, recordings are read without loading them, exports stream and equal the
whole-string form, and the cast's fast screen equals its per-character definition."""

from __future__ import annotations

import codecs
import json
import os
import re
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spwf_tui.core.certs import blob
from spwf_tui.core.catalog import command as catalog_command
from spwf_tui.core.commandline import payload_limit
from spwf_tui.core.payload import PayloadError, encode
from spwf_tui.export import render, replay_all, stream_export
from spwf_tui.export.cast import _ESCAPE_COLOUR, _NOTE_COLOUR, _RESET, _TX_COLOUR, _Screen
from spwf_tui.inputfiles import FileTooLargeError, NotARegularFileError, read_limited
from spwf_tui.session.recording.reader import EventLog, RecordingError, RecordingStream, parse_recording, read_recording

EXAMPLES = Path(__file__).parent.parent.parent / "recordings"


# -- PEM scanning ----------------------------------------------------------------------------------

@pytest.mark.timeout(30)
def test_five_megabytes_of_begin_lines_are_refused_in_one_pass():
    """The lazy regex this replaces rescanned to the end for every BEGIN: 224 KB took 32 s and
    5.6 MB never finished. The generous timeout only catches a return to that."""
    data = b"-----BEGIN CERTIFICATE-----\n" * (5 * 1024 * 1024 // 28)
    with pytest.raises(blob.TruncatedPemError):
        blob.examine(data)


_LAZY = re.compile(rb"-----BEGIN ([A-Z0-9 ]{1,64})-----(.*?)-----END \1-----", re.DOTALL)
_pieces = st.sampled_from([b"-----BEGIN A-----", b"-----END A-----", b"-----BEGIN B-----", b"-----END B-----",
                           b"x", b"\n", b"-----END A", b"-----BEGIN "])


@given(st.lists(_pieces, max_size=30).map(b"".join))
def test_the_block_scan_finds_what_the_lazy_regex_finds(data):
    blocks, _ = blob.pem_blocks(data)
    assert [(b.label.encode(), b.start, b.end) for b in blocks] == \
        [(m.group(1), m.start(), m.end()) for m in _LAZY.finditer(data)]


# -- payload limits ------------------------------------------------------------------------------

def test_each_tls_object_has_its_limit_in_the_catalog():
    tlscert = catalog_command("TLSCERT")
    assert {name: payload_limit(tlscert, (name, "1"))[0] for name in ("ca", "cert", "key", "auth")} == \
        {"ca": 2560, "cert": 1475, "key": 2560, "auth": 64}
    assert payload_limit(catalog_command("FSC"), ("/f", "1"))[0] == 16 * 1024 * 1024


def test_an_oversize_payload_or_length_is_refused_before_anything_is_sent():
    files = {"key.pem": b"k" * 2561, "ok.pem": b"k" * 2560}
    with pytest.raises(PayloadError, match=r"holds 2,561 bytes, more than AT\+S.TLSCERT=key takes \(2,560 bytes\)"):
        encode("AT+S.TLSCERT=key,@key.pem", files.__getitem__)
    assert encode("AT+S.TLSCERT=key,@ok.pem", files.__getitem__).line == "AT+S.TLSCERT=key,2560"
    with pytest.raises(PayloadError, match="announces 1,476 bytes"):
        encode("AT+S.TLSCERT=cert,1476", files.__getitem__)
    with pytest.raises(PayloadError, match="AT\\+S.WPAECERT=key takes"):
        encode("AT+S.WPAECERT=key,@key.pem", files.__getitem__)


def test_only_regular_files_are_read_and_never_past_the_limit(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFileError, match="is a FIFO"):
        read_limited(fifo)  # opened without blocking: no writer needed to get here
    with pytest.raises(NotARegularFileError, match="is a device"):
        read_limited("/dev/zero")
    (tmp_path / "f").write_bytes(b"x" * 101)
    with pytest.raises(FileTooLargeError, match="101 bytes, more than the 100 bytes"):
        read_limited(tmp_path / "f", limit=100)
    assert read_limited(tmp_path / "f", limit=101) == b"x" * 101


# -- recordings ---------------------------------------------------------------------------------

def test_a_recording_is_indexed_not_held(tmp_path):
    """A recording of 20 MB of payload costs the index, not the payload."""
    header = (EXAMPLES / "seed-tls-20-byte-auth.jsonl").read_text().splitlines()[0]
    chunk = json.dumps({"t": 1.0, "dir": "rx", "text": "AT-S.Reading:4096:4096\r\n" + "x" * 4096})
    path = tmp_path / "big.jsonl"
    path.write_text(header + "\n" + "\n".join([chunk] * 5000) + "\n")
    tracemalloc.start()
    try:
        recording = read_recording(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(recording.events, EventLog) and len(recording.events) == 5000
    assert peak < 4 * 1024 * 1024, peak  # the file is 20 MB; one line is 4 KB
    assert recording.events[4999].data.endswith(b"x" * 4096) and recording.duration == 1.0


def test_a_line_cut_at_the_end_is_dropped_and_said_so():
    data = (EXAMPLES / "seed-tls-20-byte-auth.jsonl").read_bytes()
    cut = data[:data.rindex(b"\n", 0, len(data) - 1) + 20]
    recording = parse_recording(cut, "cut")
    assert recording.truncated and len(recording.events) == len(parse_recording(data).events) - 1


@pytest.mark.parametrize("line, expected", [
    (b'{"t":1,"dir":"rx","text":' + b"[" * 50_000 + b"]" * 50_000 + b"}", "not a JSON object"),
    (b'{"t":1' + b"0" * 5000 + b',"dir":"rx","text":"x"}', "not a JSON object"),
    (b'{"t":1e308,"dir":"rx","text":"x"}', 'time "t" out of range'),
    (b'{"t":-1,"dir":"rx","text":"x"}', 'time "t" out of range'),
    (b'{"t":1,"dir":"rx","text":"x","redacted":[[4294967296,1]]}', '"redacted" must be'),
])
def test_hostile_lines_are_one_recording_error(line, expected):
    header = (EXAMPLES / "seed-tls-20-byte-auth.jsonl").read_bytes().split(b"\n")[0]
    with pytest.raises(RecordingError, match=re.escape(expected)):
        parse_recording(header + b"\n" + line + b"\n", "hostile")


def test_a_hostile_start_time_is_unknown_not_an_overflow():
    header = json.loads((EXAMPLES / "seed-tls-20-byte-auth.jsonl").read_text().splitlines()[0])
    header["started_epoch"] = 1e308
    assert parse_recording(json.dumps(header).encode() + b"\n", "r").started_epoch == 0.0


# -- exports stream ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "markdown", "cast"])
@pytest.mark.parametrize("name", ["seed-tls-20-byte-auth", "seed-tls-40-char-auth"])
def test_a_streamed_export_equals_the_whole_one(name, fmt):
    path = EXAMPLES / f"{name}.jsonl"
    streamed = list(stream_export(RecordingStream(path), fmt))
    assert "".join(streamed) == render(replay_all(read_recording(path)), fmt)


_HOSTILE_BYTES = st.lists(st.sampled_from([
    b"\x1b]52;c;eA==\x07", b"\xc2\x9b2J", b"\xe2\x80\xae", b"\xcc\x81", b"\xff", b"\xc3", b"\x00", b"\r", b"\n",
    b"\t", b"\\", b"'", b"\xf0\x9f\x98\x80", b"\xef\xbb\xbf", b"\xc2\xa0", b"AT-S.OK", b"+WIND:55:Pending Data:0:9",
    b"AT-S.Reading:0:9", b"AT-S.ERROR:17:Invalid", b"x"]), max_size=10).map(b"".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["payload", "rx", "tx", "note"]), _HOSTILE_BYTES), max_size=10))
def test_transcript_lines_need_no_second_escaping(steps):
    """The text and Markdown exports write ``session.transcript``'s lines without escaping them
    again: every outside text in them went through ``visible`` once, so escaping changes nothing."""
    from spwf_tui.export.text import safe, transcript_lines
    from spwf_tui.session.recording.format import encode_bytes

    header = (EXAMPLES / "seed-tls-20-byte-auth.jsonl").read_text().splitlines()[0]
    lines = [header]
    for number, (kind, data) in enumerate(steps):
        event = {"t": number, "dir": "rx" if kind == "payload" else kind}
        if kind == "note":
            event["text"] = data.decode("utf-8", "replace")
        elif kind == "payload":  # a socket read: the payload is shown as it came
            event.update(encode_bytes(b"AT-S.Reading:0:%d\r\n" % len(data) + data + b"AT-S.OK\r\n"))
        else:
            event.update(encode_bytes(data + b"\r\n"))
        lines.append(json.dumps(event))
    replayed = replay_all(parse_recording("\n".join(lines).encode() + b"\n", "hostile"))
    for line in transcript_lines(replayed):
        assert safe(line) == line


def test_a_markdown_fence_outgrows_any_backticks_in_the_transcript(tmp_path):
    header = (EXAMPLES / "seed-tls-20-byte-auth.jsonl").read_text().splitlines()[0]
    path = tmp_path / "fence.jsonl"
    path.write_text(header + "\n" + json.dumps({"t": 1, "dir": "rx", "text": "AT-S.x`````y\r\n"}) + "\n")
    report = "".join(stream_export(RecordingStream(path), "markdown"))
    assert "``````text\n" in report and report.endswith("\n``````\n")


# -- the cast screen --------------------------------------------------------------------------------

class _ReferenceScreen:
    """The cast's screen as first written, one character at a time: the definition the fast
    one must keep."""

    def __init__(self) -> None:
        self.decoders = {d: codecs.getincrementaldecoder("utf-8")(errors="backslashreplace") for d in ("rx", "tx")}
        self.after_cr = {"rx": False, "tx": False}
        self.at_line_start = True

    def stream(self, direction, data, colour):
        out = [colour] if colour else []
        for ch in self.decoders[direction].decode(data):
            if ch == "\n":
                if not (self.after_cr[direction] and direction == "tx"):
                    out.append("\n" if self.after_cr[direction] else "\r\n")
                self.at_line_start = True
            elif ch == "\r":
                out.append("\r\n" if direction == "tx" else "\r")
                self.at_line_start = True
            else:
                if self.at_line_start and direction == "tx":
                    out.append("> ")
                out.append(_shown(ch, colour))
                self.at_line_start = False
            self.after_cr[direction] = ch == "\r"
        if colour:
            out.append(_RESET)
        return "".join(out) if len(out) > (2 if colour else 0) else ""

    def note(self, text):
        prefix = "" if self.at_line_start else "\r\n"
        self.at_line_start = True
        return f"{prefix}{_NOTE_COLOUR}# {''.join(_shown(ch, _NOTE_COLOUR) for ch in text)}{_RESET}\r\n"


def _shown(ch, colour):
    code = ord(ch)
    if ch == "\t" or (0x20 <= code < 0x7F) or code > 0x9F:
        return ch
    return f"{_ESCAPE_COLOUR}\\x{code:02x}{_RESET}{colour}"


_chunks = st.lists(st.sampled_from([b"\r", b"\n", b"a", b"\x1b", b"\t", b"\xc3", b"\xa9", b"\xc2\x9b", b"\x7f",
                                    b"\xff", b" ", b"\x00", b"\xe2\x80\xae", b"\\udc8", b"\xed\xb2\x80"]), max_size=8).map(b"".join)


@settings(max_examples=400)
@given(st.lists(st.tuples(st.sampled_from(["rx", "tx", "note"]), _chunks), max_size=8))
def test_the_fast_cast_screen_equals_the_per_character_one(steps):
    fast, reference = _Screen(), _ReferenceScreen()
    for direction, data in steps:
        if direction == "note":
            text = data.decode("utf-8", "replace")
            assert fast.note(text) == reference.note(text)
        else:
            colour = _TX_COLOUR if direction == "tx" else ""
            assert fast.stream(direction, data, colour) == reference.stream(direction, data, colour)
