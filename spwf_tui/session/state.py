"""The module as the session understands it, rebuilt from what it said.

``ModuleState.apply`` takes each event with the command it answered (if any) and updates the
firmware facts, the client sockets and their pending bytes, the stored TLS objects, the clock
and the Wi-Fi link. The TUI's panes, the completer (open socket ids) and the explanations read it.

Attached to a module that was already running, the session knows nothing yet: the Wi-Fi link
and the stored TLS objects start *unknown* (None), not "no IP" or "not stored". Every reply that
tells a fact sets it, whoever asked: ``+WIND:24``, the ``AT-S.Var:ip_ipaddr=`` of ``AT+S.STS``,
the ``CA:``/``Id:`` lines of ``TLSCERT=content,1``, ``ip_cert_len_ca=``. Nothing is asked
behind the user's back (docs/protocol.md §8).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from spwf_tui.core.authcheck import ca_file_of
from spwf_tui.core.commandline import parse
from spwf_tui.core.digits import ascii_int
from spwf_tui.core.events import ECHO, INFO, OK, WIND, Event
from spwf_tui.core.moduletime import MAX_EPOCH

MAX_SOCKET_ID = 255
"""The largest socket id taken from module text (the module numbers a handful from 0)."""

_TLS_LIST_LABELS = {"CA": "ca", "Cert": "cert", "Key": "key", "Id": "auth"}
_TLS_LENGTH_VARS = {"ip_cert_len_ca": "ca", "ip_cert_len_cert": "cert", "ip_cert_len_key": "key"}
NO_ADDRESS = "0.0.0.0"
"""What ``ip_ipaddr`` reads while the module has no address."""


@dataclass
class SocketInfo:
    """One client socket of the module."""

    id: int
    host: str = ""
    port: str = ""
    kind: str = ""
    """``t``, ``u``, ``s`` or the TLS server name."""
    peer_ip: str = ""
    pending: int = 0
    """Bytes the module holds for us (from WIND 55, SOCKQ and SOCKR)."""
    closed_by_peer: bool = False
    bytes_read: int = 0
    bytes_written: int = 0

    @property
    def status(self) -> str:
        """``open``, or ``closed by peer`` once WIND 58 came (the socket stays until SOCKC)."""
        return "closed by peer" if self.closed_by_peer else "open"


@dataclass
class ModuleState:
    """Facts about the module, as last reported."""

    clock: Callable[[], float] = time.time
    firmware: str | None = None
    model: str | None = None
    ip_address: str | None = None
    link_known: bool = False
    """False until something said whether the module has an address (attached to a running one)."""
    echo: bool = True
    """``console_echo``: factory on; followed through SCFG/GCFG/FCFG."""
    sockets: dict[int, SocketInfo] = field(default_factory=dict)
    tls: dict[str, bool | None] = field(default_factory=lambda: dict.fromkeys(("ca", "cert", "key", "auth")))
    """Stored TLS objects: True/False as last reported, None while unknown (they live in flash)."""
    ca_file: str | None = None
    """The CA file this session uploaded, as typed (``ca.pem`` of ``TLSCERT=ca,@ca.pem``)."""
    clock_offset: float | None = None
    """Module time minus host time, once TIME was set or read; None when unknown."""
    resets: int = 0
    _date_readout: str | None = None
    """The ``AT-S.Date`` field of a TIME readout, until its ``AT-S.Time`` line arrives."""

    def module_time(self) -> float | None:
        """The module's clock now (seconds since 1970), when known."""
        return None if self.clock_offset is None else self.clock() + self.clock_offset

    def note_sent(self, line: str, source: str | None) -> None:
        """A command went out with its payload source: remember a CA file it named."""
        ca_file = ca_file_of(line, source)
        if ca_file:
            self.ca_file = ca_file

    def open_socket_ids(self) -> list[int]:
        """Ids of the client sockets the module has open, in order."""
        return sorted(self.sockets)

    APPLIED_KINDS = frozenset({WIND, INFO, OK})
    """The event kinds ``apply`` reads; the RX path skips the call for the others."""
    UNSOLICITED_WINDS = frozenset({1, 13, 24, 33, 55, 58})
    UNSOLICITED_LABELS = frozenset({*_TLS_LIST_LABELS, "Clean", "Date", "Time", "Var", "SubjectKeyId", "No SubjectKeyId"})
    """The WINDs and ``AT-S.`` labels ``apply`` reads when no command is pending (its
    ``command_line`` None): the RX path calls it for these only while nothing waits for a reply."""

    def apply(self, event: Event, command_line: str | None) -> None:
        """Update from one event; ``command_line`` is the command it answers, if any."""
        if event.kind == WIND:
            self._apply_wind(event)
        elif event.kind == INFO:
            self._apply_info(event, command_line)
        elif event.kind == OK and command_line:
            self._apply_ok(command_line)
        elif event.kind == ECHO:
            pass  # the command is applied when its OK arrives

    # -- by kind ----------------------------------------------------------------------------

    def _apply_wind(self, event: Event) -> None:
        fields = event.fields
        if event.code == 1:
            self._reset()
            if len(fields) > 1:
                self.firmware = fields[1]
        elif event.code == 13 and len(fields) > 1:
            self.model = fields[-1]
        elif event.code == 24 and len(fields) >= 3 and fields[1]:
            self.ip_address, self.link_known = fields[2], True  # the IPv4 form; "WiFi Up::<v6>" is the IPv6 one
        elif event.code == 33:
            self.ip_address, self.link_known = None, True
        elif event.code == 55 and len(fields) >= 5:
            sock = self._socket(fields[2])
            pending = ascii_int(fields[4]) if sock else None
            if sock and pending is not None:
                sock.pending = pending
        elif event.code == 58 and len(fields) >= 2:
            sock = self._socket(fields[1])
            if sock:
                sock.closed_by_peer = True

    def _apply_info(self, event: Event, command_line: str | None) -> None:
        cmd = parse(command_line) if command_line else None
        label, fields = event.label, event.fields
        if label == "On" and cmd and cmd.name == "SOCKON" and len(fields) >= 2:
            sid = ascii_int(fields[-1], MAX_SOCKET_ID)
            if sid is not None:
                params = list(cmd.params) + ["", "", "", ""]
                self.sockets[sid] = SocketInfo(sid, params[0], params[1], params[3], peer_ip=fields[0])
        elif label == "Query" and cmd and cmd.name == "SOCKQ" and fields:
            sock = self._socket(cmd.params[0] if cmd.params else "")
            pending = ascii_int(fields[0])
            if sock and pending is not None:
                sock.pending = pending
        elif label == "Reading" and cmd and cmd.name == "SOCKR" and fields:
            sock = self._socket(cmd.params[0] if cmd.params else "")
            count = ascii_int(fields[0])
            if sock and count is not None:
                sock.pending = max(0, sock.pending - count)
                sock.bytes_read += count
        elif label in _TLS_LIST_LABELS and fields and fields[0] in ("0", "1"):
            self.tls[_TLS_LIST_LABELS[label]] = fields[0] == "1"
        elif label == "Clean":
            self.tls = dict.fromkeys(self.tls, False)
        elif label == "Date" and len(fields) >= 1:
            self._date_readout = fields[0]
        elif label == "Time" and fields and self._date_readout:
            self._set_clock_from_readout(self._date_readout, fields[0])
        elif label == "Var" and fields and not (cmd and cmd.name == "GCFG"):
            # GCFG's ip_ipaddr is the configured static address, not the current one.
            self._apply_var(":".join(fields))
        elif label == "SubjectKeyId" or label == "No SubjectKeyId":
            self.tls["ca"] = True

    def _apply_ok(self, command_line: str) -> None:
        cmd = parse(command_line)
        params = [p.strip() for p in cmd.params]
        if cmd.name == "SOCKC" and params:
            closed = ascii_int(params[0], MAX_SOCKET_ID)
            if closed is not None:
                self.sockets.pop(closed, None)
        elif cmd.name == "SOCKW" and len(params) >= 2 and (written := ascii_int(params[-1])) is not None:
            sock = self._socket(params[0])
            if sock:
                sock.bytes_written += written
        elif cmd.name == "TIME" and params:
            # The module took the value; one AT+S.TIME cannot hold (beyond 32 bits, not a
            # number) leaves its clock unknown rather than a time no clock display can show.
            epoch = ascii_int(params[0], MAX_EPOCH)
            self.clock_offset = None if epoch is None else epoch - self.clock()
        elif cmd.name == "TLSCERT" and len(params) >= 2 and params[0].lower() in self.tls:
            self.tls[params[0].lower()] = True
        elif cmd.name == "SCFG" and len(params) >= 2 and params[0].lower() == "console_echo":
            self.echo = params[1] != "0"
        elif cmd.name in ("FCFG", "AT&F"):
            self.echo = True
        elif cmd.name == "RESET":
            self._reset(boot=False)  # the boot WINDs that follow count the reset

    def _apply_var(self, assignment: str) -> None:
        name, _, value = assignment.partition("=")
        if name == "console_echo":
            self.echo = value.strip() != "0"
        elif name == "fw_version" and not self.firmware:
            self.firmware = value.strip()
        elif name == "ip_ipaddr":
            address = value.strip()
            self.link_known = True
            self.ip_address = address if address and address != NO_ADDRESS else None
        elif name in _TLS_LENGTH_VARS:
            length = ascii_int(value.strip())
            if length is not None:
                self.tls[_TLS_LENGTH_VARS[name]] = length > 0

    # -- helpers ----------------------------------------------------------------------------

    def _socket(self, text: str) -> SocketInfo | None:
        sid = ascii_int(text.strip(), MAX_SOCKET_ID)
        return None if sid is None else self.sockets.get(sid)

    def _reset(self, *, boot: bool = True) -> None:
        """What a reboot leaves: no sockets, clock unknown; TLS objects stay (they are in flash).

        ``boot``: the module's boot lines came (``+WIND:1``), which count one reset; the OK of
        ``AT+S.RESET`` only clears, or one reset would count twice.
        """
        self.sockets.clear()
        self.clock_offset = None
        self.ip_address = None
        self.link_known = True  # a module that (re)booted has no address until WIND 24
        self._date_readout = None
        if boot:
            self.resets += 1

    def _set_clock_from_readout(self, date: str, clock: str) -> None:
        """``Date:<YY>.<MM>.<DD>``, ``Time:<hh>.<mm>.<ss>``: two ASCII digits each (docs/protocol.md §6.5).
        A readout that is no real time (``99.13.01``, 5-digit years) is ignored."""
        read = [ascii_int(x, 99) for x in (*date.split("."), *clock.split("."))]
        self._date_readout = None
        parts = [part for part in read if part is not None]
        if len(read) != 6 or len(parts) != 6:
            return
        yy, mm, dd, hh, mi, ss = parts
        try:
            moment = datetime(2000 + yy if yy < 70 else 1900 + yy, mm, dd, hh, mi, ss, tzinfo=timezone.utc)
        except ValueError:
            return
        self.clock_offset = moment.timestamp() - self.clock()
