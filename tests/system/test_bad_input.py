"""Bad input: one clear line on stderr, a non-zero exit, and nothing sent to the module
(checked on the emulator's side, which records every byte it receives)."""

from __future__ import annotations

import pytest

from tests.support.certfactory import make_ca
from tests.system.helpers import run_cli


@pytest.fixture(scope="module")
def sim(module_sim):
    """One emulator for the whole file."""
    return module_sim


def _files(tmp_path):
    noski = tmp_path / "noski.pem"
    noski.write_bytes(make_ca(with_ski=False).pem)
    unreadable = tmp_path / "secret.bin"
    unreadable.write_bytes(b"x")
    unreadable.chmod(0)
    return {"noski": noski, "unreadable": unreadable}


CASES = {
    "unknown port": (["run", "/dev/does-not-exist", "-c", "AT"], "no such port: /dev/does-not-exist"),
    "bad baud": (["run", "{link}", "-b", "fast", "-c", "AT"], "baud rate 'fast' is not a number"),
    "zero baud": (["run", "{link}", "-b", "0", "-c", "AT"], "baud rate 0 is out of range"),
    "missing file": (["run", "{link}", "-c", "AT+S.FSC=/x,@{tmp}/missing.bin"], "missing.bin: no such file"),
    "directory as file": (["run", "{link}", "-c", "AT+S.FSC=/x,@{tmp}"], "is a directory"),
    "odd hex": (["run", "{link}", "-c", "AT+S.SOCKW=0,hex:3E F17"], "odd number of digits"),
    "certificate without SKI": (["run", "{link}", "-c", "AT+S.TLSCERT=auth,ski:{noski}"], "no Subject Key Identifier"),
    "missing script": (["run", "{link}", "{tmp}/nope.at"], "nope.at: no such script file"),
    "not a command": (["run", "{link}", "-c", "hello"], "is not a step"),
    "plain length in a script": (["run", "{link}", "-c", "AT+S.SOCKW=0,5"], "a script cannot type them"),
    "unknown subcommand": (["frobnicate", "now"], "unknown command 'frobnicate'"),
    "unknown URL scheme": (["run", "bogus://x", "-c", "AT"], "unknown port URL scheme 'bogus'"),
    "unknown option": (["run", "{link}", "--colour"], "unrecognized arguments: --colour"),
    "decode missing file": (["decode", "{tmp}/none.log"], "none.log: no such file"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_and_sends_nothing(case, sim, tmp_path):
    files = _files(tmp_path)
    args, expected = CASES[case]
    args = [a.format(link=sim.link, tmp=tmp_path, **files) for a in args]
    before = sim.received()
    result = run_cli(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("spwf-tui: "), result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
    assert sim.received() == before
