"""The REPL on a real pty (pexpect) against the emulated module on another pty: the seed mistake
is caught and asked about before it goes out; completion of ``auth`` brings its comma."""

from __future__ import annotations

import os
from pathlib import Path

import pexpect
import pytest

from tests.system.helpers import CLI, SimProcess

DATA = Path(__file__).parent.parent / "data"
SKI_HEX = "3EF1747FD79122144BCADF4F95DF960A32823B4C"
PROMPT = "spwf>"
CTRL_RIGHT_BRACKET = "\x1d"


@pytest.fixture
def sim(tmp_path):
    process = SimProcess(tmp_path / "ttySIM", tmp_path / "host-to-module.bin").start()
    yield process
    process.stop()


@pytest.fixture
def repl(sim, tmp_path):
    (tmp_path / "root-ca.pem").write_bytes((DATA / "seed_ca_cert.pem").read_bytes())
    env = {**os.environ, "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = pexpect.spawn(CLI[0], [*CLI[1:], "repl", str(sim.link)], env=env, encoding="utf-8",
                          timeout=15, dimensions=(24, 200), cwd=str(tmp_path))
    child.expect(PROMPT)
    yield child
    child.send(CTRL_RIGHT_BRACKET)
    child.expect(pexpect.EOF)




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
