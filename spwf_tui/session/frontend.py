"""What a front end (the TUI, the REPL, ``run``) sees of a session: ``FrontSession``, and of a
replay, its ``Playback`` controls.

``Session`` (a live port) and ``ReplaySession`` (a recording, read-only) both fit
``FrontSession``, so the TUI takes either without probing attributes: a replay answers
``read_only`` and has ``playback``; a live session has ``playback = None`` and a ``generation``
that never changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from spwf_tui.core.payload import Outgoing
from spwf_tui.core.rawmode import LineEnds
from spwf_tui.session.log import EntryBuffer, LogEntry
from spwf_tui.session.pending import PendingCommand
from spwf_tui.session.state import ModuleState
from spwf_tui.transport.modem import LineAction
from spwf_tui.transport.settings import PortSettings

if TYPE_CHECKING:
    # For annotations only: the reader (json, tempfile) is not needed to draw a live session.
    from spwf_tui.session.recording.reader import Recording


class Playback(Protocol):
    """Controls of a replay (``ReplaySession``)."""

    recording: Recording
    speed: float
    """Playback speed factor (1.0 is real time); ``play`` may change it."""

    @property
    def playing(self) -> bool: ...

    @property
    def at_end(self) -> bool: ...

    @property
    def time(self) -> float:
        """Seconds into the recording."""

    @property
    def reached(self) -> float:
        """Where the playback is, in seconds into the recording: ``time`` while paused, and while
        it plays, the time it has reached on its way to the next event (the status line ticks
        through a silence instead of standing still)."""

    def play(self, speed: float | None = None) -> None: ...

    def pause(self) -> None: ...

    def step(self) -> object | None:
        """Apply the next event; None at the end."""

    def next_marker(self) -> object | None: ...

    def previous_marker(self) -> object | None: ...

    def to_end(self) -> None: ...


class PortControls(Protocol):
    """The open port's settings and lines as a front end drives them (``session.port_control``)."""

    @property
    def speed_offer(self) -> int | None:
        """A speed the module switched to that the port has not followed (the user may)."""

    def lines(self) -> dict[str, bool] | None:
        """CTS, DSR, RI and CD where the port reports them (None: it does not)."""

    def change(self, **changes: Any) -> PortSettings:
        """Apply ``PortSettings`` field changes; raises ``PortError`` and keeps the old ones."""

    def act(self, action: LineAction) -> None:
        """BREAK, or a modem line on, off or pulsed; raises ``PortError`` when the port cannot."""


class FrontSession(Protocol):
    """The session as the front ends use it (``Session`` and ``ReplaySession``)."""

    @property
    def settings(self) -> PortSettings: ...

    @property
    def state(self) -> ModuleState:
        """The module's facts (written by the reader thread only; read as they are)."""

    @property
    def entries(self) -> EntryBuffer:
        """What to show, drained by the one front end."""

    @property
    def link_state(self) -> str: ...

    @property
    def recording_path(self) -> Path | None: ...

    @property
    def read_only(self) -> bool:
        """True for a replay: nothing can be sent."""

    @property
    def generation(self) -> int:
        """Changes when the view must be cleared and filled again (a replay went backwards)."""

    @property
    def playback(self) -> Playback | None:
        """The replay's controls; None for a live session."""

    @property
    def port(self) -> PortControls | None:
        """The open port's settings and lines; None for a replay."""

    def partial_line(self) -> LogEntry | None:
        """The line still arriving, as a provisional entry to show after the drained ones
        (docs/protocol.md §2.9); None when there is none (always, for a replay)."""

    @property
    def read_file(self) -> Callable[[str], bytes]:
        """How payload sources (``@FILE``) are read."""

    @property
    def clock(self) -> Callable[[], float]:
        """The host's time (seconds since the epoch) as the session sees it."""

    def add_listener(self, wake: Callable[[], object]) -> None: ...

    def prepare(self, line: str) -> Outgoing: ...

    def send_outgoing(self, outgoing: Outgoing) -> PendingCommand: ...

    def execute(self, line: str, timeout: float | None = None) -> PendingCommand: ...

    def send_keys(self, data: bytes) -> None:
        """Raw mode: bytes sent as they are."""

    @property
    def line_ends(self) -> LineEnds:
        """``--eol`` and ``--map``: how raw mode turns keys and a paste into bytes."""

    def send_raw(self, data: bytes, label: str, *, progress: Callable[[int, int], None] | None = None,
                 cancel: threading.Event | None = None) -> int:
        """``data`` exactly as it is (a file sent raw); returns the bytes that went out."""

    def wait(self, command: PendingCommand, timeout: float | None = None) -> PendingCommand: ...

    def note(self, text: str) -> None: ...

    def reopen(self) -> bool: ...


if TYPE_CHECKING:
    from spwf_tui.session.recording.replay import ReplaySession
    from spwf_tui.session.session import Session

    # Never called: mypy checks here that both kinds of session fit what front ends expect.
    def _live_fits(live: Session) -> FrontSession:
        return live

    def _replay_fits(replay: ReplaySession) -> FrontSession:
        return replay

    def _replay_has_playback(replay: ReplaySession) -> Playback:
        return replay

    def _live_port_fits(live: Session) -> PortControls:
        return live.port
