"""Exports of a recording: a timestamped text transcript, a Markdown bug report, an asciicast.

Text and Markdown start from the recording replayed through the session code
(``session.recording.replay``), so the transcript carries the decoder's explanations and the report the
rebuilt module state; the cast shows the recorded bytes themselves. ``stream_export`` produces
an export in pieces while the recording is read front to back once, so memory stays flat
however large the recording (a 100 MB one included); ``render`` returns a whole export as one
string (small recordings, tests). ``cli.export`` does the file handling. A recording made
with ``--record-secrets`` is redacted first unless the caller asks to keep its secrets
(``cli.export``, ``--include-secrets``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spwf_tui.session.log import LogEntry
from spwf_tui.session.recording.reader import Recording, RecordingStream, redact_events
from spwf_tui.session.recording.replay import ReplaySession, StreamingReplay
from spwf_tui.session.state import ModuleState

FORMATS = ("text", "markdown", "cast")


@dataclass
class Replayed:
    """A recording replayed to its end (or being replayed: ``entries`` may be an iterator)."""

    recording: Recording | RecordingStream
    entries: Iterable[LogEntry]
    """Every log entry, in order (``time`` is host time: the start plus the event's offset)."""
    state: ModuleState

    def __post_init__(self) -> None:
        self._start = self.recording.started_epoch  # read once: it is asked for every entry

    def offset(self, entry: LogEntry) -> float:
        """Seconds from the start of the recording to ``entry``."""
        return max(0.0, entry.time - self._start)


def host_facts(header: dict[str, Any]) -> dict[str, Any]:
    """The header's ``host`` table (OS, Python); empty when an old or hostile recording has
    none or something else there."""
    host = header.get("host")
    return host if isinstance(host, dict) else {}


def replay_all(recording: Recording) -> Replayed:
    """Replay ``recording`` to the end, keeping every entry (the live buffer would drop old ones)."""
    session = ReplaySession(recording)
    entries: list[LogEntry] = []
    while session.step() is not None:
        entries.extend(session.entries.drain())
    entries.extend(session.entries.drain())
    return Replayed(recording, entries, session.state)


def stream_export(stream: RecordingStream, fmt: str, *, include_secrets: bool = False) -> Iterator[str]:
    """The export of the recording ``stream`` in format ``fmt``, piece by piece.

    Raises:
        RecordingError: when the reading reaches a damaged line (pieces before it were yielded).
    """
    events = stream.events
    if stream.secrets_kept and not include_secrets:
        events = redact_events(events)
        stream.header = dict(stream.header, secrets="redacted")  # what the export says of itself
    if fmt == "cast":
        from spwf_tui.export.cast import iter_cast

        return iter_cast(stream, events)
    replay = StreamingReplay(stream, events)
    replayed = Replayed(stream, replay.entries(), replay.state)
    if fmt == "text":
        from spwf_tui.export.text import iter_text

        return iter_text(replayed)
    if fmt == "markdown":
        from spwf_tui.export.markdown import iter_markdown

        return iter_markdown(replayed)
    raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")


def render(replayed: Replayed, fmt: str) -> str:
    """The export of ``replayed`` in format ``fmt`` (one of ``FORMATS``)."""
    if fmt == "text":
        from spwf_tui.export.text import format_text

        return format_text(replayed)
    if fmt == "markdown":
        from spwf_tui.export.markdown import format_markdown

        return format_markdown(replayed)
    if fmt == "cast":
        from spwf_tui.export.cast import format_cast

        return format_cast(replayed.recording)
    raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
