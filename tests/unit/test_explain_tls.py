"""The explainer on TLS failures: what it can tell from the set-up it saw before the error."""

from __future__ import annotations

from pathlib import Path

from spwf_tui.cli.decode import decode_bytes
from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.explain import Explainer
from tests.support.certfactory import make_ca

SEED_CA = (Path(__file__).parent.parent / "data" / "seed_ca_cert.pem").read_bytes()
FAILED = b"AT-S.Certificate Error:{n}\r\nAT-S.ERROR:74:Failed to open socket\r\n"


def _explain(log: bytes, sent: list[tuple[str, bytes | None]] = ()) -> list[str | None]:
    decoder, explainer = RxDecoder(), Explainer()
    for line, payload in sent:
        explainer.observe_tx(line, payload)
    return [explainer.explain(event) for event in decoder.feed(log)]


def _failure(n: int) -> bytes:
    return FAILED.replace(b"{n}", str(n).encode())


def test_no_ca_stored_after_clean_is_said():
    log = b"AT+S.TLSCERT=content,2\r\nAT-S.Clean\r\nAT-S.OK\r\nAT+S.SOCKON=10.0.0.1,443,,s\r\n" + _failure(23)
    assert "No CA is stored" in _explain(log)[-2]


def test_twenty_auth_bytes_that_are_not_the_cas_ski():
    ca = make_ca()
    sent = [("AT+S.TLSCERT=ca,%d" % len(ca.pem), ca.pem), ("AT+S.TLSCERT=auth,20", b"\x01" * 20),
            ("AT+S.SOCKON=10.0.0.1,443,,s", None)]
    text = _explain(_failure(3), sent)[0]
    assert "are not the stored CA's SKI" in text and "auth,ski:" in text


def test_clock_before_the_cas_validity_from_a_live_session():
    sent = [("AT+S.TIME=1000000000", None), ("AT+S.TLSCERT=ca,1403", SEED_CA), ("AT+S.SOCKON=10.0.0.1,443,,s", None)]
    text = _explain(_failure(23), sent)[0]
    assert "set to 2001-09-09 01:46:40 UTC, before the stored CA's validity (from 2016-07-04" in text


def test_clock_after_the_ca_expired_from_a_captured_log_with_pem_lines():
    log = (b"AT+S.TIME=1800000000\r\nAT-S.OK\r\nAT+S.TLSCERT=ca,1403\r\n" + SEED_CA.replace(b"\n", b"\r\n")
           + b"AT+S.TLSCERT=ca,1403\r\nAT-S.No SubjectKeyId\r\nAT-S.OK\r\nAT+S.SOCKON=10.0.0.1,443,,s\r\n"
           + _failure(10))
    explained = [x for _, x in decode_bytes(log)]
    assert any(x and "after the stored CA expired (2026-05-13 09:21:45 UTC)" in x for x in explained)


def test_numbers_only_the_emulator_uses_are_marked_as_such():
    sent = [("AT+S.TIME=1500000000", None), ("AT+S.SOCKON=127.0.0.1,443,,s", None)]
    text = _explain(_failure(9), sent)[0]
    assert "emulated module" in text and "not yet valid" in text and "a real module's number" in text
    assert "2017-07-14 02:40:00 UTC" in text


def test_server_name_in_the_fourth_field_is_mentioned_on_a_name_failure():
    text = _explain(_failure(62), [("AT+S.SOCKON=127.0.0.1,443,,example.com", None)])[0]
    assert "'example.com'" in text and "server certificate's names" in text


def test_error_74_after_loading_is_a_tls_failure():
    log = b"AT+S.SOCKON=127.0.0.1,443,,s\r\nAT-S.Loading:1:2\r\nAT-S.ERROR:74:Failed to open socket\r\n"
    assert "TCP connection worked but the TLS handshake failed" in _explain(log)[-1]


def test_live_echo_after_the_sent_payload_keeps_what_was_learnt():
    """In a live session the module echoes a data-phase line after observe_tx saw its payload."""
    sent = [("AT+S.TLSCERT=auth,40", b"3EF1747FD79122144BCADF4F95DF960A32823B4C"),
            ("AT+S.SOCKON=10.0.0.1,443,,s", None)]
    log = b"AT+S.SOCKON=10.0.0.1,443,,s\r\n" + _failure(3)
    assert "not 40 hex characters" in _explain(log, sent)[1]


def test_the_seed_capture_still_reads_as_before():
    explained = {e.text: x for e, x in decode_bytes(
        (Path(__file__).parent.parent / "data" / "seed-forum-thread.txt").read_bytes())}
    assert "the auth value must be the 20 raw SKI bytes" in explained["AT-S.Certificate Error:3"]
    # The seed's clock (2017) is inside the CA's validity: no clock remark.
    assert "module clock" not in explained["AT-S.Certificate Error:3"]
