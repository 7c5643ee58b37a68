"""Lines without a line end (prompts, a line cut between reads) are shown provisionally."""

from __future__ import annotations

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.session.session import Session
from spwf_tui.session.transcript import PartialLines
from spwf_tui.transport.base import Transport
from spwf_tui.transport.settings import PortSettings


class _Silent(Transport):
    route = None  # transport.base.Transport: no endpoint other than its name
    def open(self) -> None: ...
    def write(self, data: bytes) -> int: return len(data)
    def close(self) -> None: ...


def _session(**kwargs) -> Session:
    session = Session(PortSettings("test"), transport=_Silent(), **kwargs)
    session.open()
    session.entries.drain()
    return session


def test_the_decoder_shows_the_line_it_holds_and_keeps_it():
    decoder = RxDecoder()
    assert decoder.feed(b"AT-S.OK\r\n>>> ")[0].text == "AT-S.OK"
    assert decoder.unfinished_line() == b">>> "
    events = decoder.feed(b"print(1)\r\n")
    assert [e.text for e in events] == [">>> print(1)"]
    assert decoder.unfinished_line() == b""


def test_payload_bytes_are_no_line_still_arriving():
    decoder = RxDecoder()
    decoder.feed(b"AT-S.Reading:10:10\r\n12345")
    assert decoder.unfinished_line() == b""


def test_a_prompt_wakes_the_front_end_and_is_replaced_by_the_whole_line():
    session = _session()
    wakes = []
    session.add_listener(lambda: wakes.append(1))
    session.data_received(b">>> ")
    assert wakes, "a read that ends no line still wakes the front end"
    assert session.entries.drain() == []
    partial = session.partial_line()
    assert partial.text == ">>> " and partial.event.kind == "other"
    session.data_received(b"print(1)\r\n")
    assert session.partial_line() is None
    assert [e.text for e in session.entries.drain()] == [">>> print(1)"]


def test_a_module_line_cut_between_reads_is_classified_as_what_it_will_be():
    session = _session()
    session.data_received(b"+WIND:24:WiFi U")
    assert session.partial_line().event.kind == "wind"


def test_a_secret_in_a_line_still_arriving_is_redacted_unless_asked():
    session = _session()
    session.data_received(b"AT+S.SCFG=wifi_wpa_psk_text,hunter2")
    assert "hunter2" not in session.partial_line().text
    shown = _session(show_secrets=True)
    shown.data_received(b"AT+S.SCFG=wifi_wpa_psk_text,hunter2")
    assert "hunter2" in shown.partial_line().text


def test_a_lost_port_ends_the_line_still_arriving():
    session = _session()
    session.data_received(b"half a li")
    session.state_changed("reconnecting", "gone")
    assert session.partial_line() is None
    assert "half a li" in [e.text for e in session.entries.drain()]


def test_run_prints_a_partial_line_once_with_its_mark():
    session = _session()
    partial = PartialLines()
    session.data_received(b">>> ")
    assert partial.line(session.partial_line()) == "< >>>   [no line end yet]\n"
    assert partial.line(session.partial_line()) == ""
    session.data_received(b"x\r\n")
    assert partial.line(session.partial_line()) == ""
