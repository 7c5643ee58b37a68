"""Property tests for the inputs not fuzzed elsewhere: the config file, ``decode``'s host-log path
(prefix stripping and classification), the explainer, what the front ends are shown, and a whole
session fed arbitrary module bytes between commands. Budgets: ``tests.support.fuzz``."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spwf_tui.cli.decode import decode_bytes
from spwf_tui.config import Config, ConfigError, load
from spwf_tui.core.classify import classify, strip_host_prefix
from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.events import KINDS
from spwf_tui.core.explain import Explainer
from spwf_tui.core.redact import redact_text
from spwf_tui.session.log import NOTE, RX, TX, LogEntry
from spwf_tui.session.recording.replay import NullTransport
from spwf_tui.session.session import Session
from spwf_tui.session.redacted_entries import redact_entry
from spwf_tui.transport.settings import PortSettings
from tests.support.fuzz import budget

# -- the config file --------------------------------------------------------------------------

_TOML_PIECES = st.sampled_from([
    "port", "baud", "rtscts", "xonxoff", "timestamps", "keys", "recording", "enabled", "directory", "keep",
    "max_megabytes", "colour", "quit", " = ", "=", '"', "'", '"sim://"', '"/dev/ttyUSB0"', "115200", "-1", "0",
    "1e9", "99999999999999999999", "true", "false", "nan", "inf", '"delta"', '"sometimes"', "[recording]",
    "[keys]", "[[recording]]", "[", "]", "{", "}", ",", "#", "\n", " ", "\t", '"""', "\\", "\\u00e9", "\x00",
    "é", "2024-01-01T00:00:00Z", '"~/recs"',
])
_TOML = st.one_of(st.text(max_size=80), st.lists(_TOML_PIECES, max_size=30).map("".join))


@settings(max_examples=budget(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TOML, raw=st.binary(max_size=40), use_raw=st.booleans())
def test_the_config_loader_raises_only_config_errors(tmp_path: Path, text, raw, use_raw):
    path = tmp_path / "config.toml"
    if use_raw:
        path.write_bytes(raw)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        config = load(path)
    except ConfigError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return
    assert isinstance(config, Config) and 0 < config.baud <= 12_000_000
    assert config.recording.keep >= 1 and config.recording.max_megabytes >= 1


# -- decode: host logs ------------------------------------------------------------------------

_LOG_PIECES = st.sampled_from([
    "2024-05-01 12:00:00.123 ", "[12:00:00] ", "<< ", ">> ", "UART TX buffer: ", "I (1234) wifi: ", "-S.OK",
    "+S.TIME", "AT+S.TLSCERT=ca,1425", "AT-S.ERROR:74:Failed to open socket", "AT-S.Certificate Error:3",
    "+WIND:55:Pending Data::0:5:5", "+WIND:1:Poweron:171117-0328fe3-SPWF04S", "-----BEGIN CERTIFICATE-----",
    "MIIB", "AT-S.Reading:5:5", "AT-S.Http Server Status Code:200", "AT-S.Var:wifi_wpa_psk_text=x", ":", "::",
    "\r\n", "\n", "\r", "\t", "\x00", "\xff", "é", "AT", "AT-S.", "+WIND:", "ERROR:", "99999999999999999999",
])
_LOGS = st.one_of(st.binary(max_size=300),
                  st.lists(_LOG_PIECES, max_size=40).map(lambda parts: "".join(parts).encode("utf-8", "surrogateescape")))


@settings(max_examples=budget(300), deadline=None)
@given(data=_LOGS)
def test_decode_of_any_host_log_never_raises_and_keeps_every_byte(data):
    events = list(decode_bytes(data))
    for event, explain in events:
        assert event.kind in KINDS and isinstance(event.text, str)
        assert explain is None or (isinstance(explain, str) and explain)
    joined = b"".join(event.raw for event, _ in events)
    assert joined.translate(None, b" \t\r\n\x0b\x0c") == data.translate(None, b" \t\r\n\x0b\x0c")


@settings(max_examples=budget(500), deadline=None)
@given(line=st.text(max_size=120))
def test_prefix_stripping_and_classification_never_raise(line):
    stripped = strip_host_prefix(line)
    assert isinstance(stripped, str) and len(stripped) <= len(line) + 2  # at most an "AT" restored
    for text in (line, stripped):
        result = classify(text)
        assert result.kind in KINDS
        assert result.code is None or isinstance(result.code, int)


@settings(max_examples=budget(300), deadline=None)
@given(steps=st.lists(st.one_of(
    st.tuples(st.just("tx"), st.text(max_size=40), st.one_of(st.none(), st.binary(max_size=40))),
    st.tuples(st.just("rx"), _LOGS, st.none()),
), max_size=12))
def test_the_explainer_never_raises_whatever_the_order(steps):
    explainer = Explainer()
    decoder = RxDecoder()
    for direction, content, payload in steps:
        if direction == "tx":
            explainer.observe_tx(content, payload)
            continue
        for event in decoder.feed(content):
            explanation = explainer.explain(event)
            assert explanation is None or isinstance(explanation, str)


# -- what the front ends are shown ------------------------------------------------------------

_SECRET_LINES = st.sampled_from(["AT+S.SCFG=wifi_wpa_psk_text,", "AT-S.Var:wifi_eap_passwd=", "at+s.scfg=AES128_KEY,",
                                 "AT+S.TLSCERT=key,", "AT+S.SCFG=wifi_ssid,", "AT-S.Var:", "note: "])


@settings(max_examples=budget(300), deadline=None)
@given(head=_SECRET_LINES, value=st.text(max_size=30).filter(lambda t: "\r" not in t and "\n" not in t),
       direction=st.sampled_from([TX, RX, NOTE]), payload=st.one_of(st.none(), st.binary(min_size=1, max_size=20)))
def test_shown_entries_keep_their_length_and_lose_their_secrets(head, value, direction, payload):
    text = head + value
    if direction == RX:
        raw = text.encode("utf-8", "backslashreplace") + b"\r\n"
        entry = LogEntry(0.0, RX, None, RxDecoder().feed(raw)[0])
    else:
        entry = LogEntry(0.0, direction, text, payload=payload if direction == TX else None)
    shown = redact_entry(entry)
    assert len(shown.text.encode("utf-8")) == len(entry.text.encode("utf-8", "backslashreplace"))
    if direction == RX:
        assert len(shown.event.raw) == len(entry.event.raw)
    assert shown.text == redact_text(entry.text)[0]
    if direction == TX and payload and head.startswith("AT+S.TLSCERT=key"):
        assert shown.payload == b"*" * len(payload)


# -- a whole session ----------------------------------------------------------------------------

_COMMANDS = st.sampled_from(["AT", "AT+S.SOCKON=127.0.0.1,80,NULL,t", "AT+S.SOCKR=0,", "AT+S.SOCKC=0", "AT+S.TIME",
                             "AT+S.TIME=1700000000", "AT+S.FSP=/a,,", "AT+S.RESET", "AT+S.TLSCERT=content,1",
                             "AT+S.SCFG=wifi_wpa_psk_text,secret", "AT+S.SCFG=console_echo,0", "AT+S.GCFG",
                             "AT+S.SOCKW=0,hex:00 0d 0a", "AT+S.TLSCERT=key,\"k\""])
_MODULE = st.one_of(st.binary(max_size=60), st.lists(st.sampled_from([
    b"AT-S.OK\r\n", b"AT-S.ERROR:74:Failed to open socket\r\n", b"AT-S.On:127.0.0.1:0\r\n", b"AT-S.Reading:3:3\r\n",
    b"+WIND:55:Pending Data::0:3:3\r\n", b"+WIND:58:Socket Closed:0:1\r\n", b"+WIND:1:Poweron:x\r\n",
    b"AT-S.Date:70.01.01:00\r\n", b"AT-S.Time:00.00.09\r\n", b"AT-S.CA:1\r\n", b"AT-S.Var:console_echo=0\r\n",
    b"AT-S.Http Server Status Code:200\r\n", b"AT-S.Var:wifi_wpa_psk_text=secret\r\n", b"\r", b"\n", b"\xff",
]), max_size=12).map(b"".join))


@settings(max_examples=budget(150), deadline=None)
@given(script=st.lists(st.one_of(st.tuples(st.just("send"), _COMMANDS), st.tuples(st.just("rx"), _MODULE),
                                 st.tuples(st.just("expire"), st.none())), max_size=20))
def test_a_session_survives_any_module_output_between_commands(script):
    session = Session(PortSettings("/dev/ttyFUZZ"), transport=NullTransport(), reconnect=False,
                      read_file=lambda path: b"x")
    session.open()
    sent = []
    try:
        for action, value in script:
            if action == "send":
                sent.append(session.send(value))
            elif action == "rx":
                session.data_received(value)
            else:
                for command in sent:
                    command.deadline = command.sent_at  # overdue now
                session.expire_overdue()
        for entry in session.entries.drain():
            if entry.event is None or entry.event.kind != "data":  # raw payloads are the user's data
                assert not re.search(r"wifi_wpa_psk_text[=,]secret", entry.text), entry.text
        state = session.state
        assert all(sock.pending >= 0 for sock in state.sockets.values())
        assert state.clock_offset is None or isinstance(state.clock_offset, float)
    finally:
        session.close()
    assert all(command.done for command in sent)
