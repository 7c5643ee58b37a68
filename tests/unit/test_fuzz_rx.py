"""Property tests for the whole RX pipeline (issue 13 §2): decoder, module state, explainer,
redaction of what is shown, the recorder, the entry buffer and the text front ends make of it.

A session, recorded to a real file, is fed module output built from the lines the module prints
with hostile numbers in them (superscripts, other scripts' digits, 5000 digits, impossible
dates), from arbitrary Unicode and from arbitrary bytes, in any chunking, between commands.
Nothing may raise, nothing may reach the session's last line of defence (``internal_errors``:
it would hide a bug from this test), the clock must stay showable, and every byte must be in the
recording. Budgets: ``tests.support.fuzz``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.events import KINDS
from spwf_tui.core.explain import Explainer
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.recording.reader import read_recording
from spwf_tui.session.recording.replay import NullTransport
from spwf_tui.session.session import Session
from spwf_tui.session.transcript import format_entry
from spwf_tui.transport.settings import PortSettings
from tests.support.fuzz import budget

NUMBERS = st.one_of(
    st.integers(0, 2**70).map(str),
    st.text(alphabet="0123456789²³¹⁴٣３", min_size=0, max_size=6),
    st.sampled_from(["9" * 5000, "0" * 4400 + "1", "-1", "1e20", " 7", "4294967296", ""]),
)
"""What a hostile module puts where a number goes."""

TEMPLATES = st.sampled_from([
    "AT-S.ERROR:{}:Command not found", "AT-S.Certificate Error:{}", "AT-S.Http Client Error:{}",
    "+WIND:{}:Hello", "+WIND:58:Socket Closed:{}:{}", "+WIND:55:Pending Data::{}:{}:{}",
    "AT-S.On:192.0.2.1:{}", "AT-S.Reading:{}:{}", "AT-S.Query:{}", "AT-S.Date:{}.{}.{}:{}",
    "AT-S.Time:{}.{}.{}", "AT-S.CA:{}", "AT-S.Var:console_echo={}", "AT-S.OK", "AT-S.OK:{}",
    "+WIND:1:Poweron:{}", "AT-S.Http Server Status Code:{}", "AT+S.TIME={}", "AT+S.SOCKR={},",
])


@st.composite
def module_line(draw) -> bytes:
    template = draw(TEMPLATES)
    numbers = [draw(NUMBERS) for _ in range(template.count("{}"))]
    return template.format(*numbers).encode("utf-8") + draw(st.sampled_from([b"\r\n", b"\n", b"\r", b""]))


MODULE_OUTPUT = st.lists(st.one_of(
    module_line(),
    st.text(max_size=40).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=60),
), max_size=10).map(b"".join)

COMMANDS = st.one_of(
    st.sampled_from(["AT", "AT+S.TIME", "AT+S.SOCKON=192.0.2.1,80,NULL,t", "AT+S.SOCKQ=0", "AT+S.SOCKR=0,",
                     "AT+S.SOCKC=0", "AT+S.FSP=/a,,", "AT+S.SCFG=wifi_wpa_psk_text,secret", "AT+S.GCFG"]),
    NUMBERS.map(lambda n: f"AT+S.TIME={n}"),
    NUMBERS.map(lambda n: f"AT+S.SOCKW={n},hex:00"),
    NUMBERS.map(lambda n: f"AT+S.SOCKC={n}"),
    NUMBERS.map(lambda n: f"AT+S.SOCKQ={n}"),
)


@settings(max_examples=budget(150), deadline=None)
@given(script=st.lists(st.one_of(
    st.tuples(st.just("send"), COMMANDS),
    st.tuples(st.just("rx"), MODULE_OUTPUT, st.integers(1, 64)),
    st.tuples(st.just("expire")),
), max_size=16))
def test_no_module_output_reaches_the_last_line_of_defence(script):
    with tempfile.TemporaryDirectory() as directory:
        recording = Path(directory) / "fuzz.jsonl"
        session = Session(PortSettings("/dev/ttyFUZZ"), transport=NullTransport(), reconnect=False,
                          read_file=lambda _path: b"x", recorder=Recorder(path=recording))
        session.open()
        sent, received = [], bytearray()
        try:
            for action, *values in script:
                if action == "send":
                    sent.append(session.send(values[0]))
                elif action == "rx":
                    data, piece = values
                    for start in range(0, len(data), piece):  # any chunking
                        session.data_received(data[start:start + piece])
                    received += data
                else:
                    for command in sent:
                        command.deadline = command.sent_at
                    session.expire_overdue()
                _front_ends_can_show(session)
        finally:
            session.close()
        assert session.internal_errors == 0
        assert all(command.done for command in sent)
        state = session.state
        assert all(0 <= sock.pending <= 2**32 and 0 <= sock.id <= 255 for sock in state.sockets.values())
        recorded = b"".join(event.data for event in read_recording(recording).events if event.dir == "rx")
        assert len(recorded) == len(received)  # redaction keeps lengths: every byte is accounted for


def _front_ends_can_show(session: Session) -> None:
    """What the TUI's status line, the sockets pane and ``run``'s transcript do with the state."""
    module_time = session.state.module_time()
    if module_time is not None:
        assert 0 <= module_time <= 2**32 + 10**6
        time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(module_time))
    for entry in session.entries.drain():
        assert isinstance(format_entry(entry), str)


@settings(max_examples=budget(300), deadline=None)
@given(lines=st.lists(module_line(), max_size=8), lenient=st.booleans())
def test_decoder_and_explainer_take_any_number_field(lines, lenient):
    decoder, explainer = RxDecoder(lenient=lenient), Explainer()
    for event in [*decoder.feed(b"".join(lines)), *decoder.flush()]:
        assert event.kind in KINDS
        assert event.code is None or 0 <= event.code <= 2**32
        explanation = explainer.explain(event)
        assert explanation is None or isinstance(explanation, str)
