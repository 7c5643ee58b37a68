"""Issue 15 item 14: what the builder, the log and the explanations say (no Textual needed)."""

from __future__ import annotations

from pathlib import Path

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.display import preview_bytes
from spwf_tui.core.explain import Explainer
from spwf_tui.session.log import LogEntry
from spwf_tui.ui.cert_report import describe_file
from spwf_tui.ui.log_rows import ViewOptions, rows_for

DATA = Path(__file__).parent.parent / "data"


def test_text_payload_previews_as_a_quoted_source_with_backslashes_doubled():
    assert preview_bytes(b'GET / HTTP/1.0\r\n\r\n') == '"GET / HTTP/1.0\\r\\n\\r\\n"'
    assert preview_bytes(b'a\\b"c\t') == '"a\\\\b\\"c\\t"'
    assert preview_bytes(b"x" * 60, 8) == '"xxxxxxxx" …'


def test_binary_payload_previews_as_hex_not_decoded_utf8():
    assert preview_bytes(bytes([0xD5, 0xA4])) == "d5 a4"  # valid UTF-8 for one letter, never typed
    assert preview_bytes(bytes(range(40)), 48) == " ".join(f"{b:02x}" for b in range(16)) + " …"


def test_sent_binary_payload_row_is_hex():
    entry = LogEntry(1.0, "tx", "AT+S.SOCKW=0,2", payload=bytes([0xD5, 0xA4]))
    assert any(row.text.endswith("d5 a4") for row in rows_for(entry, ViewOptions(), None))
    text = LogEntry(1.0, "tx", "AT+S.SOCKW=0,3", payload=b"a\\b")
    assert any(row.text.endswith("a\\\\b") for row in rows_for(text, ViewOptions(), None))


def test_wind_explanations_name_the_socket():
    explainer = Explainer()
    texts = [explainer.explain(e) for e in RxDecoder().feed(
        b"+WIND:55:Pending Data::3:5:5\r\n+WIND:58:Socket Closed:3:0\r\n+WIND:89:WebSocket Closed:1\r\n")]
    assert "socket 3" in texts[0] and "<id>" not in texts[0]
    assert texts[1].startswith("The peer closed socket 3;") and texts[1].endswith("AT+S.SOCKC=3")
    assert texts[2] == "WebSocket 1 closed."
    # a field that is no id keeps the placeholder rather than printing a long module text
    (long,) = [explainer.explain(e) for e in RxDecoder().feed(b"+WIND:58:Socket Closed:" + b"9" * 40 + b":0\r\n")]
    assert "socket <id>" in long


def test_inspector_in_the_tui_names_its_buttons_not_the_cli_flag():
    text, _ = describe_file(DATA / "seed_ca_cert.pem", None, 1_700_000_000.0)
    assert "--as" not in text and "the CA / Cert / Key buttons" in text
