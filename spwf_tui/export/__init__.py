"""Exports of a recording: a timestamped text transcript, a Markdown bug report, an asciicast.

Every export starts from ``replay_all``: the recording replayed to its end through the session
code (``session.replay``), so the transcript carries the decoder's explanations and the report
the rebuilt module state. The formatters are pure functions of that result; ``commands.export``
does the file handling. A recording made with ``--record-secrets`` is redacted first unless the
caller asks to keep its secrets (``commands.export --include-secrets``).
"""

from __future__ import annotations

from dataclasses import dataclass

from spwf_tui.session.log import LogEntry
from spwf_tui.session.recording import Recording
from spwf_tui.session.replay import ReplaySession
from spwf_tui.session.state import ModuleState

FORMATS = ("text", "markdown", "cast")


@dataclass
class Replayed:
    """A recording replayed to its end."""

    recording: Recording
    entries: list[LogEntry]
    """Every log entry, in order (``time`` is host time: the start plus the event's offset)."""
    state: ModuleState

    def offset(self, entry: LogEntry) -> float:
        """Seconds from the start of the recording to ``entry``."""
        return max(0.0, entry.time - self.recording.started_epoch)


def replay_all(recording: Recording) -> Replayed:
    """Replay ``recording`` to the end, keeping every entry (the live buffer would drop old ones)."""
    session = ReplaySession(recording)
    entries: list[LogEntry] = []
    while session.step() is not None:
        entries.extend(session.entries.drain())
    entries.extend(session.entries.drain())
    return Replayed(recording, entries, session.state)


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
