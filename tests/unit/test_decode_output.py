"""``decode``'s output is exactly its definition, whatever it keeps to go faster.

The definition: every event of a fresh lenient decoder with the explanation of a fresh explainer
that saw every event before it, printed on its own (``--json``: ``json.dumps`` of the record;
text: kind, code, ``visible`` text, the explanation on a line of its own). ``decode`` prints a
repeated line from what it kept (by event, with its explanation; without asking the explainer
again when the line is explained from itself), in batches of reads: hostile generated captures,
the seed thread (whose lines are explained differently as the TLS context changes), a flood,
UTF-16 and BOM files and the shipped recordings must all come out the same, byte for byte.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.flood import build_block
from spwf_tui.cli import decode
from spwf_tui.cli.decode import decode_bytes
from spwf_tui.core.display import visible
from spwf_tui.core.events import DATA, Event
from spwf_tui.core.present.entries import EXPLANATION_MARK
from tests.support.fuzz import budget

ROOT = Path(__file__).resolve().parent.parent.parent
SEED = (ROOT / "tests" / "data" / "seed-forum-thread.txt").read_bytes()


def defined_output(data: bytes, as_json: bool) -> str:
    """What ``decode`` prints for the module bytes ``data``, one event at a time."""
    return "".join(defined_output_of(event, why, as_json) for event, why in decode_bytes(data))


def defined_output_of(event: Event, why: str | None, as_json: bool) -> str:
    """What ``decode`` prints for one event with its explanation."""
    if as_json:
        original = event.text if event.kind == DATA else event.raw_text()
        record = {"line": original.rstrip("\r\n"), "kind": event.kind, "code": event.code,
                  "text": event.text, "explain": why}
        if event.label is not None:
            record["label"] = event.label
        return json.dumps(record) + "\n"
    code = "" if event.code is None else str(event.code)
    text = f"{event.kind:<5} {code:>4}  {visible(event.text)}\n"
    if why:
        text += f"{'':11}  {EXPLANATION_MARK} {visible(why)}\n"
    return text


def printed(data: bytes, as_json: bool, chunk: int = decode.CHUNK) -> str:
    """``decode``'s run on ``data`` given on stdin, read ``chunk`` bytes at a time."""
    stdin, stdout, size = sys.stdin, sys.stdout, decode.CHUNK
    sys.stdin = argparse.Namespace(buffer=io.BytesIO(data))
    sys.stdout = io.StringIO()
    decode.CHUNK = chunk
    try:
        assert decode.run(argparse.Namespace(file="-", json=as_json)) == 0
        return sys.stdout.getvalue()
    finally:
        sys.stdin, sys.stdout, decode.CHUNK = stdin, stdout, size


# Lines that come back (so that kept outputs are used), lines whose explanation depends on what
# came before (the seed thread's TLS failure, a boot that starts the context afresh, a logged
# CA payload), socket reads with binary payloads, noise and escapes.
_LINES = [line + b"\r\n" for line in SEED.splitlines() if line.strip()][:400:3] + [
    b"AT-S.OK\r\n", b"AT-S.OK\n", b"+WIND:55:Pending Data:0:5:5\r\n", b"+WIND:1:Poweron:171117-0328fe3-SPWF04S\r\n",
    b"+WIND:24:WiFi Up:0:192.168.1.50\r\n", b"AT-S.ERROR:74:Certificate Error\r\n", b"AT-S.Certificate Error:3\r\n",
    b"AT-S.Loading:1\r\n", b"AT-S.No SubjectKeyId\r\n", b"AT+S.TLSCERT=content,2\r\n", b"AT+S.TLSCERT=auth,20\r\n",
    b"AT+S.TLSCERT=ca,64\r\n", b"-----BEGIN CERTIFICATE-----\r\n", b"MIIBszCCAVmgAwIBAgIU\r\n",
    b"AT+S.SOCKR=0,5\r\n", b"AT-S.Reading:5:5\r\n", b"AT-S.Reading:3:3\r\n", b"AT-S.Http Server Status Code:200\r\n",
    b"[12:00:01.123] <- AT-S.OK\r\n", b"\x00+WIND:1:Poweron:171117-0328fe3-SPWF04S\r\n", b"\r\n", b"  \r\n",
    b"caf\xc3\xa9 \xcc\x81\xe2\x80\xae\xf0\x9f\x98\x80\x1b[31m\\udc\xff\r\n", b"\xe1\x80\\x41\xcc\x81\r", b"\t\x9b\n",
]
_CAPTURES = st.lists(st.one_of(st.sampled_from(_LINES), st.binary(max_size=24)), max_size=60).map(b"".join)


@settings(max_examples=budget(150), deadline=None)
@given(data=_CAPTURES, as_json=st.booleans(), chunk=st.sampled_from([1, 7, 64, decode.CHUNK]))
def test_hostile_captures_print_as_defined(data, as_json, chunk):
    assert printed(data, as_json, chunk) == defined_output(data, as_json)


@pytest.mark.parametrize("as_json", [True, False])
def test_the_seed_thread_and_a_flood_print_as_defined(as_json):
    # the seed: one Certificate Error line explained one way, then another (the context)
    capture = SEED + SEED.replace(b"TLSCERT=content,2", b"TLSCERT=content,1") + build_block(size=150_000) * 3
    assert printed(capture, as_json, 65536) == defined_output(capture, as_json)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_and_bom_files_print_as_their_utf8(tmp_path, encoding, capsys):
    text = (SEED[:3000].decode("utf-8", "replace") + "\r\nAT-S.Var:ssid=caf\u00e9 \u202e\r\nAT-S.OK\r\n")
    for data in (text.encode(encoding), b"\xef\xbb\xbf" + text.encode("utf-8")):
        if data.startswith(b"\xef\xbb\xbf") and encoding != "utf-16":
            continue
        capture = tmp_path / "capture.log"
        capture.write_bytes(data)
        for as_json in (True, False):
            assert decode.run(argparse.Namespace(file=str(capture), json=as_json)) == 0
            assert capsys.readouterr().out == defined_output(text.encode("utf-8"), as_json)


@pytest.mark.parametrize("recording", sorted((ROOT / "recordings").glob("*.jsonl")), ids=lambda p: p.name)
def test_recordings_print_their_received_bytes_as_defined(recording, capsys):
    received = b""
    for line in recording.read_text(encoding="utf-8").splitlines()[1:]:
        event = json.loads(line)
        if event.get("dir") == "rx":
            received += event["text"].encode("utf-8", "surrogatepass") if "text" in event else \
                base64.b64decode(event["b64"])
    assert received
    for as_json in (True, False):
        assert decode.run(argparse.Namespace(file=str(recording), json=as_json)) == 0
        assert capsys.readouterr().out == defined_output(received, as_json)


def test_a_line_explained_from_itself_neither_reads_nor_changes_the_context():
    # every event of the seed thread (its TLS failure, boots, uploads) and a flood, at every point
    # of the thread: where explains_line_alone says so, explain() answers as a fresh explainer
    # does and leaves the context as it was
    from copy import deepcopy

    from spwf_tui.core.explain import Explainer

    events = [event for event, _ in decode_bytes(SEED + build_block(size=40_000))]
    alone = [event for event in events if Explainer.explains_line_alone(event)]
    assert len(alone) > len(events) // 2 and any(e.kind == "wind" for e in alone)
    assert not any(e.kind in ("echo", "data") or (e.kind == "wind" and e.code == 1) for e in alone)
    explainer = Explainer()
    for index, event in enumerate(events):
        if index % 25 == 0:
            context = deepcopy(explainer._ctx)
            for line in alone[:200]:
                assert explainer.explain(line) == Explainer().explain(line)
            assert explainer._ctx == context
        explainer.explain(event)


@pytest.mark.parametrize("as_json", [True, False])
def test_the_benchmarks_floor_writes_decodes_module_lines_and_as_much(as_json):
    # benchmarks.decodebench's floor: every module line's output exactly as decode prints it
    # (taken ready from a table), then the payload pieces' text by C codecs alone: about as many
    # characters as decode writes (a floor that wrote less would flatter the bound)
    from benchmarks.decodebench import floor
    from benchmarks.flood import Flood

    flood = Flood(1)
    out = io.StringIO()
    floor(flood, as_json, out)
    written = out.getvalue()
    events = list(decode_bytes(flood.block))
    lines = "".join(defined_output_of(event, why, as_json) for event, why in events if event.kind != DATA)
    assert written.startswith(lines)
    assert len(written) > 0.9 * len(defined_output(flood.block, as_json))
