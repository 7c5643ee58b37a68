"""The REPL on a real pty (pexpect) against the emulated module on another pty: the seed mistake
is caught and asked about before it goes out; completion of ``auth`` brings its comma."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.system.repl_driver import CTRL_RIGHT_BRACKET, PROMPT, quit_with, spawn_repl

DATA = Path(__file__).parent.parent / "data"
SKI_HEX = "3EF1747FD79122144BCADF4F95DF960A32823B4C"


@pytest.fixture
def repl(sim, tmp_path):
    (tmp_path / "root-ca.pem").write_bytes((DATA / "seed_ca_cert.pem").read_bytes())
    child = spawn_repl(sim.link, width=200, cwd=tmp_path)
    yield child
    quit_with(child, CTRL_RIGHT_BRACKET)




def test_hex_text_auth_is_asked_about_and_not_sent_on_no(repl, sim):
    repl.send("AT+S.TLSCERT=ca,@root-ca.pem\r")
    repl.expect("No SubjectKeyId")
    repl.expect("AT-S.OK")
    repl.send(f'AT+S.TLSCERT=auth,"{SKI_HEX}"\r')
    repl.expect("auth takes the CA's key id as 20 raw bytes")
    repl.expect(r"Fix: AT\+S\.TLSCERT=auth,ski:root-ca\.pem")
    repl.expect(r"send it anyway\? \[y/N\]")
    repl.send("\r")  # Enter alone: no
    repl.expect(r"not sent: AT\+S\.TLSCERT=auth,40")
    repl.expect(PROMPT)
    assert b"auth" not in sim.received()

    repl.send(f'AT+S.TLSCERT=auth,"{SKI_HEX}"\r')
    repl.expect(r"send it anyway\? \[y/N\]")
    repl.send("y\r")
    repl.expect(r"AT\+S\.TLSCERT=auth,40")
    repl.expect("AT-S.OK")
    assert b"AT+S.TLSCERT=auth,40\r" + SKI_HEX.encode() in sim.received()


def test_plain_length_then_typed_hex_is_caught_too(repl, sim):
    repl.send("AT+S.TLSCERT=auth,40\r")
    repl.expect("payload, 40 bytes")
    repl.send(SKI_HEX + "\r")
    repl.expect(r"Fix: AT\+S\.TLSCERT=auth,ski:<your CA file>")
    repl.expect(r"send it anyway\? \[y/N\]")
    repl.send("n\r")
    repl.expect(r"not sent: AT\+S\.TLSCERT=auth,40")
    assert b"auth" not in sim.received()


def test_completing_auth_brings_the_comma(repl, sim):
    repl.send("AT+S.TLSCERT=au\t")
    repl.expect("th,")
    repl.send("ski:root\t")
    repl.expect("-ca.pem")
    repl.send("\r")
    repl.expect(r"AT\+S\.TLSCERT=auth,20")
    assert b"AT+S.TLSCERT=auth,20\r" + bytes.fromhex(SKI_HEX) in sim.received()
