"""The seed thread's captured log: every line classified, the TLS failure explained."""

from __future__ import annotations

from pathlib import Path

from spwf_tui.cli.decode import decode_bytes
from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.explain import Explainer

SEED = (Path(__file__).parent.parent / "data" / "seed-forum-thread.txt").read_bytes()


def _by_text():
    return [(event, explain) for event, explain in decode_bytes(SEED)]


def test_module_lines_of_the_seed_are_classified():
    found = {(e.text, e.kind, e.code) for e, _ in _by_text()}
    for expected in [
        ("AT+S.TLSCERT=content,2", "echo", None),
        ("AT-S.Clean", "info", None),
        ("AT-S.OK", "ok", None),
        ("AT-S.Date:17.08.31:00", "info", None),
        ("AT-S.No SubjectKeyId", "info", None),
        ("AT+S.TLSCERT=Auth,40", "echo", None),
        ("3EF1747FD79122144BCADF4F95DF960A32823B4C", "data", None),
        ("AT-S.CA:1", "info", None),
        ("AT-S.Certificate Error:3", "error", 3),
        ("AT-S.ERROR:74:Failed to open socket", "error", 74),
        ("-----BEGIN CERTIFICATE-----", "data", None),
    ]:
        assert expected in found, expected


def test_certificate_error_3_after_a_40_character_auth_names_the_fix():
    explained = {e.text: x for e, x in _by_text()}
    text = explained["AT-S.Certificate Error:3"]
    assert "the auth value must be the 20 raw SKI bytes" in text
    assert "AT+S.TLSCERT=auth,ski:" in text
    assert "TLS handshake failed" in explained["AT-S.ERROR:74:Failed to open socket"]


def test_error_74_without_loading_is_a_tcp_failure():
    log = b"AT+S.SOCKON=192.168.1.38,4433,,Example Certificate Authority\r\nAT-S.ERROR:74:Failed to open socket\r\n"
    decoder, explainer = RxDecoder(), Explainer()
    explanations = [explainer.explain(e) for e in decoder.feed(log)]
    assert "the TLS handshake never started" in explanations[-1] and "TCP connection failed" in explanations[-1]


def test_domain_in_the_third_field_is_pointed_out():
    log = b"AT+S.SOCKON=10.0.0.1,443,example.com,s\r\nAT-S.ERROR:74:Failed to open socket\r\n"
    decoder, explainer = RxDecoder(), Explainer()
    explanations = [explainer.explain(e) for e in decoder.feed(log)]
    assert "third field is unused" in explanations[-1]


def test_clock_never_set_since_boot_is_mentioned():
    log = (b"+WIND:1:Poweron:171117-0328fe3-SPWF04S\r\nAT+S.SOCKON=10.0.0.1,443,,s\r\n"
           b"AT-S.Certificate Error:23\r\nAT-S.ERROR:74:Failed to open socket\r\n")
    decoder, explainer = RxDecoder(), Explainer()
    explanations = [explainer.explain(e) for e in decoder.feed(log)]
    assert "clock was never set" in explanations[2]
