"""What the front ends show: session entries with their secrets redacted.

The recorder redacts what it writes (``core.redact``). Screens leak too: a terminal is shared,
screen-recorded, scrolled back and pasted into bug reports. So by default the entries a session
hands to its front ends (the TUI log, the REPL, ``run``'s transcript) carry the same redaction:
the value in ``SCFG=<secret variable>,...`` and its echo, ``AT-S.Var:<secret variable>=...`` and
the payload of ``TLSCERT=key`` become ``*``, lengths kept. ``--show-secrets`` turns this off.

Only these display copies change: the module state, the pending commands' replies and the
events scripts wait on keep the real bytes, so ``expect`` and the state work as before.
"""

from __future__ import annotations

from dataclasses import replace

from spwf_tui.core.classify import classify
from spwf_tui.core.events import DATA, Event
from spwf_tui.core.redact import (MARK, holds_secret_assignment, is_secret_payload, may_hold_secret, redact_all,
                                  redact_text)
from spwf_tui.session.log import NOTE, RX, TX, EntryBuffer, LogEntry


class RedactingEntryBuffer(EntryBuffer):
    """An ``EntryBuffer`` that redacts each entry as it is added (any thread)."""

    def append(self, entry: LogEntry) -> None:
        super().append(redact_entry(entry))

    def extend(self, entries: list[LogEntry]) -> None:
        # A batch of module lines is looked at once: only when a keyword is somewhere in it
        # does each entry get its own look (nearly every batch holds none).
        module_only = all(entry.direction == RX for entry in entries)
        lines = [entry.text for entry in entries if entry.direction == RX and entry.event.kind != DATA]
        if not module_only or holds_secret_assignment("\n".join(lines)):
            entries = [redact_entry(entry) for entry in entries]
        super().extend(entries)


def redact_entry(entry: LogEntry) -> LogEntry:
    """``entry`` as it may be shown: the same object when it holds no secret."""
    if entry.direction == TX:
        return _redact_tx(entry)
    if entry.direction == NOTE:
        return replace(entry, text=redact_text(entry.text)[0]) if may_hold_secret(entry.text) else entry
    event = entry.event
    # Raw payload pieces (socket reads, file bodies) are the user's data, shown as received.
    if event is None or event.kind == DATA or not may_hold_secret(entry.text):
        return entry
    text = redact_text(entry.text)[0]
    if text == entry.text:
        return entry
    raw, _ = redact_all(event.raw, tx=False)
    shown = Event(event.kind, raw, text, event.code, event.label, classify(text).fields)
    return replace(entry, text=text, event=shown)


def _redact_tx(entry: LogEntry) -> LogEntry:
    text = redact_text(entry.text)[0] if may_hold_secret(entry.text) else entry.text
    payload = entry.payload
    if payload and is_secret_payload(entry.text):
        payload = bytes([MARK]) * len(payload)
    if text == entry.text and payload is entry.payload:
        return entry
    return replace(entry, text=text, payload=payload)
