"""ModuleState on a module that was already running: unknown until a reply tells."""

from __future__ import annotations

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.session.state import ModuleState


def _feed(state: ModuleState, text: bytes, command: str | None = None) -> None:
    for event in RxDecoder().feed(text):
        state.apply(event, command)


def test_attached_module_is_unknown_not_empty():
    state = ModuleState()
    assert state.ip_address is None and not state.link_known
    assert state.tls == {"ca": None, "cert": None, "key": None, "auth": None}


def test_status_readout_tells_the_address_and_the_stored_ca():
    state = ModuleState()
    _feed(state, b"AT-S.Var:ip_ipaddr=192.168.1.50\r\nAT-S.Var:ip_cert_len_ca=1426\r\n"
                 b"AT-S.Var:ip_cert_len_key=0\r\n")  # no command seen: attached mid-session
    assert state.ip_address == "192.168.1.50"
    assert state.tls == {"ca": True, "cert": None, "key": False, "auth": None}
    assert state.link_known


def test_no_address_reads_as_known_and_empty():
    state = ModuleState()
    _feed(state, b"AT-S.Var:ip_ipaddr=0.0.0.0\r\n", "AT+S.STS")
    assert state.ip_address is None and state.link_known


def test_configured_static_address_is_not_the_current_one():
    state = ModuleState()
    _feed(state, b"AT-S.Var:ip_ipaddr=192.168.0.50\r\n", "AT+S.GCFG=ip_ipaddr")
    assert state.ip_address is None and not state.link_known


def test_content_listing_and_boot():
    state = ModuleState()
    _feed(state, b"AT-S.List\r\nAT-S.CA:1\r\nAT-S.Cert:0\r\nAT-S.Key:0\r\nAT-S.Id:1\r\n", "AT+S.TLSCERT=content,1")
    assert state.tls == {"ca": True, "cert": False, "key": False, "auth": True}
    _feed(state, b"+WIND:1:Poweron:171117-0328fe3-SPWF04S\r\n")
    assert state.ip_address is None and state.link_known  # a boot has no address until WIND 24
    assert state.tls["ca"] is True  # the store is in flash


def test_sent_ca_file_is_remembered():
    state = ModuleState()
    state.note_sent("AT+S.TLSCERT=ca,1426", "@ca.pem")
    state.note_sent("AT+S.SOCKW=0,3", "@other.bin")
    assert state.ca_file == "ca.pem"
