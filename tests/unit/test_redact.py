"""Redaction (core.redact): what is secret, byte-exactness elsewhere, any chunking."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spwf_tui.core.redact import MAYBE, SECRET_VARIABLES, StreamRedactor, redact_all, redact_text, secret_value_start
from tests.support.fuzz import budget

PASS = b"Tr0ub4dor&3 very,secret"


def stars(n: int) -> bytes:
    return b"*" * n


def feed_chunks(data: bytes, cuts: list[int], *, tx: bool) -> tuple[bytes, list[tuple[int, int]]]:
    """Feed ``data`` cut at ``cuts``; the output concatenated, spans made absolute."""
    redactor = StreamRedactor(tx=tx)
    out = bytearray()
    spans = []
    bounds = [0, *sorted(set(c for c in cuts if 0 < c < len(data))), len(data)]
    for start, end in zip(bounds, bounds[1:]):
        piece, piece_spans = redactor.feed(data[start:end])
        spans += [(len(out) + offset, length) for offset, length in piece_spans]
        out += piece
    rest, _ = redactor.flush()
    return bytes(out + rest), spans


def test_catalog_secret_flag_gives_the_variables():
    assert {"WIFI_WPA_PSK_TEXT", "WIFI_WPA_PSK_RAW", "WIFI_EAP_PASSWD", "AES128_KEY",
            "WIFI_WEP_KEYS[0]", "WIFI_WEP_KEYS[3]"} <= SECRET_VARIABLES
    assert "WIFI_SSID" not in SECRET_VARIABLES


@pytest.mark.parametrize(("head", "expected"), [
    # The assignment may start anywhere in a line (noise before the echo): only the end of the
    # bytes so far can still begin one.
    (b"", None), (b"A", None), (b"AT+S.SC", MAYBE), (b"AT+S.SCFG=wifi_wpa", MAYBE), (b"AT-S.OK AT-S", MAYBE),
    (b"AT+S.SCFG=wifi_wpa_psk_text,", 28), (b"at+s.scfg=WIFI_WPA_PSK_TEXT,x", 28),
    (b"AT-S.Var:wifi_eap_passwd=", 25), (b"AT-S.Var:console_echo=1", None),
    (b"AT+S.SCFG=console_echo,0", None), (b"AT-S.OK", None), (b"+WIND:1", None), (b"AT+S.GCFG=x", None),
])
def test_secret_value_start(head, expected):
    assert secret_value_start(head) == expected


def test_rx_echo_and_gcfg_readout_are_redacted_keeping_lengths():
    data = (b"AT+S.SCFG=wifi_wpa_psk_text," + PASS + b"\r\nAT-S.OK\r\nAT+S.GCFG=wifi_wpa_psk_text\r\n"
            b"AT-S.Var:wifi_wpa_psk_text=" + PASS + b"\r\nAT-S.Var:console_echo=1\r\nAT-S.OK\r\n")
    out, spans = redact_all(data, tx=False)
    assert len(out) == len(data) and PASS not in out
    assert out == data.replace(PASS, stars(len(PASS)))
    assert [out[o:o + n] for o, n in spans] == [stars(len(PASS))] * 2


def test_every_secret_variable_is_redacted_on_both_sides():
    for name in sorted(SECRET_VARIABLES):
        value = b"00:11:22:33"
        tx_line = b"AT+S.SCFG=" + name.lower().encode() + b"," + value + b"\r"
        assert value not in redact_all(tx_line, tx=True)[0], name
        readout = b"AT-S.Var:" + name.lower().encode() + b"=" + value + b"\r\n"
        assert value not in redact_all(readout, tx=False)[0], name


def test_tx_key_payload_is_redacted_and_other_payloads_kept():
    key = b"-----BEGIN PRIVATE KEY-----\r\nMIGH\rAgEA\n-----END PRIVATE KEY-----\n"
    ca = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    data = (b"AT+S.TLSCERT=key,%d\r" % len(key) + key + b"AT+S.TLSCERT=ca,%d\r" % len(ca) + ca
            + b"AT+S.TLSCERT=auth,3\r\x00\r\n")
    out, spans = redact_all(data, tx=True)
    assert out == data.replace(key, stars(len(key)))
    assert spans == [(data.index(key), len(key))]


def test_tx_lf_outside_data_phase_neither_hides_nor_leaks():
    data = b"\nAT+S.SC\nFG=wifi_eap_passwd,hun\nter2\r\n"
    out, _ = redact_all(data, tx=True)
    assert b"hun" not in out and b"ter2" not in out and out.count(b"\n") == data.count(b"\n") and len(out) == len(data)


def test_nothing_is_held_back_and_a_cut_assignment_is_still_found():
    redactor = StreamRedactor(tx=False)
    assert redactor.feed(b"AT-S.OK\r\nAT-S.Va") == (b"AT-S.OK\r\nAT-S.Va", [])
    assert redactor.holding == 0 and redactor.carrying == len(b"S.Va")
    out, spans = redactor.feed(b"r:aes128_key=00:01\r\n")
    assert out == b"r:aes128_key=*****\r\n" and spans == [(13, 5)]
    assert redactor.feed(b"+WIND:55:Pending") == (b"+WIND:55:Pending", []) and redactor.carrying == 0


def test_note_text_is_redacted():
    text, spans = redact_text("AT+S.SCFG=wifi_wpa_psk_text,secret: no final reply within 5 s")
    assert "secret" not in text and text.startswith("AT+S.SCFG=wifi_wpa_psk_text,*") and spans == [(28, 33)]
    assert redact_text("opened sim:// at 115200 8N1") == ("opened sim:// at 115200 8N1", [])


# -- properties -----------------------------------------------------------------------------

LINE_PIECES = st.sampled_from([
    b"AT+S.SCFG=wifi_wpa_psk_text,", b"AT-S.Var:wifi_eap_passwd=", b"AT+S.SCFG=console_echo,", b"AT-S.Var:",
    b"AT-S.Var:wifi_ssid=", b"AT-S.VAR: \tWIFI_WEP_KEYS[2] =", b"AT-S.Var:wifi_w", b"         ", b"aes128_key=",
    b"AT+S.TLSCERT=key,5\r", b"AT+S.TLSCERT=ca,3\r", b"\r", b"\n", b"\r\n", b"AT", b"x", b"\xff\x00", b"*",
])
STREAMS = st.lists(st.one_of(LINE_PIECES, st.binary(max_size=12)), max_size=25).map(b"".join)


@settings(max_examples=budget(300), deadline=None)
@given(data=STREAMS, cuts=st.lists(st.integers(0, 400), max_size=12), tx=st.booleans())
def test_chunking_never_changes_the_output_and_lengths_stay(data, cuts, tx):
    whole, whole_spans = redact_all(data, tx=tx)
    chunked, chunked_spans = feed_chunks(data, cuts, tx=tx)
    assert chunked == whole
    assert len(whole) == len(data)
    covered = set()
    for offset, length in chunked_spans:
        covered.update(range(offset, offset + length))
    assert all(whole[i] == data[i] for i in range(len(data)) if i not in covered)
    assert all(whole[i] == 0x2A for i in covered)
    assert covered == {i for o, n in whole_spans for i in range(o, o + n)}


@settings(max_examples=budget(200), deadline=None)
@given(before=STREAMS, secret=st.binary(min_size=1, max_size=40).filter(lambda b: b"\r" not in b and b"\n" not in b),
       after=STREAMS, cuts=st.lists(st.integers(0, 400), max_size=10))
def test_a_gcfg_secret_never_survives_whatever_surrounds_it(before, secret, after, cuts):
    data = before + b"\r\nAT-S.Var:wifi_wpa_psk_text=" + secret + b"\r\n" + after
    out, _ = feed_chunks(data, cuts, tx=False)
    start = len(before) + len(b"\r\nAT-S.Var:wifi_wpa_psk_text=")
    assert out[start:start + len(secret)] == stars(len(secret))


@settings(max_examples=budget(200), deadline=None)
@given(text=st.text(max_size=60))
def test_redact_text_never_raises_and_keeps_byte_length(text):
    redacted, _ = redact_text(text)
    assert len(redacted.encode("utf-8")) == len(text.encode("utf-8", "backslashreplace"))


class _SlowOnly(StreamRedactor):
    def _fast(self, data):
        return None


@settings(max_examples=budget(300), deadline=None)
@given(data=STREAMS, cuts=st.lists(st.integers(0, 400), max_size=12))
def test_the_rx_fast_path_gives_what_the_line_by_line_path_gives(data, cuts):
    bounds = [0, *sorted(set(c for c in cuts if 0 < c < len(data))), len(data)]
    fast, slow = StreamRedactor(tx=False), _SlowOnly(tx=False)
    for start, end in zip(bounds, bounds[1:]):
        assert fast.feed(data[start:end]) == slow.feed(data[start:end])
        assert fast.holding == slow.holding
    assert fast.flush() == slow.flush()


def _redact_line_by_line(data: bytes) -> bytes:
    """The rx rule stated plainly: a line (ended by CR or LF) whose start makes it secret has its
    value starred; everything else is kept. The reference for the redactor's shortcuts."""
    out = bytearray()
    line = bytearray()

    def end_line() -> None:
        start = secret_value_start(bytes(line))
        if start is not None and start != MAYBE:
            line[start:] = stars(len(line) - start)
        out.extend(line)
        line.clear()

    for byte in data:
        if byte in b"\r\n":
            end_line()
            out.append(byte)
        else:
            line.append(byte)
    end_line()
    return bytes(out)


@settings(max_examples=budget(300), deadline=None)
@given(data=STREAMS, cuts=st.lists(st.integers(0, 400), max_size=12))
def test_rx_redaction_is_the_line_by_line_rule_whatever_the_chunking(data, cuts):
    # Configuration dumps take the keyword shortcuts (a plain ``Var:`` is skipped by its name).
    out, _ = feed_chunks(data, cuts, tx=False)
    assert out == _redact_line_by_line(data)


def test_a_secret_name_after_many_blanks_in_a_dump_is_still_found():
    dump = b"".join(b"AT-S.Var:wifi_ssid=bench%d\r\n" % i for i in range(50))
    data = dump + b"AT-S.Var:" + b" " * 30 + b"wifi_wpa_psk_text=" + PASS + b"\r\n" + dump
    out, _ = redact_all(data, tx=False)
    assert PASS not in out and out == _redact_line_by_line(data)


# -- the module's parser decides what is secret (issue 13 §3) --------------------------------

@pytest.mark.parametrize("line", [
    b"AT+S.SCFG=wifi_wpa_psk_text;" + PASS,         # after AT+S.SCFG=console_delimiter,;
    b"AT+S.SCFG=wifi_wpa_psk_text:" + PASS,
    b"AT+S.SCFG =wifi_wpa_psk_text," + PASS,        # a space before '='
    b"AT+S.SCFG= wifi_wpa_psk_text ," + PASS,
    b" AT+S.SCFG=wifi_wpa_psk_text," + PASS,        # a leading space
    b"\x00AT+S.SCFG=wifi_wpa_psk_text," + PASS,     # a noise byte before the echo
    b"\xffAT-S.Var:wifi_wpa_psk_text=" + PASS,      # ... or before the readout
    b"AT-S.Var:   wifi_wpa_psk_text=" + PASS,       # spaces after Var:
    b"AT-S.Var:wifi_wpa_psk_text =" + PASS,
    b"xyz at+s.scfg=WIFI_EAP_PASSWD;" + PASS,
])
@pytest.mark.parametrize("tx", [False, True])
def test_an_assignment_the_module_would_read_is_redacted(line, tx):
    data = line + b"\r\n"
    out, spans = redact_all(data, tx=tx)
    assert PASS not in out and b"Tr0ub" not in out and len(out) == len(data)
    text, _ = redact_text(data.decode("latin-1"))
    assert "Tr0ub" not in text
    # Cut anywhere, the same.
    for cut in range(len(data)):
        assert feed_chunks(data, [cut], tx=tx)[0] == out


def test_a_key_announced_with_another_delimiter_is_still_a_secret_payload():
    key = b"-----BEGIN PRIVATE KEY-----\r\nMIGHAgEAMBMGByqGSM49\r\n-----END PRIVATE KEY-----\r\n"
    data = b"AT+S.TLSCERT=key;%d\r" % len(key) + key
    out, _ = redact_all(data, tx=True)
    assert out == data.replace(key, stars(len(key)))


KEY = (b"-----BEGIN RSA PRIVATE KEY-----\r\n"
       b"MIIJKQIBAAKCAgEA4LLMAXUV5iPjdSqTSV4NMsjX8r05K8nd5TeGIBAZaqG0fjQR\r\n"
       b"BKprYRoAFTC0Am+GDSgyCb/3rvoX5SV7SRyjI5fpupWAyTNToK43Ht07Bjl5G3Ee\r\n"
       b"Zg==\r\n-----END RSA PRIVATE KEY-----\r\n")
KEY_LINES = [line for line in KEY.split(b"\r\n") if len(line) > 8]


def _refused_echo(noise: bytes = b"") -> bytes:
    """What a module that refuses ``TLSCERT=key`` sends: the key's lines echoed as commands."""
    out = b"AT+S.TLSCERT=key,%d\r\nAT-S.ERROR:32:Argument exceeds allowed size\r\n" % len(KEY)
    for line in KEY.split(b"\r\n")[:-1]:
        out += noise + line + b"\r\nAT-S.ERROR:1:Command not found\r\n"
    return out


@settings(max_examples=budget(200), deadline=None)
@given(cuts=st.lists(st.integers(0, 800), max_size=12), noise=st.sampled_from([b"", b"\x00", b" "]),
       before=STREAMS)
def test_a_refused_key_echoed_back_never_survives_whatever_the_chunking(cuts, noise, before):
    rx, tx = StreamRedactor.pair()
    tx.feed(b"AT+S.TLSCERT=key,%d\r" % len(KEY) + KEY)
    data = before + b"\r\n" + _refused_echo(noise)
    out = bytearray()
    bounds = [0, *sorted(set(c for c in cuts if 0 < c < len(data))), len(data)]
    for start, end in zip(bounds, bounds[1:]):
        piece, spans = rx.feed(data[start:end])
        assert all(piece[o:o + n] == stars(n) for o, n in spans)
        out += piece
    out += rx.flush()[0]
    assert len(out) == len(data)
    assert all(line not in out for line in KEY_LINES) and b"\r\nZg==\r\n" not in out
    whole_rx, whole_tx = StreamRedactor.pair()
    whole_tx.feed(b"AT+S.TLSCERT=key,%d\r" % len(KEY) + KEY)
    assert bytes(out) == whole_rx.feed(data)[0] + whole_rx.flush()[0]


def test_a_truncated_echo_of_a_key_line_is_hidden_too():
    rx, tx = StreamRedactor.pair()
    tx.feed(b"AT+S.TLSCERT=key,%d\r" % len(KEY) + KEY)
    out = rx.feed(b"AT-S.ERROR:1\r\n" + KEY_LINES[1][:40] + b"\r\n")[0]
    assert KEY_LINES[1][:40] not in out and out.startswith(b"AT-S.ERROR:1\r\n")


def test_the_echo_look_ends_after_a_while_and_other_output_is_untouched():
    rx, tx = StreamRedactor.pair()
    assert rx.feed(KEY_LINES[1] + b"\r\n")[0] == KEY_LINES[1] + b"\r\n"  # no key sent yet
    tx.feed(b"AT+S.TLSCERT=key,%d\r" % len(KEY) + KEY)
    assert rx.feed(b"AT-S.OK\r\n") == (b"AT-S.OK\r\n", [])
    rx.feed(b"x" * (64 * 1024) + b"\r\n")
    assert rx.feed(b"+WIND:55:Pending") == (b"+WIND:55:Pending", []) and rx.holding == 0


def test_a_ca_payload_is_not_taken_for_a_key():
    rx, tx = StreamRedactor.pair()
    tx.feed(b"AT+S.TLSCERT=ca,%d\r" % len(KEY) + KEY)
    assert rx.feed(KEY_LINES[1] + b"\r\n")[0] == KEY_LINES[1] + b"\r\n"


def test_an_lf_only_key_echoed_as_one_cut_line_is_hidden():
    """The module ignores LF outside a data phase: an LF-only key is one long command line, and
    its echo is cut somewhere in a key line."""
    rx, tx = StreamRedactor.pair()
    key = KEY.replace(b"\r\n", b"\n")
    tx.feed(b"AT+S.TLSCERT=key,%d\r" % len(key) + key)
    echo = b"".join(key.split(b"\n"))[:120] + b"\r\nAT-S.ERROR:32:Argument exceeds allowed size\r\n"
    out = rx.feed(echo)[0]
    assert out.endswith(b"\r\nAT-S.ERROR:32:Argument exceeds allowed size\r\n")
    assert not [piece for line in KEY_LINES for piece in (line[:20], line[-20:]) if piece in out]
