"""The REPL's pieces without a terminal: formatting, completion, hints, : commands, history, payload."""

from __future__ import annotations

from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from spwf_tui.core.events import DATA, ERROR, Event
from spwf_tui.core.payload import Outgoing, PayloadError, with_typed_payload
from spwf_tui.repl.commands import ColonCommands
from spwf_tui.repl.completer import DEFAULT_HINT, AtCompleter, hint_text
from spwf_tui.history import history_path, kept_out
from spwf_tui.repl.history import open_history
from spwf_tui.repl.printer import View, entry_fragments, safe, to_plain
from spwf_tui.session.log import NOTE, RX, TX, LogEntry
from spwf_tui.session.state import ModuleState

def _completions(text: str, facts=None) -> list[str]:
    completer = AtCompleter(facts)
    document = Document(text, len(text))
    return [text[:len(text) + c.start_position] + c.text for c in completer.get_completions(document, CompleteEvent(completion_requested=True))]


def test_tab_completion_over_the_core_candidates():
    assert _completions("AT+S.SOCKO") == ["AT+S.SOCKON="]
    assert "AT+S.TLSCERT=auth,ski:" in _completions("AT+S.TLSCERT=auth,")
    assert _completions(":he") == [":help", ":hex"]
    assert _completions(":hex o") == [":hex on", ":hex off"]


def test_open_sockets_complete_from_the_module_state():
    state = ModuleState()
    state.sockets = {0: None, 3: None}
    assert _completions("AT+S.SOCKR=", state) == ["AT+S.SOCKR=0", "AT+S.SOCKR=3"]


def test_paths_complete_after_at_ski_and_send_file(tmp_path, monkeypatch):
    (tmp_path / "ca_cert.pem").write_text("x")
    monkeypatch.chdir(tmp_path)
    assert _completions("AT+S.TLSCERT=ca,@ca_") == ["AT+S.TLSCERT=ca,@ca_cert.pem"]
    assert _completions("AT+S.TLSCERT=auth,ski:ca") == ["AT+S.TLSCERT=auth,ski:ca_cert.pem"]
    assert _completions(":send-file ca") == [":send-file ca_cert.pem"]


def test_hints_follow_the_cursor():
    assert hint_text("") == DEFAULT_HINT
    assert hint_text("AT+S.SOCKW=0,").startswith("AT+S.SOCKW=")
    assert "<len>" in hint_text("AT+S.SOCKW=0,")
    assert hint_text(":hex").startswith(":hex on|off")


def _rx(kind: str, text: str, raw: bytes | None = None, explain: str | None = None) -> LogEntry:
    return LogEntry(0.0, RX, text, Event(kind, raw or text.encode() + b"\r\n", text), explain)


def test_entries_are_coloured_by_kind_with_explanations_under_errors():
    frags = entry_fragments(_rx(ERROR, "AT-S.ERROR:74:Failed to open socket", explain="TCP failed."), View())
    # The TUI's marker and look (core/present): one for every front end.
    assert frags == [("class:error", "< AT-S.ERROR:74:Failed to open socket\n"),
                     ("class:explanation", "  ↳ TCP failed.\n")]
    assert entry_fragments(LogEntry(0.0, NOTE, "marker"), View()) == [("class:note", "# marker\n")]


def test_typed_lines_are_not_repeated_but_payloads_are_shown():
    view = View(show_typed_tx=False)
    assert entry_fragments(LogEntry(0.0, TX, "AT"), view) == []
    shown = to_plain(entry_fragments(LogEntry(0.0, TX, "AT+S.SOCKW=0,3", payload=b"abc"), view))
    assert shown == "> AT+S.SOCKW=0,3\n> [3 payload bytes] abc\n"
    binary = to_plain(entry_fragments(LogEntry(0.0, TX, "AT+S.SOCKW=0,3", payload=b"\x00\x01\xff"), view))
    assert binary == "> AT+S.SOCKW=0,3\n> [3 payload bytes] hex 00 01 ff\n"


def test_data_as_lines_or_hex_and_never_raw_control_characters():
    entry = _rx(DATA, "HTTP/1.0 200 ok\r\n\x1b[2J\r\n", raw=b"HTTP/1.0 200 ok\r\n\x1b[2J\r\n")
    assert to_plain(entry_fragments(entry, View())) == "< HTTP/1.0 200 ok\n< \\x1b[2J\n"
    dump = to_plain(entry_fragments(entry, View(hex=True)))
    assert dump.startswith("< [23 bytes]\n  000000  48 54 54 50") and "\x1b" not in dump
    assert "\n  000010  0a 1b 5b 32 4a 0d 0a   " in dump
    assert safe("a\tb\x07") == "a\tb\\x07"


class FakeSession:
    def __init__(self, module_time=None):
        self.state = ModuleState(clock=lambda: 1_700_000_000.0)
        if module_time is not None:
            self.state.clock_offset = module_time - 1_700_000_000.0
        self.notes: list[str] = []
        self.clock = lambda: 1_700_000_000.0

    def note(self, text):
        self.notes.append(text)

    def read_file(self, path):
        return Path(path).read_bytes()


def _colon(session=None):
    shown, sent = [], []
    view = View()
    commands = ColonCommands(session or FakeSession(), view, lambda f: shown.append(to_plain(f)),
                             lambda data, label: sent.append((data, label)))
    return commands, view, shown, sent


def test_colon_commands(tmp_path):
    commands, view, shown, sent = _colon()
    commands.run(":hex on")
    assert view.hex and shown[-1] == "hex display of payloads is on\n"
    commands.run(":time")
    assert "host   2023-11-14 22:13:20 UTC" in shown[-1] and "module unknown" in shown[-1]
    commands.run(":note before reset")
    assert commands.session.notes == ["before reset"]
    (tmp_path / "raw.txt").write_bytes(b"AT\r\n")
    commands.run(f":send-file {tmp_path / 'raw.txt'}")
    assert sent == [(b"AT\r\n", f":send-file {tmp_path / 'raw.txt'}")]
    commands.run(f":send-file {tmp_path / 'none'}")
    assert shown[-1].startswith("! ") and "no such file; nothing sent" in shown[-1]
    commands.run(":frob")
    assert "unknown command ':frob'" in shown[-1]
    commands.run(":help")
    assert ":send-file PATH" in shown[-1]
    assert not commands.quit
    commands.run(":quit")
    assert commands.quit


def test_time_shows_the_module_clock_against_the_host():
    commands, _, shown, _ = _colon(FakeSession(module_time=1_700_000_000.0 - 30))
    commands.run(":time")
    assert "module 2023-11-14 22:12:50 UTC (30 s behind the host)" in shown[-1]


def test_a_typed_payload_must_have_the_announced_length():
    waiting = Outgoing("AT+S.SOCKW=0,5", awaiting_payload=5)
    assert with_typed_payload(waiting, "hello", lambda p: b"").payload == b"hello"
    assert with_typed_payload(waiting, "hex:68 65 6c 6c 6f", lambda p: b"").payload == b"hello"
    with pytest.raises(PayloadError, match="announces 5 bytes but 3 were given; nothing sent"):
        with_typed_payload(waiting, '"abc"', lambda p: b"")
    with pytest.raises(PayloadError, match="no payload given"):
        with_typed_payload(waiting, "", lambda p: b"")


def test_secret_lines_stay_out_of_the_history_file():
    assert kept_out("AT+S.SCFG=wifi_wpa_psk_text,hunter22")
    assert kept_out('AT+S.TLSCERT=key,"-----BEGIN"')
    assert not kept_out("AT+S.TLSCERT=key,@key.pem")
    assert not kept_out("AT+S.SCFG=wifi_mode,1")
    history, warning = open_history()
    assert warning is None
    history.append_string("AT+S.SCFG=wifi_wpa_psk_text,hunter22")
    history.append_string("AT+S.STS")
    assert history_path().read_text() == "AT+S.STS\n"
    assert list(history.get_strings()) == ["AT+S.SCFG=wifi_wpa_psk_text,hunter22", "AT+S.STS"]  # Up still has it


def test_a_secret_saved_by_an_older_version_is_not_loaded_into_history():
    path = history_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text("AT+S.SCFG=wifi_wpa_psk_text;hunter22\nAT+S.STS\n")
    history, warning = open_history()
    assert warning is None
    assert list(history.load_history_strings()) == ["AT+S.STS"]
    assert path.read_text() == "AT+S.STS\n"  # and the file is cleaned of it


def test_reopen_asks_the_session_and_says_how_it_went():
    from spwf_tui.session.session import Session
    from spwf_tui.transport.settings import PortSettings

    session = Session(PortSettings("sim://"))
    session.open()
    try:
        commands, _, shown, _ = _colon(session)
        commands.run(":help")
        assert ":reopen" in shown[-1]
        commands.run(":reopen")
        notes = [e.text for e in session.entries.drain() if e.direction == "note"]
        assert notes[-1] == "not reopened: sim:// is connected: nothing to reopen"
    finally:
        session.close()


def test_send_takes_every_payload_source_and_refuses_bad_ones(tmp_path):
    commands, _, shown, sent = _colon()
    (tmp_path / "fw.bin").write_bytes(b"\x00\xff")
    commands.run(":send hex:03 41")
    commands.run(':send "hi\\r"')
    commands.run(f":send @{tmp_path / 'fw.bin'}")
    assert sent == [(b"\x03A", ":send hex:03 41"), (b"hi\r", ':send "hi\\r"'),
                    (b"\x00\xff", f":send @{tmp_path / 'fw.bin'}")]
    for bad, said in ((":send", "wants a payload source"), (":send hex:0", "odd number of digits"),
                      (":send ski:ca.pem", "ski: belongs in TLSCERT=auth"), (':send "open', "missing closing quote"),
                      (f":send @{tmp_path / 'none'}", "no such file")):
        commands.run(bad)
        assert said in shown[-1] and "nothing sent" in shown[-1], (bad, shown[-1])
    assert len(sent) == 3
    commands.run(":raw")
    assert ":raw needs the interactive REPL" in shown[-1]


# -- printing in batches (issue 19, item 3) ----------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from spwf_tui.core.decoder import RxDecoder  # noqa: E402
from spwf_tui.repl.printer import _merged, batch_fragments  # noqa: E402
from tests.support.fuzz import budget  # noqa: E402

_module_output = st.lists(
    st.one_of(st.sampled_from([b"AT-S.OK\r\n", b"+WIND:55:Pending Data::0:5:5\r\n", b"AT-S.Reading:5:5\r\n",
                               b"AT-S.ERROR:74:Failed\r\n", b"\x1b[2J\r\n", b"caf\xc3\xa9\r\n", b"\xcc\x81x\r\n",
                               b"a\tb\rc\r\n", b"AT-S.Http Server Status Code:200\r\n",
                               "\u0301\u200b\u202e\U0001f600\ufe0f\u00ad\u0085x\r\n".encode(), b"\xed\xb2\x80\r\n"]),
              st.binary(max_size=30), st.text(max_size=20).map(str.encode)),
    max_size=20).map(b"".join)


@settings(max_examples=budget(300), deadline=None)
@given(data=_module_output, hex_view=st.booleans(), note=st.text(max_size=10))
def test_a_batch_prints_exactly_what_entry_by_entry_printing_does(data, hex_view, note):
    decoder = RxDecoder()
    entries = [LogEntry(0.0, "rx", None if e.kind == "data" else e.text, e, "why\x1b" if e.kind == "error" else None)
               for e in decoder.feed(data) + decoder.flush()]
    entries.insert(len(entries) // 2, LogEntry(0.0, NOTE, note))
    view = View(hex=hex_view)
    fragments = [f for entry in entries for f in entry_fragments(entry, view)]
    one_by_one = to_plain(fragments)
    assert to_plain(batch_fragments(entries, view)) == one_by_one
    assert batch_fragments(entries, view) == _merged(fragments)  # the styles too


# -- the plain REPL lets its printer catch up (issue 19, item 3) --------------------------------

import io  # noqa: E402
import threading  # noqa: E402

from spwf_tui.repl import plain  # noqa: E402
from spwf_tui.session.recording.replay import NullTransport  # noqa: E402
from spwf_tui.session.session import Session  # noqa: E402
from spwf_tui.transport.settings import PortSettings  # noqa: E402


def _console_with(waiting: int) -> tuple[Session, plain.PlainConsole, io.StringIO]:
    session = Session(PortSettings("/dev/ttyX"), transport=NullTransport(), reconnect=False)
    line = Event("wind", b"+WIND:33:WiFi Down\r\n", "+WIND:33:WiFi Down", 33, None, ("WiFi Down",))
    session.entries.extend([LogEntry(0.0, RX, line.text, line, None) for _ in range(waiting)], received=True)
    out = io.StringIO()
    return session, plain.PlainConsole(session, io.StringIO(), out, prompt=False), out


def test_far_behind_the_reader_waits_for_the_printer_and_no_line_is_dropped(monkeypatch):
    monkeypatch.setattr(plain, "CATCH_UP_SECONDS", 60.0)
    session, console, out = _console_with(plain.BEHIND + 1)
    reader = threading.Thread(target=console._entries_added)
    reader.start()
    reader.join(0.2)
    assert reader.is_alive()  # waiting for the printer (for up to a minute)
    console.flush()  # the printer's work: everything printed, then the reader goes on
    reader.join(30)
    assert not reader.is_alive()
    assert out.getvalue().count("< +WIND:33:WiFi Down\n") == plain.BEHIND + 1
    assert session.entries.dropped == 0


def test_a_printer_that_keeps_up_never_holds_the_reader(monkeypatch):
    monkeypatch.setattr(plain, "CATCH_UP_SECONDS", 60.0)
    _session, console, _out = _console_with(plain.BEHIND)
    reader = threading.Thread(target=console._entries_added)
    reader.start()
    reader.join(30)
    assert not reader.is_alive()
