"""Issue 13 §1: hostile text through every front end's formatter comes out printable.

Arbitrary module bytes (ESC, CSI, OSC 52 / 0 / 8, C1 as UTF-8 and as a raw 0x9B byte, bidi,
zero-width and tag characters, markup brackets) go through the decoder and the explainer as a
live session would take them, then through what each front end prints: the REPL's fragments,
``run``'s transcript and check lines, ``decode`` (text and JSON), the certificate reports (a
certificate whose subject, SANs and CRL URI carry the same), the TUI's log rows and the text
export's transcript. None of the characters ``tests.unit.test_display.dangerous`` names may come
out, and no front end may gain a line from a line feed inside the outside text.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import datetime as dt
import io
import json
import os
import tempfile
from types import SimpleNamespace

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from spwf_tui.cli import run as run_command
from spwf_tui.cli import decode as decode_command
from spwf_tui.cli.decode import _RECORDING_MARK, _looks_utf16
from spwf_tui.cli.script import EXPECT, Expectation, Step
from spwf_tui.core.certs import text as report_text
from spwf_tui.core.certs.check import check_chain
from spwf_tui.core.certs.inspect import inspect
from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.events import DATA, bytes_to_text
from spwf_tui.core.explain import Explainer
from spwf_tui.core.moduletime import ModuleClock
from spwf_tui.export import Replayed
from spwf_tui.export.text import transcript_lines
from spwf_tui.repl import printer
from spwf_tui.session.log import NOTE, RX, TX, LogEntry
from spwf_tui.session.transcript import format_entry
from spwf_tui.ui.log_rows import ViewOptions, measure, rows_for
from tests.support.fuzz import budget
from tests.unit.test_display import HOSTILE, dangerous

_LINE_HEADS = [b"AT-S.OK\r\n", b"AT-S.ERROR:", b"AT-S.ERROR:17:", b"+WIND:55:Access Point:", b"+WIND:58:Socket Closed:",
               b"AT-S.Reading:5:", b"AT-S.Var:", b"AT-S.On:", b"AT-S.Certificate Error:", b"\r\n", b"\n", b"\r",
               b"\x9b", b"\xc2\x9b", b"\xff", b"\xe2\x80", b"AT+S.STS\r\n"]
_HOSTILE_BYTES = [piece.encode("utf-8", "surrogatepass") for piece in HOSTILE]
module_bytes = st.lists(st.one_of(st.sampled_from(_LINE_HEADS), st.sampled_from(_HOSTILE_BYTES), st.binary(max_size=6)),
                        max_size=24).map(b"".join)
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6)), max_size=8).map("".join)
_FUZZ = settings(max_examples=budget(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _entries(data: bytes, note: str, typed: str, payload: bytes) -> list[LogEntry]:
    """What a session's log would hold: the module's events with explanations, a note, a sent line."""
    decoder, explainer = RxDecoder(), Explainer()
    events = [*decoder.feed(data), *decoder.flush()]
    entries = [LogEntry(1.0, RX, event=event, explain=explainer.explain(event)) for event in events]
    entries.append(LogEntry(2.0, NOTE, text=note))
    entries.append(LogEntry(3.0, TX, text=typed))
    entries.append(LogEntry(3.5, TX, text=typed, payload=payload))
    return entries


def _lines_of(entry: LogEntry) -> int:
    """Lines a transcript prints for ``entry``: its own (a sent payload's preview is a second),
    and an explanation."""
    return 1 + (entry.direction == TX and entry.payload is not None) + bool(entry.explain)


@_FUZZ
@given(data=module_bytes, note=hostile_text, typed=hostile_text, payload=module_bytes, hex_view=st.booleans())
def test_repl_fragments_are_printable(data, note, typed, payload, hex_view):
    view = printer.View(hex=hex_view)
    for entry in _entries(data, note, typed, payload):
        for _, text in printer.entry_fragments(entry, view):
            assert text.endswith("\n") and text.count("\n") == 1, repr(text)
            assert dangerous(text, keep="\t\n") == [], repr(text)
    for fragments in (printer.problem(note), printer.message(note)):
        assert dangerous(printer.to_plain(fragments), keep="\t\n") == []
    assert printer.to_plain(printer.problem(note)).count("\n") == 1


@_FUZZ
@given(data=module_bytes, note=hostile_text, typed=hostile_text, payload=module_bytes)
def test_run_transcript_is_printable(data, note, typed, payload):
    for entry in _entries(data, note, typed, payload):
        text = format_entry(entry)
        assert dangerous(text, keep="\n") == [], repr(text)
        assert text.count("\n") == _lines_of(entry), repr(text)


@_FUZZ
@given(seen=hostile_text, reason=hostile_text, written=hostile_text, ok=st.booleans())
def test_run_check_and_failure_lines_are_printable(seen, reason, written, ok):
    step = Step("script.at:3", f"expect {written}", kind=EXPECT,
                expect=Expectation(pattern=__import__("re").compile("x"), shown=written))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        run_command._print_check(step, ok, {"matched": seen, "reason": reason}, False, True)
    assert out.getvalue().count("\n") == 1 and dangerous(out.getvalue(), keep="\n") == [], repr(out.getvalue())


@_FUZZ
@given(data=module_bytes, as_json=st.booleans())
def test_decode_output_is_printable_and_json_keeps_the_exact_text(data, as_json):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "capture.log")
        with open(path, "wb") as file:
            file.write(data)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            decode_command.run(argparse.Namespace(file=path, json=as_json))
    text = out.getvalue()
    assert dangerous(text, keep="\n") == [], repr(text)
    if as_json:
        assert text.isascii()
        records = [json.loads(line) for line in text.splitlines()]
        head = data[:4]
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(head) or _RECORDING_MARK.match(data):
            return  # read as UTF-16 text or as a recording, not as the module's bytes (decode's own tests)
        module_bytes = data.removeprefix(codecs.BOM_UTF8)  # an editor's mark, dropped by decode
        decoder = RxDecoder(lenient=True)
        events = [*decoder.feed(module_bytes), *decoder.flush()]
        assert [r["text"] for r in records] == [e.text for e in events]  # exact, not escaped
        assert [r["line"] for r in records] == [bytes_to_text(e.raw).rstrip("\r\n") for e in events]


@_FUZZ
@given(data=module_bytes, note=hostile_text, typed=hostile_text, payload=module_bytes,
       controls=st.booleans(), hex_payloads=st.booleans(), stamps=st.sampled_from(["off", "absolute", "delta"]))
def test_tui_log_rows_are_printable_and_measured(data, note, typed, payload, controls, hex_payloads, stamps):
    options = ViewOptions(timestamps=stamps, show_controls=controls, hex_payloads=hex_payloads)
    for entry in _entries(data, note, typed, payload):
        rows = rows_for(entry, options, 0.5)
        for row in rows:
            assert dangerous(row.text) == [] and "\n" not in row.text and "\t" not in row.text, repr(row.text)
        count, width = measure(entry, options, 0.5)
        widest = max(cell_len(row.text) for row in rows)  # terminal cells (issue 13 §9)
        assert count == len(rows)
        if entry.event is not None and entry.event.kind == DATA and entry.direction == RX:
            assert width >= widest  # payload pieces: an upper bound, measured from the bytes
        else:
            assert width == widest


@_FUZZ
@given(data=module_bytes, note=hostile_text, typed=hostile_text, payload=module_bytes)
def test_text_export_transcript_is_printable(data, note, typed, payload):
    replayed = Replayed(SimpleNamespace(started_epoch=0.0), _entries(data, note, typed, payload), None)
    for line in transcript_lines(replayed):
        assert "\n" not in line and dangerous(line) == [], repr(line)


# -- certificates -------------------------------------------------------------------------------

_KEY = ec.generate_private_key(ec.SECP256R1())
_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
_CLOCK = ModuleClock(_NOW, given=True)
cert_text = hostile_text.map(  # UTF-8 (no lone surrogates) and at most 64 bytes: what a CN may hold
    lambda s: s.encode("utf-8", "replace")[:64].decode("utf-8", "ignore")).filter(bool)
ascii_text = st.lists(st.one_of(st.sampled_from([p for p in HOSTILE if p.isascii()]),
                                st.text(st.characters(max_codepoint=0x7F), max_size=6)), max_size=6).map("".join)


def _hostile_cert(name: str, dns: str, uri: str, *, ca: bool) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, name)])
    builder = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(_KEY.public_key())
        .serial_number(1).not_valid_before(_NOW - dt.timedelta(days=1)).not_valid_after(_NOW + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns), x509.UniformResourceIdentifier(uri),
                                                    x509.DirectoryName(subject)]), critical=False)
        .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(uri)], None, None, None)]), critical=False)
    )
    return builder.sign(_KEY, hashes.SHA256())


@settings(max_examples=budget(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=cert_text, dns=ascii_text, uri=ascii_text, server_name=ascii_text)
def test_certificate_reports_are_printable(name, dns, uri, server_name):
    cert = _hostile_cert(name, dns, uri, ca=True)
    plain = _hostile_cert("plain", "example.com", "http://example.com/crl", ca=True)
    for data in (cert.public_bytes(Encoding.PEM), cert.public_bytes(Encoding.DER)):
        shown = report_text.inspect_text(inspect(data, _CLOCK, name="server.pem"), role_given=False)
        benign = report_text.inspect_text(inspect(plain.public_bytes(Encoding.PEM if data.startswith(b"-")
                                                                  else Encoding.DER), _CLOCK, name="server.pem"),
                                       role_given=False)
        assert dangerous(shown, keep="\n") == [], shown
        assert shown.count("\n") == benign.count("\n"), shown  # no line forged by a line feed in a name
    for ca, chain in ((plain, [cert]), (cert, [cert])):  # a chain that does not lead to the CA, and one that does
        result = check_chain(ca, chain, _CLOCK, name=server_name or None)
        shown = report_text.check_text(result)
        assert dangerous(shown, keep="\n") == [], shown
        assert shown.count("\n") == 1 + len(result.reasons) + len(result.notes), shown


# -- a USB adapter's own strings ----------------------------------------------------------------


def test_ports_and_doctor_show_a_hostile_usb_description_escaped(monkeypatch):
    from serial.tools import list_ports
    from serial.tools.list_ports_common import ListPortInfo

    from spwf_tui.cli import doctor, ports

    port = ListPortInfo("/dev/ttyFAKE0", skip_link_detection=True)
    port.description = "CP2102 \x1b]52;c;UFdORUQ=\x07\x1b]0;PWNED\x07\u202e"  # the product string, from the device
    port.hwid = "USB VID:PID=10c4:ea60 SER=\x1b[2J"
    monkeypatch.setattr(list_ports, "comports", lambda *args, **kwargs: [port])
    for command in (lambda: ports.run(argparse.Namespace()), lambda: doctor.run(argparse.Namespace(json=False))):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            command()
        assert "CP2102 \\x1b]52;c;" in out.getvalue()
        assert dangerous(out.getvalue(), keep="\n") == [], out.getvalue()


def _could_be_an_argument(text: str) -> bool:
    """What argv can hold: no NUL, and bytes (surrogateescape's U+DC80-U+DCFF) but no other surrogate."""
    try:
        os.fsencode(text)
    except UnicodeEncodeError:
        return False
    return "\x00" not in text and bool(text.strip())


@_FUZZ
@given(name=hostile_text.filter(_could_be_an_argument))
def test_error_lines_quoting_a_file_name_are_one_printable_line(name):
    from spwf_tui.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), tempfile.TemporaryDirectory() as folder:
        status = main(["decode", os.path.join(folder, name.replace("/", "_"))])
    assert status == 2
    assert err.getvalue().count("\n") == 1 and dangerous(err.getvalue(), keep="\n") == [], repr(err.getvalue())
