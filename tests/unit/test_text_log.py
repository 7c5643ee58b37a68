"""``--log FILE``: what the screen shows, appended as text, line by line, owner-only, redacted."""

from __future__ import annotations

import os
import stat

import pytest

from spwf_tui.errors import UserError
from spwf_tui.session.session import Session
from spwf_tui.session.text_log import TextLog
from spwf_tui.transport.base import Transport
from spwf_tui.transport.settings import PortSettings


class _Echo(Transport):
    """A module that echoes each line and answers OK."""
    route = None  # transport.base.Transport: no endpoint other than its name

    def __init__(self) -> None:
        self.session: Session | None = None

    def open(self) -> None: ...
    def close(self) -> None: ...

    def write(self, data: bytes) -> int:
        self.session.data_received(data.rstrip(b"\r") + b"\r\nAT-S.OK\r\n")
        return len(data)


def _session(log: TextLog, **kwargs) -> Session:
    port = _Echo()
    session = Session(PortSettings("test"), transport=port, text_log=log, clock=lambda: 1796619600.25, **kwargs)
    port.session = session
    session.open()
    return session


@pytest.mark.parametrize("show_secrets", [False, True])
def test_each_line_is_in_the_file_as_it_is_shown_and_secrets_never(tmp_path, show_secrets):
    path = tmp_path / "spwf.log"
    session = _session(TextLog(path, timestamps=True, redact=show_secrets), show_secrets=show_secrets)
    session.execute("AT+S.SCFG=wifi_wpa_psk_text,hunter22")
    text = path.read_text()  # before close: written as the lines came
    assert "2026-12-07T05:00:00.250Z > AT+S.SCFG=wifi_wpa_psk_text,********" in text
    assert "2026-12-07T05:00:00.250Z < AT-S.OK" in text
    assert "hunter22" not in text
    shown = [entry.text for entry in session.entries.drain()]
    assert any("hunter22" in line for line in shown) == show_secrets
    session.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_second_session_appends_and_a_partial_line_waits_for_its_end(tmp_path):
    path = tmp_path / "spwf.log"
    path.write_text("earlier\n")
    session = _session(TextLog(path))
    session.data_received(b">>> ")
    assert ">>>" not in path.read_text()
    session.data_received(b"1+1\r\n")
    session.close()
    lines = path.read_text().splitlines()
    assert lines[0] == "earlier" and "< >>> 1+1" in lines


def test_a_link_is_refused_in_one_line(tmp_path):
    (tmp_path / "target").write_text("")
    (tmp_path / "link.log").symlink_to(tmp_path / "target")
    with pytest.raises(UserError, match="symbolic link"):
        TextLog(tmp_path / "link.log")
