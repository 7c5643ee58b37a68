"""A recording's final module state, replayed with nothing made for a front end.

``replay --print-state`` prints the module state and nothing else, so it needs the decoder
(which frames payloads, or a payload's bytes would read as lines), the pending-command
tracker (which reply answers which command) and ``ModuleState``; not the log entries, their
explanations or their redacted copies, which were most of the full replay's work after
decoding (docs/architecture.md §7).

``StateReplay`` is the replay's session code (``_ReplayCore``: commands framed back from the
``tx`` bytes, recorded timeouts and link changes, a decoder started afresh after an internal
error) with one method replaced: ``_deliver``, which here does only the state side of
``Session._deliver``. Everything else runs as in the full replay, so the two cannot drift
apart except in that one method; a unit test compares their states on hostile and ordinary
recordings (tests/unit/test_state_replay.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spwf_tui.core.events import INFO, WIND, Event
from spwf_tui.session.log import LogEntry
from spwf_tui.session.recording.reader import Recording, RecordedEvent, RecordingStream
from spwf_tui.session.recording.replay import _ReplayCore
from spwf_tui.session.state import ModuleState


class _NoExplanations:
    """Stands in for the session's ``Explainer``: explanations follow what was sent (a CA
    upload is parsed with ``cryptography``) for log entries this replay never makes."""

    ca_file: str | None = None

    def observe_tx(self, line: str, payload: bytes, source: str | None) -> None:
        """Nothing to follow."""


class _StateCore(_ReplayCore):
    """The replay's session, handing nothing to the front ends."""

    def __init__(self, recording: Recording | RecordingStream, clock: Callable[[], float]) -> None:
        super().__init__(recording, clock)
        self._explainer = _NoExplanations()  # type: ignore[assignment]  # only observe_tx is reached

    def _deliver(self, events: list[Event], size: int | None = None) -> None:
        """``Session._deliver`` without entries, explanations, look-back or wake-ups: the
        pending commands and the module state see the events exactly as there."""
        if not events:
            return
        pending = self._pending
        apply = self.state.apply
        if not pending:
            # As the live path: with no command waiting (when the batch starts), the state
            # reads only the WINDs and labels it reads unsolicited.
            winds, labels = self.state.UNSOLICITED_WINDS, self.state.UNSOLICITED_LABELS
            for event in events:
                kind = event.kind
                if kind == WIND:
                    if event.code in winds:
                        apply(event, None)
                elif kind == INFO and event.label in labels:
                    apply(event, None)
            return
        attribute, applied_kinds = pending.attribute, self.state.APPLIED_KINDS
        for event in events:
            kind = event.kind
            if pending:
                if kind == WIND and event.code == 1:
                    pending.interrupt_all("the module reset (boot WINDs arrived)")
                command = attribute(event)
                apply(event, command.line if command else None)
            elif kind in applied_kinds:
                apply(event, None)

    def note(self, text: str) -> None:
        """Nobody reads notes here."""

    def show(self, entry: LogEntry) -> None:
        """Nobody reads entries here (a ``tx`` event's raw send, a recorded note)."""


class StateReplay:
    """A recording's events applied once, front to back, for the module state alone.

    ``run()`` applies every event of ``events`` and returns the state: the same state a full
    replay (``StreamingReplay``, ``ReplaySession.to_end``) of the same events ends with.
    """

    def __init__(self, recording: Recording | RecordingStream, events: Iterable[RecordedEvent]) -> None:
        self._events = events
        self._time = 0.0
        started = recording.started_epoch
        self._core = _StateCore(recording, lambda: started + self._time)

    @property
    def state(self) -> ModuleState:
        return self._core.state

    def run(self) -> ModuleState:
        apply = self._core.apply
        for event in self._events:
            self._time = event.t  # the session's clock reads the time of this event
            apply(event)
        self._core.finish()  # a recording that ends inside an upload: what it held back
        return self._core.state
