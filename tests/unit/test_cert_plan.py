"""``core.certs.plan``: the byte sequence that uploads a file, its JSON, and its run script."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from spwf_tui.cli.script import load_steps
from spwf_tui.core.certs.inspect import RoleError
from spwf_tui.core.certs.plan import PlanError, build_plan, plan_as_dict, preview
from spwf_tui.core.moduletime import ModuleClock
from spwf_tui.session.session import read_user_file
from tests.support.certfactory import make_ca, make_server

SEED_PATH = Path(__file__).parent.parent / "data" / "seed_ca_cert.pem"
SEED_CA = SEED_PATH.read_bytes()
SEED_SKI = bytes.fromhex("3EF1747FD79122144BCADF4F95DF960A32823B4C")
AT_2017 = ModuleClock(datetime(2017, 8, 31, 9, 5, 38, tzinfo=timezone.utc), given=True)


def _plan(data=SEED_CA, **kwargs):
    kwargs.setdefault("name", "ca_cert.pem")
    kwargs.setdefault("script_path", str(SEED_PATH))
    return build_plan(data, kwargs.pop("clock", AT_2017), **kwargs)


def test_seed_plan_is_clean_time_ca_auth_listing():
    plan = _plan()
    assert [s.line for s in plan.steps] == [
        "AT+S.TLSCERT=content,2", "AT+S.TIME=1504170338", "AT+S.TLSCERT=ca,1403",
        "AT+S.TLSCERT=auth,20", "AT+S.TLSCERT=content,1",
    ]
    ca, auth, listing = plan.steps[2], plan.steps[3], plan.steps[4]
    assert ca.payload == SEED_CA and ca.expect == ("AT-S.No SubjectKeyId", "AT-S.OK")
    assert auth.payload == SEED_SKI
    assert listing.expect == ("AT-S.List", "AT-S.CA:1", "AT-S.Cert:0", "AT-S.Key:0", "AT-S.Id:1", "AT-S.OK")


def test_seed_plan_wire_has_auth_20_followed_by_exactly_the_ski():
    wire = _plan().wire
    assert b"AT+S.TLSCERT=auth,20\r" + SEED_SKI + b"AT+S.TLSCERT=content,1\r" in wire
    assert wire.startswith(b"AT+S.TLSCERT=content,2\rAT+S.TIME=1504170338\rAT+S.TLSCERT=ca,1403\r" + SEED_CA)


def test_seed_plan_json_has_payloads_in_base64_and_hex():
    record = plan_as_dict(_plan())
    json.dumps(record)
    auth = record["steps"][3]
    assert auth["line"] == "AT+S.TLSCERT=auth,20" and auth["payload_length"] == 20
    assert base64.b64decode(auth["payload_base64"]) == SEED_SKI
    assert bytes.fromhex(auth["payload_hex"]) == SEED_SKI
    assert record["module_epoch"] == 1504170338 and record["time_source"] == "module time"
    assert record["steps"][0]["payload_base64"] is None


def test_the_plan_does_not_repeat_the_advice_it_follows():
    plan = _plan()
    assert not any("No SubjectKeyId" in w.text for w in plan.warnings)
    assert any("1024-bit RSA" in w.text for w in plan.warnings)


def test_run_script_sends_exactly_the_plan_bytes(tmp_path):
    plan = _plan()
    script = tmp_path / "plan.at"
    script.write_text(plan.script())
    steps = load_steps(str(script), [], read_user_file)
    assert b"".join(step.outgoing.wire for step in steps) == plan.wire
    assert f"AT+S.TLSCERT=ca,@{SEED_PATH}" in plan.script()
    assert f"AT+S.TLSCERT=auth,ski:{SEED_PATH}" in plan.script()
    commands = [line for line in plan.script().splitlines() if line and not line.startswith("#")]
    assert all(line.startswith("AT") for line in commands)


def test_no_clean_and_no_time():
    plan = _plan(clean=False, set_time=False)
    assert [s.line for s in plan.steps][0] == "AT+S.TLSCERT=ca,1403"
    assert "AT-S.Cert:<unchanged>" in plan.steps[-1].expect
    assert any("no AT+S.TIME step" in w.text for w in plan.warnings)
    assert plan_as_dict(plan)["module_epoch"] is None


def test_der_ca_with_ski_needs_no_auth_and_expects_the_ski_line():
    der = x509.load_pem_x509_certificate(SEED_CA).public_bytes(serialization.Encoding.DER)
    plan = _plan(der, name="ca.der")
    assert [s.line for s in plan.steps][2:] == [f"AT+S.TLSCERT=ca,{len(der)}", "AT+S.TLSCERT=content,1"]
    assert plan.steps[2].expect[0] == "AT-S.SubjectKeyId:3E:F1:74:7F:D7:91:22:14:4B:CA:DF:4F:95:DF:96:0A:32:82:3B:4C"
    assert "AT-S.Id:0" in plan.steps[-1].expect


def test_ca_without_ski_gets_the_public_key_hash_as_auth(tmp_path):
    ca = make_ca(with_ski=False)
    plan = _plan(ca.pem, name="noski.pem")
    auth = plan.steps[3]
    expected = x509.SubjectKeyIdentifier.from_public_key(ca.key.public_key()).digest
    assert auth.payload == expected and auth.script_line == f"AT+S.TLSCERT=auth,hex:{expected.hex()}"
    assert any("has no SKI" in w.text for w in plan.warnings)


def test_key_and_cert_plans():
    ca = make_ca()
    server = make_server(ca)
    key_plan = _plan(server.key_pem, name="key.pem")
    assert key_plan.report.role == "key"
    assert key_plan.steps[2].line == f"AT+S.TLSCERT=key,{len(server.key_pem)}"
    assert "AT-S.Key:1" in key_plan.steps[-1].expect
    cert_plan = _plan(server.pem, name="cert.pem")
    assert cert_plan.steps[2].line == f"AT+S.TLSCERT=cert,{len(server.pem)}"
    encrypted = server.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.BestAvailableEncryption(b"pw"))
    assert any(w.level == "error" and "encrypted" in w.text for w in _plan(encrypted, name="k").warnings)


def test_a_key_cannot_be_planned_as_ca():
    with pytest.raises(RoleError, match="private key, not a certificate"):
        _plan(make_ca().key_pem, name="key.pem", role="ca")


def test_a_path_a_script_cannot_hold_is_refused():
    with pytest.raises(PlanError, match="line break"):
        _plan(script_path="/tmp/a\nb.pem")


def test_preview_shows_short_payloads_whole_and_long_ones_cut():
    assert preview(SEED_SKI) == "20 bytes: 3e f1 74 7f d7 91 22 14 4b ca df 4f 95 df 96 0a 32 82 3b 4c"
    assert preview(SEED_CA).startswith("1403 bytes: 2d 2d 2d 2d 2d 42") and " … " in preview(SEED_CA)


@pytest.mark.parametrize("path, reason", [("/tmp/my #1/ca.pem", "starts a comment"),
                                          ("/tmp/${HOME}/ca.pem", "script variable"),
                                          (" /tmp/ca.pem", "spaces at the start")])
def test_paths_the_script_language_would_misread_are_refused(path, reason):
    with pytest.raises(PlanError, match=reason):
        _plan(script_path=path)
