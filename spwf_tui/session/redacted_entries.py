"""What the front ends show: session entries with their secrets redacted.

The recorder redacts what it writes (``core.redact``). Screens leak too: a terminal is shared,
screen-recorded, scrolled back and pasted into bug reports. So by default the entries a session
hands to its front ends (the TUI log, the REPL, ``run``'s transcript) carry the same redaction:
the value in ``SCFG=<secret variable>,...`` and its echo, ``AT-S.Var:<secret variable>=...``, the
payload of ``TLSCERT=key`` and the module's echo of a refused key's lines become ``*``, lengths
kept. ``--show-secrets`` turns this off.

Only these display copies change: the module state, the pending commands' replies and the
events scripts wait on keep the real bytes, so ``expect`` and the state work as before.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from spwf_tui.core.classify import classify
from spwf_tui.core.events import DATA, Event, bytes_to_text
from spwf_tui.core.redact import (MARK, SecretEcho, StreamRedactor, is_secret_payload, lines_hold_secret_assignment,
                                  may_hold_secret, redact_all, redact_text)
from spwf_tui.session.log import NOTE, RX, TX, EntryBuffer, LogEntry


class RedactingEntryBuffer(EntryBuffer):
    """An ``EntryBuffer`` that redacts each entry as it is added (any thread).

    Beyond ``redact_entry`` it follows the session: raw payload pieces are read as one stream
    (an echo the decoder took for payload after an unsolicited ``AT-S.Reading`` may be cut
    between two pieces), and after a private key is sent, module lines that reproduce one of the
    key's lines are hidden (a module that refuses the key echoes it back line by line).
    """

    def __init__(self, max_entries: int = 50_000) -> None:
        super().__init__(max_entries)
        self._echo = SecretEcho()
        self._data = StreamRedactor(tx=False)
        self._raw_tx = StreamRedactor(tx=True, echo=self._echo)
        """Bytes sent raw (``:send-file``): read as the module reads them, a key in them included."""
        self._follow = threading.Lock()

    def append(self, entry: LogEntry) -> None:
        super().append(self._shown(entry))

    def extend(self, entries: list[LogEntry], *, received: bool = False, size: int | None = None) -> None:
        # A batch of module output is looked at once: only when a keyword is somewhere in its
        # lines does each line get its own look (nearly every batch holds none). Payload pieces
        # always go through the stream of pieces, which has its own fast path.
        if not self._echo.active and (received or all(entry.direction == RX and entry.event is not None
                                                      for entry in entries)):
            # (every entry has an event: checked just above; mypy cannot see it through all())
            events: list[Event] = [entry.event for entry in entries]  # type: ignore[misc]
            lines = [event.raw for event in events if event.kind != DATA]
            if not lines_hold_secret_assignment(b"".join(lines)):
                if len(lines) < len(entries):
                    entries = self._data_pieces(entries, events)
                super().extend(entries, size=size)  # (redaction keeps every length)
                return
        super().extend([self._shown(entry) for entry in entries], size=size)

    def _shown(self, entry: LogEntry) -> LogEntry:
        with self._follow:
            if entry.direction == TX and entry.payload:
                if _sent_raw(entry):
                    payload, spans = self._raw_tx.feed(entry.payload)
                    if spans:
                        entry = replace(entry, payload=payload)
                elif is_secret_payload(entry.text):
                    self._echo.learn(entry.payload or b"")
            event = entry.event
            if entry.direction != RX or event is None:
                return redact_entry(entry)
            entry = self._data_piece(entry) if event.kind == DATA else redact_entry(entry)
            if self._echo.active:
                self._echo.spend(len(event.raw))
                entry = _hide_echo(entry, self._echo)
            return entry

    def _data_pieces(self, entries: list[LogEntry], events: list[Event]) -> list[LogEntry]:
        """``entries`` with their payload pieces redacted: the pieces are fed to the stream at
        once (its output keeps every length, so it is cut back into the pieces). ``events``:
        the entries' events (every entry has one: ``extend`` checked)."""
        pieces = [event.raw for event in events if event.kind == DATA]
        with self._follow:
            out, spans = self._data.feed(b"".join(pieces))
        if not spans:
            return entries
        shown, offset = [], 0
        for entry, event in zip(entries, events):
            if event is not None and event.kind == DATA:
                raw = event.raw
                piece = out[offset:offset + len(raw)]
                offset += len(raw)
                if piece != raw:
                    entry = LogEntry(entry.time, RX, None, Event(DATA, piece, continued=event.continued), entry.explain)
            shown.append(entry)
        return shown

    def _data_piece(self, entry: LogEntry) -> LogEntry:
        assert entry.event is not None, "a payload piece is an event"
        raw, spans = self._data.feed(entry.event.raw)
        return LogEntry(entry.time, RX, None, Event(DATA, raw, continued=entry.event.continued), entry.explain) if spans else entry


def redact_entry(entry: LogEntry) -> LogEntry:
    """``entry`` as it may be shown: the same object when it holds no secret."""
    if entry.direction == TX:
        return _redact_tx(entry)
    if entry.direction == NOTE:
        return replace(entry, text=redact_text(entry.text)[0]) if may_hold_secret(entry.text) else entry
    event = entry.event
    if event is None or not may_hold_secret(entry.text):
        return entry
    if event.kind == DATA:
        # A raw payload piece is the user's data, but an echo taken for payload is the module's.
        raw, spans = redact_all(event.raw, tx=False)
        return LogEntry(entry.time, RX, None, Event(DATA, raw, continued=event.continued), entry.explain) if spans else entry
    text = redact_text(entry.text)[0]
    if text == entry.text:
        return entry
    raw, _ = redact_all(event.raw, tx=False)
    shown = Event(event.kind, raw, text, event.code, event.label, classify(text).fields, event.continued)
    return replace(entry, text=text, event=shown)


def _sent_raw(entry: LogEntry) -> bool:
    """A tx entry of ``Session.send_raw``: its text is a label (``:send-file x``), not a command."""
    return not entry.text.lstrip()[:2].upper() == "AT"


def _hide_echo(entry: LogEntry, echo: SecretEcho) -> LogEntry:
    """``entry`` with the runs that reproduce a key line just sent starred."""
    event = entry.event
    assert event is not None, "only module lines are echoes"
    raw = _starred(event.raw, echo)
    if raw == event.raw:
        return entry
    if event.kind == DATA:
        return LogEntry(entry.time, RX, None, Event(DATA, raw, continued=event.continued), entry.explain)
    text = bytes_to_text(_starred(entry.text.encode("utf-8", "surrogateescape"), echo))
    shown = Event(event.kind, raw, text, event.code, event.label, classify(text).fields, event.continued)
    return replace(entry, text=text, event=shown)


def _starred(data: bytes, echo: SecretEcho) -> bytes:
    out = bytearray(data)
    start = 0
    for line in data.replace(b"\r", b"\n").split(b"\n"):
        for begin, end in echo.ranges(line):
            out[start + begin:start + end] = bytes([MARK]) * (end - begin)
        start += len(line) + 1
    return bytes(out)


def _redact_tx(entry: LogEntry) -> LogEntry:
    text = redact_text(entry.text)[0] if may_hold_secret(entry.text) else entry.text
    payload = entry.payload
    if payload and is_secret_payload(entry.text):
        payload = bytes([MARK]) * len(payload)
    if text == entry.text and payload is entry.payload:
        return entry
    return replace(entry, text=text, payload=payload)
