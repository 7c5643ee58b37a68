"""Replaying a recording through the same session code that made it.

``ReplaySession`` feeds a recording's events to a ``Session`` whose transport sends nothing:
``rx`` bytes go to ``data_received``, ``tx`` bytes are framed back into commands
(``core.hostframe``) and go to ``send_outgoing``, so the decoder, the pending-command tracker,
the explainer and ``ModuleState`` rebuild the log, the socket table and the module facts exactly
as the live session did. Notes come from the recording (the session's own notes during a replay
are dropped, or they would appear twice); ``session`` events repeat the live session's timeouts
and link changes.

For the front ends it looks like a ``Session`` (``settings``, ``link_state`` = ``"replay"``,
``state``, ``entries``, ``add_listener``, ``recording_path``) whose ``send`` refuses, plus the
controls: ``play(speed)``, ``pause``, ``step``, ``next_marker``, ``previous_marker``,
``to_end`` and ``seek``. Going backwards rebuilds from the start and bumps ``generation``: a
front end that sees it change clears its log before draining ``entries`` again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, replace
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

from spwf_tui.core.display import visible
from spwf_tui.core.hostframe import HostFramer
from spwf_tui.core.payload import Outgoing
from spwf_tui.core.rawmode import LineEnds
from spwf_tui.session.log import EntryBuffer, LogEntry
from spwf_tui.session.pending import PendingCommand
from spwf_tui.session.recording.format import CONTROL, LINK_EVENT, NOTE, RX, TIMEOUT_EVENT, TX
from spwf_tui.session.recording.reader import EventLog, Recording, RecordedEvent, RecordingStream
from spwf_tui.session.session import Session
from spwf_tui.session.state import ModuleState
from spwf_tui.transport.base import Transport
from spwf_tui.transport.errors import PortError

REPLAY = "replay"
"""``ReplaySession.link_state``."""
HOLD_EVENTS = 1000
"""Most events held back inside an upload's data phase (``_ReplayCore.apply``)."""
HOLD_BYTES = 1 << 20
"""...and most bytes of them."""
_LONGEST_WAIT = 60.0
"""Seconds the playback thread sleeps at most before looking again."""


def _no_files(path: str) -> bytes:
    """A replay's file reader: payload sources (``@FILE``) are never read."""
    raise PermissionError(f"a replay reads no files ({path})")


class ReadOnlySessionError(PortError):
    """A replay was asked to send something. A ``PortError``: front ends already show those."""


class NullTransport(Transport):
    """A transport with no port behind it: opens, takes writes and closes without doing anything."""

    route = None
    """Nowhere."""

    def open(self) -> None:
        """Nothing to open."""

    def reopen(self) -> str:
        """There is no port to open again."""
        raise PortError("this session has no port: nothing to reopen")

    def write(self, data: bytes) -> int:
        """Swallow ``data``."""
        return len(data)

    def close(self) -> None:
        """Nothing to close."""


class _ReplayCore(Session):
    """The live session's code, fed from a recording instead of a port."""

    def __init__(self, recording: Recording | RecordingStream, clock: Callable[[], float]) -> None:
        self._base_clock = clock
        self._started = recording.started_epoch
        self._when: float | None = None
        """While applying an event out of its place (held, below): its recording time."""
        # The recording decides what is shown: callers redact it first (``recording.redacted``)
        # unless they were asked to keep its secrets (``replay --show-secrets``, exports).
        super().__init__(recording.settings, clock=self._now, transport=NullTransport(),
                         read_file=_no_files, reconnect=False, show_secrets=True)
        self.link_state = REPLAY
        self._framer = HostFramer()
        self._held: list[RecordedEvent] = []
        """Events recorded between the pieces of an upload, applied once it is complete."""
        self._held_bytes = 0
        self._overflowed = False
        """This data phase held too much: the rest of its events are applied as they come."""
        self._payload_began = 0.0
        """Recording time of the piece whose line began the data phase being framed."""

    def _now(self) -> float:
        return self._base_clock() if self._when is None else self._started + self._when

    def note(self, text: str) -> None:
        """Notes the session makes while replaying are in the recording already."""

    def apply(self, event: RecordedEvent) -> None:
        """Do what the live session did for ``event``.

        A large upload is recorded in pieces (``Session._write_recorded``), and what the module
        said meanwhile (its echo of the line, a WIND), notes and session events sit between
        them. The live session had registered the command, with its whole payload, before any
        of them; here the command exists once its last piece is framed. So events met inside a
        data phase are held until the payload is complete, then applied at their own times
        after the command (sent at its first piece's time): the log reads as the live one did.
        At most ``HOLD_EVENTS`` events and ``HOLD_BYTES`` bytes are held (a recording is
        hostile input); ``finish`` applies what a recording ending inside an upload held.
        """
        framed_tx = event.dir == TX and event.raw_label is None
        if self._framer.in_payload and not framed_tx and not self._overflowed:
            self._held.append(event)
            self._held_bytes += len(event.data) + len(event.text)
            if len(self._held) > HOLD_EVENTS or self._held_bytes > HOLD_BYTES:
                self._overflowed = True  # not an upload's few lines: shown as they come
                self.finish()
            return
        self._apply(event)
        if not self._framer.in_payload:
            self._overflowed = False
            self.finish()

    def finish(self) -> None:
        """Apply the events held inside a data phase, each at its recorded time."""
        held, self._held, self._held_bytes = self._held, [], 0
        try:
            for event in held:
                self._when = event.t
                self._apply(event)
        finally:
            self._when = None

    def _apply(self, event: RecordedEvent) -> None:
        if event.dir == RX:
            self.data_received(event.data)
        elif event.dir == TX and event.raw_label is not None:
            self.show(LogEntry(self.clock(), TX, event.raw_label, payload=event.data))
        elif event.dir == TX:
            self._apply_tx(event)
        elif event.dir == NOTE:
            self.show(LogEntry(self.clock(), NOTE, event.text))
        elif event.dir == CONTROL:
            self._control(event.fields)

    def _apply_tx(self, event: RecordedEvent) -> None:
        """Frame the host's bytes back into commands and send them (to nowhere)."""
        began = self._payload_began if self._framer.in_payload else None
        source = event.fields.get("source")
        for outgoing in self._framer.feed(event.data):
            if isinstance(source, str):  # the file the live session read (``@ca.pem``)
                outgoing, source = replace(outgoing, source=source), None
            self._when, began = began, None  # a command begun in an earlier piece: sent then
            try:
                self.send_outgoing(outgoing)
            finally:
                self._when = None
        if self._framer.in_payload and began is None:
            self._payload_began = event.t

    def _control(self, fields: dict[str, Any]) -> None:
        what = fields.get("event")
        if what == TIMEOUT_EVENT and isinstance(fields.get("line"), str):
            self.expire_command(fields["line"], "no final reply (recorded timeout)")
        elif what == LINK_EVENT and isinstance(fields.get("state"), str):
            self.state_changed(fields["state"], str(fields.get("reason", "")))
            self.link_state = REPLAY


def playback_clock(recorded: float, next_event: float, elapsed: float, speed: float) -> float:
    """The recording time reached ``elapsed`` wall seconds after the event at ``recorded``, at
    ``speed``: never past the next event's time (``next_event``: it is applied when reached) nor
    before the last one's (a clock stepped back). A silence shortened by ``max_gap`` jumps at
    its end to the next event's time, as its entries do."""
    return min(next_event, recorded + max(0.0, elapsed) * speed) if next_event > recorded else recorded


class ReplaySession:
    """A recording, replayed read-only, with playback controls; thread-safe.

    Args:
        recording: what to replay.
        speed: playback speed factor for ``play`` (1.0 is real time).
        max_gap: with ``play``, longer silences are shortened to this many seconds.
    """

    link_state = REPLAY
    read_only = True
    """Front ends check this to hide sending (the TUI's command builder, the inspector)."""
    clock = staticmethod(time.time)
    """The host's clock, for what a front end judges now (a certificate's validity)."""

    def __init__(self, recording: Recording, *, speed: float = 1.0, max_gap: float | None = None,
                 path: Path | None = None) -> None:
        self.recording = recording
        self.settings = recording.settings
        self.recording_path = path
        """The file being replayed (shown where a live session shows its recording)."""
        self.speed = speed
        self.max_gap = max_gap
        self.generation = 0
        """Bumped when the replay went backwards and ``entries`` was rebuilt from the start."""
        self.position = 0
        """Index of the next event to apply."""
        self._listeners: list[Callable[[], object]] = []
        self._changed = threading.Condition(threading.RLock())
        self._paused = True
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._anchor = (0.0, 0.0)
        """(monotonic time, recording time) that playback timing counts from."""
        self._core = self._new_core()

    def __enter__(self) -> ReplaySession:
        """``with ReplaySession(...) as replay``: the playback thread stops when the block is left."""
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    # -- what the front ends read ----------------------------------------------------------

    @property
    def state(self) -> ModuleState:
        return self._core.state

    @property
    def port(self) -> None:
        """A replay drives no port: no settings to change, no modem lines, no speed to follow."""
        return None

    def partial_line(self) -> LogEntry | None:
        """None: a replay shows the lines the recording completes, not one still arriving."""
        return None

    @property
    def playback(self) -> ReplaySession:
        """The controls are this object's own (``session.frontend.Playback``)."""
        return self

    @property
    def entries(self) -> EntryBuffer:
        return self._core.entries

    @property
    def time(self) -> float:
        """Recording time (seconds) of the last event applied."""
        return self._time_at(self.position - 1) if self.position else 0.0

    @property
    def reached(self) -> float:
        """``frontend.Playback.reached``: the recording time playback has reached."""
        wall, recorded = self._anchor  # (the playback thread moves on meanwhile: read each once)
        position = self.position
        if self._paused or position >= len(self.recording.events):
            return self.time
        return playback_clock(recorded, self._time_at(position), time.monotonic() - wall, self.speed)

    @property
    def at_end(self) -> bool:
        return self.position >= len(self.recording.events)

    @property
    def playing(self) -> bool:
        return not self._paused and not self.at_end

    def add_listener(self, wake: Callable[[], object]) -> None:
        """Call ``wake()`` (from any thread) whenever new entries are ready."""
        self._listeners.append(wake)

    def send(self, line: str) -> NoReturn:
        """A replay sends nothing."""
        raise ReadOnlySessionError(f"this is a replay of {self.recording.name}: it is read-only, "
                                   f"{line.strip()!r} was not sent")

    def send_outgoing(self, outgoing: Outgoing) -> PendingCommand:
        """A replay sends nothing."""
        return self.send(outgoing.line)

    def send_raw(self, data: bytes, label: str, *, progress: Callable[[int, int], None] | None = None,
                 cancel: threading.Event | None = None) -> int:
        """A replay sends nothing."""
        self.send(label)

    @property
    def line_ends(self) -> LineEnds:
        """The defaults: a replay has no raw mode (the TUI refuses it) and sends nothing."""
        return LineEnds()

    def execute(self, line: str, timeout: float | None = None) -> PendingCommand:
        """A replay sends nothing."""
        return self.send(line)

    def send_keys(self, data: bytes) -> None:
        """A replay sends nothing."""
        self.send("raw keys")

    def wait(self, command: PendingCommand, timeout: float | None = None) -> PendingCommand:
        """Nothing a replay sent can be waited for (it sends nothing): ``command`` as it is."""
        return command

    def reopen(self) -> bool:
        """A replay has no port: says so and returns False."""
        self.note("nothing to reopen: a replay has no port")
        return False

    def prepare(self, line: str) -> Outgoing:
        """Encode ``line`` as a live session would (for previews); payload files are not read."""
        return self._core.prepare(line)

    read_file = staticmethod(_no_files)

    def note(self, text: str) -> None:
        """Show a note in the view; it is not added to the recording (a replay writes nothing)."""
        self._core.entries.append(LogEntry(time.time(), NOTE, f"{text} (not recorded: this is a replay)"))
        self._wake()

    # -- controls ---------------------------------------------------------------------------

    def step(self) -> RecordedEvent | None:
        """Apply the next event; None at the end."""
        with self._changed:
            if self.at_end:
                return None
            event = self._apply_next()
            self._reanchor()
            return event

    def seek(self, position: int) -> None:
        """Go to just before event ``position`` (0: the start), rebuilding when going back."""
        position = max(0, min(position, len(self.recording.events)))
        with self._changed:
            if position < self.position:
                self._core = self._new_core()
                self.position = 0
                self.generation += 1
            while self.position < position:
                self._apply_next()
            self._reanchor()
        self._wake()

    def to_end(self) -> None:
        """Apply every remaining event."""
        self.seek(len(self.recording.events))

    def next_marker(self) -> RecordedEvent | None:
        """Play up to and including the next note; None (and no move) when there is none."""
        events = self.recording.events
        with self._changed:
            index = next((i for i in range(self.position, len(events)) if self._dir_at(i) == NOTE), None)
            if index is None:
                return None
            self.seek(index + 1)
            return events[index]

    def previous_marker(self) -> RecordedEvent | None:
        """Go back to the note before the one last passed; the start when there is none."""
        events = self.recording.events
        with self._changed:
            index = next((i for i in range(self.position - 2, -1, -1) if self._dir_at(i) == NOTE), None)
            self.seek(0 if index is None else index + 1)
            return None if index is None else events[index]

    def play(self, speed: float | None = None) -> None:
        """Play from here at ``speed`` times real time (in a thread) until paused or the end."""
        with self._changed:
            if speed is not None:
                if speed <= 0:
                    raise ValueError("the speed must be above 0")
                self.speed = speed
            self._paused = False
            self._reanchor()
            self._changed.notify_all()
            if self._thread is None:
                # daemon: it only reads, and one left unclosed (a front end that died) must not
                # keep the process alive
                self._thread = threading.Thread(target=self._play_loop, name="replay", daemon=True)
                self._thread.start()

    def pause(self) -> None:
        with self._changed:
            self._paused = True
            self._changed.notify_all()

    def wait_until_paused(self, timeout: float | None = None) -> bool:
        """Block until playback has stopped (paused or at the end); True when it has."""
        with self._changed:
            return self._changed.wait_for(lambda: not self.playing, timeout)

    def close(self) -> None:
        """Stop the playback thread."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    # -- internals --------------------------------------------------------------------------

    def _new_core(self) -> _ReplayCore:
        core = _ReplayCore(self.recording, self._clock)
        core.add_listener(self._wake)
        return core

    def _clock(self) -> float:
        return self.recording.started_epoch + self.time

    def _apply_next(self) -> RecordedEvent:
        event = self.recording.events[self.position]
        self.position += 1  # first: the session's clock reads the time of this event
        self._core.apply(event)
        if self.at_end:
            self._core.finish()  # a recording that ends inside an upload: what it held back
        return event

    def _time_at(self, index: int) -> float:
        events = self.recording.events
        return events.time_at(index) if isinstance(events, EventLog) else events[index].t

    def _dir_at(self, index: int) -> str:
        events = self.recording.events
        return events.dir_at(index) if isinstance(events, EventLog) else events[index].dir

    def _reanchor(self) -> None:
        self._anchor = (time.monotonic(), self.time)

    def _play_loop(self) -> None:
        with self._changed:
            while not self._stopped:
                if self._paused or self.at_end:
                    self._paused = True
                    self._changed.notify_all()
                    self._changed.wait()
                    continue
                wall, recorded = self._anchor
                gap = self._time_at(self.position) - recorded
                if self.max_gap is not None:
                    gap = min(gap, self.max_gap)
                remaining = wall + max(0.0, gap) / self.speed - time.monotonic()
                if remaining > 0:
                    # capped: a wait of 1e300 s (a tiny --speed) overflows the timer
                    self._changed.wait(min(remaining, _LONGEST_WAIT))
                    continue
                try:
                    self._apply_next()
                except Exception as exc:  # the file changed under us, or a bug: say so, keep the thread
                    self._stop_on(exc)
                    continue
                self._anchor = (wall + max(0.0, gap) / self.speed, self.time)

    def _stop_on(self, exc: Exception) -> None:
        """Pause with one note instead of letting the playback thread die silently."""
        self._paused = True
        reason = visible(str(exc)) or type(exc).__name__
        self._core.entries.append(LogEntry(time.time(), NOTE, f"replay paused at event {self.position}: {reason}"))
        self._changed.notify_all()
        self._wake()

    def _wake(self) -> None:
        for wake in self._listeners:
            wake()


class StreamingReplay:
    """A recording's events applied once, front to back, keeping nothing (exports).

    ``entries()`` yields every log entry as the events produce it; ``state`` is the module state
    so far (complete once ``entries()`` is exhausted). Memory does not grow with the recording:
    entries are handed on as they come, events are read as they are applied.
    """

    def __init__(self, recording: Recording | RecordingStream, events: Iterable[RecordedEvent]) -> None:
        self.recording = recording
        self._events = events
        self._time = 0.0
        started = recording.started_epoch
        self._core = _ReplayCore(recording, lambda: started + self._time)

    @property
    def state(self) -> ModuleState:
        return self._core.state

    def entries(self) -> Iterator[LogEntry]:
        drain = self._core.entries.drain
        for event in self._events:
            self._time = event.t
            self._core.apply(event)
            yield from drain()
        self._core.finish()  # a recording that ends inside an upload: what it held back
        yield from drain()


def state_snapshot(state: ModuleState) -> dict[str, Any]:
    """The module state as plain data (JSON-ready): what ``replay --print-state`` prints."""
    return {
        "firmware": state.firmware,
        "model": state.model,
        "ip_address": state.ip_address,
        "echo": state.echo,
        "resets": state.resets,
        "clock_set": state.clock_offset is not None,
        "tls": dict(state.tls),
        "sockets": [asdict(state.sockets[sid]) for sid in sorted(state.sockets)],
    }

