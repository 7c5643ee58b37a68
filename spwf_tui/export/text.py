"""The ``text`` export: a timestamped transcript with TX/RX marks and the decoder's explanations.

Each entry is written as ``session.transcript`` writes it for ``run`` (``>`` sent, ``<``
received, ``#`` note, ``=`` explanation), prefixed with the seconds since the recording started.
Control characters are shown as escapes, so the file is safe to ``cat`` to a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spwf_tui.core.display import visible
from spwf_tui.core.events import DATA
from spwf_tui.core.logentry import RX
from spwf_tui.export import Replayed, host_facts
from spwf_tui.session.recording.reader import Recording, RecordingStream
from spwf_tui.session.transcript import format_entry

_STAMP_WIDTH = 12
_SHOWN_KEPT = 4096
"""Module lines whose transcript lines are kept for their next time (the decoder's own table of
recent lines is of this order)."""
_PIECE = 64 * 1024
"""Characters gathered before a piece of an export is handed on."""


def format_text(replayed: Replayed) -> str:
    """The whole text export."""
    return "".join(iter_text(replayed))


def iter_text(replayed: Replayed) -> Iterator[str]:
    """The text export in pieces of about 64 KiB, while ``replayed.entries`` is being produced."""
    # The header is the recording's (port, versions, host): outside text like every line below.
    yield f"# {safe(describe(replayed.recording))}\n"
    piece: list[str] = []
    size = 0
    for line in iter_transcript_lines(replayed):
        piece.append(line)
        size += len(line) + 1
        if size >= _PIECE:
            piece.append("")
            yield "\n".join(piece)
            piece, size = [], 0
    if piece:
        piece.append("")
        yield "\n".join(piece)


def describe(recording: Recording | RecordingStream) -> str:
    """One line saying what the recording is."""
    header = recording.header
    host = host_facts(header)
    secrets = "secrets kept" if recording.secrets_kept else "secrets redacted"
    return (f"spwf-tui {header.get('tool_version', '?')} recording of {recording.settings.port} "
            f"({recording.settings.describe()}), started {header.get('started', '?')}, "
            f"on {host.get('os', '?')} / Python {host.get('python', '?')}, {secrets}")


def transcript_lines(replayed: Replayed) -> list[str]:
    """Every entry as ``[  seconds] > line``, continuation lines indented."""
    return list(iter_transcript_lines(replayed))


def iter_transcript_lines(replayed: Replayed) -> Iterator[str]:
    """``transcript_lines``, one at a time (exports stream them).

    The lines are ``session.transcript``'s, whose every outside text went through ``visible``
    once (``core/present/entries.py``); they are not escaped a second time (that changed
    nothing and cost a third of the export: ``safe(line) == line`` is a unit test's property).
    """
    offset = replayed.offset
    indent = " " * _STAMP_WIDTH
    # A module line's lines depend on its event, text and explanation only, and the decoder hands
    # out one event object per distinct recent line (OK, WINDs, Reading...): kept by event.
    shown: dict[int, tuple[object, str, str | None, str]] = {}
    # The entries of one read share its time: the stamp is formatted once for them all.
    stamp_time: float | None = None
    stamp = ""
    for entry in replayed.entries:
        if entry.time != stamp_time:
            stamp_time = entry.time
            stamp = f"[{offset(entry):9.3f}] "
        event = entry.event
        if event is not None and entry.direction == RX and event.kind != DATA:
            line, explain = entry.text, entry.explain
            hit = shown.get(id(event))
            if hit is not None and hit[0] is event and hit[1] == line and hit[2] == explain:
                text = hit[3]
            else:
                text = format_entry(entry)
                if len(shown) >= _SHOWN_KEPT:
                    shown.clear()
                shown[id(event)] = (event, line, explain, text)
        else:
            text = format_entry(entry)
        if text.count("\n") == 1:  # nearly every entry: one line
            yield stamp + text[:-1]
            continue
        for index, line in enumerate(text.rstrip("\n").split("\n")):
            yield (stamp if index == 0 else indent) + line


def safe(text: str) -> str:
    """``text`` with C0 and C1 control characters escaped (terminal-safe)."""
    shown = visible(text)
    if _C1.search(shown):  # a regex scan, not a Python step per character (exports are large)
        shown = _C1.sub(lambda match: f"\\x{ord(match.group()):02x}", shown)
    return shown


_C1 = re.compile("[\x80-\x9f]")
