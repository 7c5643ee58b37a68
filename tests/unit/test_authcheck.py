"""The seed mistake recognised before sending (core.authcheck), and the run that refuses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from spwf_tui.cli.script import load_steps
from spwf_tui.core import authcheck
from spwf_tui.core.payload import encode
from spwf_tui.errors import UserError

SKI_HEX = "3EF1747FD79122144BCADF4F95DF960A32823B4C"
DATA = Path(__file__).parent.parent / "data"


def _read(files):
    def read(path):
        return files[path]
    return read


@pytest.mark.parametrize("payload", [
    SKI_HEX.encode(), SKI_HEX.lower().encode(), b"3E:F1:74:7F:D7:91:22:14:4B:CA:DF:4F:95:DF:96:0A:32:82:3B:4C",
    (SKI_HEX + "\n").encode(), b"3e f1 74 7f d7 91 22 14 4b ca df 4f 95 df 96 0a 32 82 3b 4c\r\n",
])
def test_hex_text_as_auth_is_caught_with_the_fix(payload):
    warning = authcheck.check("AT+S.TLSCERT=Auth,40", payload, "ca.pem")
    assert warning is not None
    assert "20 raw bytes" in warning and "hex characters written as text" in warning
    assert warning.endswith("Fix: AT+S.TLSCERT=auth,ski:ca.pem")


def test_raw_bytes_and_other_commands_pass():
    raw = bytes.fromhex(SKI_HEX)
    assert authcheck.check("AT+S.TLSCERT=auth,20", raw, "ca.pem") is None
    assert authcheck.check("AT+S.SOCKW=0,40", SKI_HEX.encode(), None) is None
    assert authcheck.check("AT+S.TLSCERT=ca,40", SKI_HEX.encode(), None) is None
    assert authcheck.check("AT+S.TLSCERT=auth,4", b"beef", None) is None  # too short to tell


def test_unknown_ca_file_is_a_placeholder():
    assert authcheck.check("AT+S.TLSCERT=auth,40", SKI_HEX.encode(), None).endswith(
        "Fix: AT+S.TLSCERT=auth,ski:<your CA file>")


def test_the_three_ways_of_the_seed_are_recognised(tmp_path):
    files = {"ski.txt": (SKI_HEX + "\n").encode()}
    quoted = encode(f'AT+S.TLSCERT=auth,"{SKI_HEX}"', _read(files))
    from_file = encode("AT+S.TLSCERT=auth,@ski.txt", _read(files))
    for outgoing in (quoted, from_file):
        assert authcheck.check(outgoing.line, outgoing.payload, "my-ca.pem")
    assert authcheck.announced("AT+S.TLSCERT=auth,40", "my-ca.pem").endswith("ski:my-ca.pem")
    assert authcheck.announced("AT+S.TLSCERT=auth,20", "my-ca.pem") is None


def test_ca_file_named_by_what_was_sent():
    assert authcheck.ca_file_of("AT+S.TLSCERT=ca,1425", "@certs/ca.pem") == "certs/ca.pem"
    assert authcheck.ca_file_of("AT+S.TLSCERT=auth,20", "ski:root.pem") == "root.pem"
    assert authcheck.ca_file_of("AT+S.TLSCERT=cert,20", "@own.pem") is None
    assert authcheck.ca_file_of("AT+S.TLSCERT=ca,20", 'hex:00') is None


def test_run_refuses_the_mistake_unless_forced(tmp_path):
    ca = tmp_path / "root.pem"
    ca.write_bytes((DATA / "seed_ca_cert.pem").read_bytes())
    script = tmp_path / "setup.at"
    script.write_text(f"AT+S.TLSCERT=ca,@{ca}\nAT+S.TLSCERT=auth,\"{SKI_HEX}\"\n")
    read = lambda path: Path(path).read_bytes()  # noqa: E731
    with pytest.raises(UserError) as refused:
        load_steps(str(script), [], read)
    message = str(refused.value)
    assert message.startswith(f"{script}:2: auth takes the CA's key id as 20 raw bytes")
    assert message.endswith(f"Fix: AT+S.TLSCERT=auth,ski:{ca} (--force sends it as written)")
    assert len(load_steps(str(script), [], read, force=True)) == 2
