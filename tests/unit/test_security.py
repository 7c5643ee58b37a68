"""Security properties that need no port: no shell anywhere, owner-only files whatever the umask,
secrets redacted in what the front ends are handed (``session.redacted_entries``) and kept out of history."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from spwf_tui.cli.export import write_pieces
from spwf_tui.core.events import DATA, Event
from spwf_tui.core.redact import typed_line_holds_secret
from spwf_tui.session.log import NOTE, RX, TX, LogEntry
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.recording.replay import NullTransport
from spwf_tui.session.session import Session
from spwf_tui.session.redacted_entries import redact_entry
from spwf_tui.transport.settings import PortSettings
from spwf_tui.ui.history import History

PACKAGE = Path(__file__).parent.parent.parent / "spwf_tui"
SHELL = re.compile(r"shell\s*=\s*True|\bos\.system\s*\(|\bos\.popen\s*\(|\bos\.exec\w*p\w*\s*\(|commands\.getoutput")


def test_no_user_string_can_reach_a_shell():
    """Nothing in the package starts a shell: every subprocess is an argument list."""
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) > 50
    found = [f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
             for path in sources for number, line in enumerate(path.read_text().splitlines(), start=1)
             if SHELL.search(line)]
    assert found == []


@pytest.fixture
def open_umask():
    previous = os.umask(0)  # the most permissive umask a user could have
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_recordings_are_owner_only_whatever_the_umask(tmp_path, open_umask):
    for recorder in (Recorder(path=tmp_path / "given.jsonl"), Recorder(directory=tmp_path / "new-dir")):
        recorder.start(PortSettings("sim://"))
        recorder.close()
        assert _mode(recorder.path) == 0o600
    assert _mode(tmp_path / "new-dir") == 0o700


def test_exports_are_owner_only_even_over_an_existing_readable_file(tmp_path, open_umask):
    fresh = tmp_path / "fresh.md"
    write_pieces(fresh, iter(["rep", "ort"]))
    existing = tmp_path / "existing.md"
    existing.write_text("old")
    existing.chmod(0o644)
    write_pieces(existing, iter(["report"]), force=True)  # replacing a file takes --force
    assert (_mode(fresh), _mode(existing)) == (0o600, 0o600)
    assert existing.read_bytes() == b"report"


# -- what the front ends are handed ----------------------------------------------------------

def _rx(line: bytes, kind: str = "info") -> LogEntry:
    text = line.rstrip(b"\r\n").decode()
    return LogEntry(0.0, RX, text, Event(kind, line, text))


@pytest.mark.parametrize(("entry", "shown"), [
    (LogEntry(0.0, TX, "AT+S.SCFG=wifi_wpa_psk_text,hunter22"), "AT+S.SCFG=wifi_wpa_psk_text,********"),
    (LogEntry(0.0, TX, "at+s.scfg=WIFI_EAP_PASSWD, x y"), "at+s.scfg=WIFI_EAP_PASSWD,****"),
    (_rx(b"AT+S.SCFG=aes128_key,00:11\r\n", "echo"), "AT+S.SCFG=aes128_key,*****"),
    (_rx(b"AT-S.Var:wifi_wep_keys[1]=0a0b\r\n"), "AT-S.Var:wifi_wep_keys[1]=****"),
    (LogEntry(0.0, NOTE, "AT+S.SCFG=wifi_wpa_psk_text,hunter22: no final reply within 5 s"),
     "AT+S.SCFG=wifi_wpa_psk_text," + "*" * len("hunter22: no final reply within 5 s")),
])
def test_secret_entries_are_redacted_with_lengths_kept(entry, shown):
    redacted = redact_entry(entry)
    assert redacted.text == shown
    if redacted.event is not None:
        assert b"hunter" not in redacted.event.raw and len(redacted.event.raw) == len(entry.event.raw)
        assert redacted.event.raw.rstrip(b"\r\n").decode() == shown
        assert all("00:11" not in f and "0a0b" not in f for f in redacted.event.fields)


def test_a_key_payload_is_redacted_and_other_payloads_are_not():
    key = LogEntry(0.0, TX, "AT+S.TLSCERT=key,10", payload=b"-----BEGIN")
    assert redact_entry(key).payload == b"*" * 10 and redact_entry(key).text == key.text
    ca = LogEntry(0.0, TX, "AT+S.TLSCERT=ca,10", payload=b"-----BEGIN")
    assert redact_entry(ca) is ca


@pytest.mark.parametrize("entry", [
    LogEntry(0.0, TX, "AT+S.SCFG=wifi_ssid,lab"),
    _rx(b"AT-S.Var:console_echo=1\r\n"),
    _rx(b"+WIND:55:Pending Data::0:5:5\r\n", "wind"),
    LogEntry(0.0, RX, None, Event(DATA, b"AT-S.Var:wifi_ssid=payload bytes are the user's data")),
    LogEntry(0.0, NOTE, "opened sim:// at 115200 8N1"),
])
def test_entries_without_secrets_pass_unchanged(entry):
    assert redact_entry(entry) is entry


def test_sessions_redact_by_default_and_show_secrets_keeps_them():
    texts = {}
    for show in (False, True):
        session = Session(PortSettings("/dev/ttyX"), transport=NullTransport(), reconnect=False, show_secrets=show)
        session.open()
        session.send("AT+S.SCFG=wifi_wpa_psk_text,hunter22")
        session.data_received(b"AT-S.Var:wifi_wpa_psk_text=hunter22\r\n")
        texts[show] = [e.text for e in session.entries.drain() if e.direction != NOTE]
        assert session.state is not None
        session.close()
    assert texts[False] == ["AT+S.SCFG=wifi_wpa_psk_text,********", "AT-S.Var:wifi_wpa_psk_text=********"]
    assert texts[True] == ["AT+S.SCFG=wifi_wpa_psk_text,hunter22", "AT-S.Var:wifi_wpa_psk_text=hunter22"]


# -- history files ------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "secret"), [
    ("AT+S.SCFG=wifi_wpa_psk_text,hunter22", True), ("AT+S.SCFG=WIFI_WEP_KEYS[2],0a0b", True),
    ('AT+S.TLSCERT=key,"-----BEGIN EC PRIVATE KEY-----"', True), ("AT+S.WPAECERT=key,hex:30 77", True),
    ("AT+S.TLSCERT=key,@key.pem", False), ("AT+S.TLSCERT=key,241", False), ("AT+S.SCFG=wifi_ssid,x", False),
    ("AT+S.TLSCERT=ca,hex:30", False),
    # What the module's parser reads as an assignment (issue 13 §3), and a note quoting one.
    ("AT+S.SCFG=wifi_wpa_psk_text;hunter22", True), ("AT+S.SCFG =wifi_wpa_psk_text,hunter22", True),
    (" AT+S.SCFG=wifi_eap_passwd,x", True), (":note AT+S.SCFG=wifi_wpa_psk_text,hunter22", True),
    ('AT+S.TLSCERT=Key,"x"', True),
])
def test_typed_lines_with_secrets_are_recognised(line, secret):
    assert typed_line_holds_secret(line) is secret


def test_the_tui_history_file_never_holds_a_secret(tmp_path):
    history = History(tmp_path / "tui_history")
    for line in ("AT+S.STS", "AT+S.SCFG=wifi_wpa_psk_text,hunter22", 'AT+S.TLSCERT=key,"-----BEGIN"', "AT"):
        history.add(line)
    assert (tmp_path / "tui_history").read_text() == "AT+S.STS\nAT\n"
    assert history.lines[1] == "AT+S.SCFG=wifi_wpa_psk_text,hunter22"  # still there for Up in this session


def test_the_tui_history_file_is_private_and_never_written_through_a_link(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "tui_history").write_text("AT\nAT+S.SCFG=wifi_wpa_psk_text;old-secret\n")
    (data / "tui_history").chmod(0o644)
    history = History(data / "tui_history")
    assert history.lines == ["AT"]  # a secret saved by an older version is not loaded
    history.add("AT+S.STS")
    assert (data / "tui_history").read_text() == "AT\nAT+S.STS\n"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "tui_history").stat().st_mode) == 0o600

    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (data / "tui_history").unlink()
    (data / "tui_history").symlink_to(victim)
    linked = History(data / "tui_history")
    assert linked.lines == []  # not read through the link either
    linked.add("AT+S.STS")
    assert victim.read_text() == "precious\n" and (data / "tui_history").is_symlink()
