"""The ``markdown`` export: a bug report that carries everything a maintainer asks for.

Sections, in the order a reader needs them: environment (tool, OS, Python, port settings), the
module as the session rebuilt it (firmware, model, clock, stored TLS objects, sockets), the errors
the module reported with their explanations, then the whole transcript in a fenced block.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator

from spwf_tui.core.events import ERROR
from spwf_tui.core.present.clock import clock_text
from spwf_tui.export import Replayed, host_facts
from spwf_tui.export.text import iter_transcript_lines, safe
from spwf_tui.session.log import RX, TX, LogEntry

_SPOOL_PIECE = 64 * 1024
MAX_LISTED_ERRORS = 1000
"""Errors listed one by one in the Errors section; more are counted."""

_TLS_NAMES = (("ca", "CA certificate"), ("cert", "client certificate"), ("key", "client key"),
              ("auth", "auth (CA key id)"))


def format_markdown(replayed: Replayed) -> str:
    """The whole report."""
    return "".join(iter_markdown(replayed))


def iter_markdown(replayed: Replayed) -> Iterator[str]:
    """The report in pieces. The transcript comes last but the sections before it need the
    whole replay (the final module state, every error): it is written to an unnamed temporary
    file (0600, gone when closed) while the entries are replayed, then copied out."""
    errors = _ErrorList(replayed)
    longest = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogateescape") as spool:
        joint = ""  # the lines are joined by LF, with none after the last
        held: list[str] = []
        size = 0
        for line in iter_transcript_lines(_watching(replayed, errors)):
            if "```" in line:
                longest = max(longest, *(len(run) for run in re.findall(r"`{3,}", line)))
            held.append(line)
            size += len(line)
            if size >= _SPOOL_PIECE:  # written about 64 KiB at a time, not a line at a time
                spool.write(joint + "\n".join(held))
                joint, held, size = "\n", [], 0
        if held:
            spool.write(joint + "\n".join(held))
        recording = replayed.recording
        fence = "`" * max(3, longest + 1)
        parts = [
            f"# SPWF04 session report: {_inline(recording.settings.port)}\n",
            f"Exported by spwf-tui from the recording `{_file_name(recording.name)}`"
            + (" (its last line was cut: the recording process was killed)." if recording.truncated else ".") + "\n",
            "## Environment\n",
            _table(_environment(replayed)),
            "## Module\n",
            _table(_module(replayed)),
            *errors.lines(),
            "## Transcript\n",
            "`>` sent, `<` received, `#` note, `=` explanation; times in seconds from the start.\n",
        ]
        yield "\n".join(parts) + "\n"
        yield f"{fence}text\n"
        spool.seek(0)
        while piece := spool.read(1 << 16):
            yield piece
        yield f"\n{fence}\n"


def _watching(replayed: Replayed, errors: _ErrorList) -> Replayed:
    """``replayed`` whose entries pass ``errors`` on their way to the transcript."""
    def entries() -> Iterator[LogEntry]:
        for entry in replayed.entries:
            errors.see(entry)
            yield entry
    return Replayed(replayed.recording, entries(), replayed.state)


def _environment(replayed: Replayed) -> list[tuple[str, str]]:
    recording = replayed.recording
    header = recording.header
    host = host_facts(header)
    settings = recording.settings
    flow = "RTS/CTS" if settings.rtscts else "XON/XOFF" if settings.xonxoff else "none"
    secrets = ("kept (recorded with --record-secrets)" if recording.secrets_kept
               else "redacted: each secret byte is shown as `*`")
    return [
        ("Tool", f"spwf-tui {header.get('tool_version', '?')}"),
        ("Host OS", str(host.get("os", "?"))),
        ("Python", f"{host.get('python', '?')} ({host.get('implementation', '?')})"),
        ("Port", _inline(settings.port)),
        ("Serial settings", f"{settings.baudrate} baud, {settings.bytesize} data bits, parity {settings.parity}, "
                            f"{settings.stopbits:g} stop bit(s), flow control {flow}"),
        ("Started (UTC)", str(header.get("started", "?"))),
        ("Duration", f"{recording.duration:.3f} s"),
        ("Secrets", secrets),
    ]


def _module(replayed: Replayed) -> list[tuple[str, str]]:
    state = replayed.state
    facts = replayed.recording.facts()
    shown = {True: "stored", False: "not stored", None: "unknown"}  # None: nothing in the recording said
    stored = ", ".join(f"{label}: {shown[state.tls.get(key)]}" for key, label in _TLS_NAMES)
    rows = [
        ("Firmware", state.firmware or facts.get("firmware") or "unknown (no boot or fw_version seen)"),
        ("Model", state.model or facts.get("model") or "unknown"),
        ("Clock", _clock(replayed)),
        ("IP address", state.ip_address or ("none" if state.link_known else "unknown")),
        ("TLS objects", stored),
        ("Module resets seen", str(state.resets)),
    ]
    sockets = [f"{s.id}: {_inline(f'{s.host}:{s.port}')} kind {_inline(s.kind or '?')}, peer {s.peer_ip or '?'}, "
               f"{s.pending} bytes pending" + (", closed by the peer" if s.closed_by_peer else "")
               for s in (state.sockets[i] for i in sorted(state.sockets))]
    rows.append(("Open sockets", "; ".join(sockets) if sockets else "none"))
    return rows


def _clock(replayed: Replayed) -> str:
    offset = replayed.state.clock_offset
    if offset is None:
        return clock_text(None)
    end = replayed.recording.started_epoch + replayed.recording.duration
    return f"{clock_text(end + offset)} at the end of the recording ({offset:+.0f} s from the host clock)"


class _ErrorList:
    """The errors the module reported, each with the command before it; the first
    ``MAX_LISTED_ERRORS`` are listed, the rest counted."""

    def __init__(self, replayed: Replayed) -> None:
        self._replayed = replayed
        self._found: list[tuple[LogEntry, str | None]] = []
        self._more = 0
        self._last_command: str | None = None

    def see(self, entry: LogEntry) -> None:
        if entry.direction == TX:
            self._last_command = entry.text
        elif entry.direction == RX and entry.event is not None and entry.event.kind == ERROR:
            if len(self._found) < MAX_LISTED_ERRORS:
                self._found.append((entry, self._last_command))
            else:
                self._more += 1

    def lines(self) -> list[str]:
        if not self._found:
            return ["## Errors\n", "The module reported no error.\n"]
        lines = [f"## Errors ({len(self._found) + self._more})\n"]
        for entry, command in self._found:
            after = f", after {_inline(command)}" if command else ""
            lines.append(f"- {_inline(entry.text)} at {self._replayed.offset(entry):.3f} s{after}")
            if entry.explain:
                lines.append(f"  {_escape(safe(entry.explain))}")
        if self._more:
            lines.append(f"- and {self._more:,} more (the transcript has them all)")
        lines.append("")
        return lines


def _table(rows: list[tuple[str, str]]) -> str:
    body = "\n".join(f"| {name} | {_cell(value)} |" for name, value in rows)
    return f"| | |\n|---|---|\n{body}\n"


def _cell(text: str) -> str:
    return safe(text).replace("|", "\\|")


def _inline(text: str) -> str:
    """``text`` as inline code, with a fence longer than any backtick run inside it."""
    text = safe(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _escape(text: str) -> str:
    """Our own sentences: only what would turn into HTML needs escaping."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _file_name(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].replace("`", "")
