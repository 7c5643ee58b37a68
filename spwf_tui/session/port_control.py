"""Changing the open port: line settings, modem lines, BREAK, and following the module's speed.

Front ends (TUI palette, REPL ``:port``/``:dtr``/``:rts``/``:break``, ``run`` script steps) call
``Session.port``; each change is a note in the log and a ``session`` event in the recording
(``port``, ``line``, ``break``: README "Recordings"). The transport does the work
(``SerialTransport.apply_settings``, ``set_line``, ``send_break``); a port that cannot (a pty has no
DTR, a replay has no port) raises ``PortError`` with the reason, and nothing changes.

Following a speed change (docs/protocol.md §9.1): after ``AT+S.SCFG=console_speed,<n>`` and a
save (``AT+S.WCFG``/``AT&W``) both answered OK, the OK of ``AT+S.RESET`` means the module now
talks at ``<n>``. With ``follow_speed`` (``--follow-speed``) the port switches at once; otherwise
the session says so in a note and keeps the offer in ``speed_offer`` for the front end.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from spwf_tui.core.commandline import parse
from spwf_tui.transport.base import PortLines
from spwf_tui.transport.errors import PortError
from spwf_tui.transport.modem import LineAction
from spwf_tui.transport.settings import PortSettings, SettingsError, parse_baud

if TYPE_CHECKING:
    from spwf_tui.session.pending import PendingCommand
    from spwf_tui.session.session import Session

RESET_REPLY_WAIT = 10.0
"""Seconds the follower waits for the reset's OK."""
SAVE_COMMANDS = {"WCFG", "AT&W"}


class PortControl:
    """The open port's settings and lines, for one session."""

    def __init__(self, session: Session, *, follow_speed: bool = False) -> None:
        self._session = session
        self.follow_speed = follow_speed
        self.speed_offer: int | None = None
        """A speed the module switched to that the port has not followed (the user may)."""
        self._staged: tuple[int, PendingCommand] | None = None
        """``SCFG=console_speed,<n>`` as sent: the speed and its command."""
        self._save: PendingCommand | None = None
        self._lock = threading.Lock()

    # -- the user's changes -----------------------------------------------------------------

    def change(self, **changes: Any) -> PortSettings:
        """Apply ``PortSettings`` field changes (``baudrate=921600``) to the open port.

        Raises:
            PortError: the port refused them or there is none; the old settings stay.
        """
        session = self._session
        old = session.settings
        new = replace(old, **changes)
        transport = session._transport
        if not isinstance(transport, PortLines):
            raise PortError("this session has no port to change (a replay)")
        transport.apply_settings(new)
        session.settings = new
        if new.baudrate == self.speed_offer:
            self.speed_offer = None
        if session.recorder is not None:
            session.recorder.control("port", settings=new.describe())
        session.note(f"port settings {old.describe()} -> {new.describe()}")
        return new

    def act(self, action: LineAction) -> None:
        """Carry out a modem-line action or a BREAK; blocks for a pulse's or BREAK's length.

        Raises:
            PortError: the port has no such line or cannot send a BREAK.
        """
        session = self._session
        transport = session._transport
        if not isinstance(transport, PortLines):
            raise PortError("this session has no port lines (a replay)")
        if action.line == "break":
            self._record("break", ms=str(action.ms))
            transport.send_break(action.ms / 1000)
        elif action.action == "pulse":
            self._record("line", line=action.line, state="on")
            transport.set_line(action.line, True)
            time.sleep(action.ms / 1000)
            self._record("line", line=action.line, state="off")
            transport.set_line(action.line, False)
        else:
            self._record("line", line=action.line, state=action.action)
            transport.set_line(action.line, action.action == "on")
        session.note(f"sent {action.describe()}" if action.line == "break" else action.describe())

    def lines(self) -> dict[str, bool] | None:
        """CTS, DSR, RI and CD where the port reports them (None: it does not)."""
        transport = self._session._transport
        return transport.modem_lines() if isinstance(transport, PortLines) else None

    def _record(self, event: str, **fields: str) -> None:
        recorder = self._session.recorder
        if recorder is not None:
            recorder.control(event, **fields)

    # -- following the module's speed (TX side; see the module docstring) -------------------

    def sent(self, line: str, command: PendingCommand) -> None:
        """A command went out (``Session.send_outgoing``): watch the ones of a speed change."""
        name = parse(line).name
        if name == "SCFG":
            params = parse(line).params
            if len(params) >= 2 and params[0].strip().lower() == "console_speed":
                try:
                    speed = parse_baud(params[1])
                except SettingsError:
                    return
                with self._lock:
                    self._staged, self._save = (speed, command), None
        elif name in SAVE_COMMANDS:
            with self._lock:
                if self._staged is not None:
                    self._save = command
        elif name == "RESET":
            with self._lock:
                staged, save = self._staged, self._save
            if staged is None or save is None:
                return
            threading.Thread(target=self._after_reset, args=(staged, save, command), daemon=True,
                             name="speed-follow").start()

    def _after_reset(self, staged: tuple[int, PendingCommand], save: PendingCommand,
                     reset: PendingCommand) -> None:
        speed, scfg = staged
        if not (reset.wait(RESET_REPLY_WAIT) and reset.succeeded and scfg.succeeded and save.succeeded):
            return
        with self._lock:
            self._staged = self._save = None
        session = self._session
        if speed == session.settings.baudrate:
            return
        if self.follow_speed:
            try:
                self.change(baudrate=speed)
            except PortError as exc:
                session.note(f"the module now talks at {speed} baud but the port could not follow: {exc}")
            return
        self.speed_offer = speed
        session.note(f"the module now talks at {speed} baud (console_speed saved, then reset): follow with "
                     f":port baud={speed} (REPL), F7 (TUI), a 'port baud={speed}' script step, or --follow-speed")
