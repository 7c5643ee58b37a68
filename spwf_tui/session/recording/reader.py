"""Reading recordings: the file format of ``session.recording.format``, back into objects.

``read_recording(path)`` gives a ``Recording``: the header and the events, with the bytes of
``rx``/``tx`` events decoded. It tolerates what a killed process leaves (a last line cut short:
dropped, and ``truncated`` says so) and refuses everything else with one ``RecordingError``
line: not a recording, a schema version it does not know, a damaged line, corrupt base64.
``redacted(recording)`` applies the redaction of ``core.redact`` to a recording made with
``--record-secrets`` (what exports do unless asked to keep secrets).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import math
import os
import stat
import tempfile
import threading
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, TypeGuard

from spwf_tui.core.display import visible
from spwf_tui.core.redact import StreamRedactor, redact_text
from spwf_tui.errors import UserError
from spwf_tui.session.recording.format import (
    CONTROL, FACTS, FORMAT, KNOWN_DIRECTIONS, NOTE, RX, SCHEMA_VERSION, TX, encode_bytes,
)
from spwf_tui.transport.settings import PortSettings

MAX_LINE_BYTES = 32 * 1024 * 1024
"""The longest line read: the recorder writes one transport read (at most 64 KiB) or one write (a
16 MiB upload at most: 22 MiB as base64) per line; anything longer is damage, refused unread."""
MAX_EVENT_SECONDS = 1e9
"""The latest event time accepted (about 31 years): ``t`` = 1e308 would overflow a timer."""
MAX_EPOCH = 2.0 ** 33
"""A header's ``started_epoch`` beyond this (year 2242) is treated as unknown."""
MAX_SPAN = 2 ** 31


class RecordingError(UserError):
    """The file is not a recording this version can read; the message is one line for the user."""


@dataclass(frozen=True)
class RecordedEvent:
    """One event line of a recording."""

    line: int
    """Line number in the file (the header is line 1)."""
    t: float
    """Seconds since the recording started."""
    dir: str
    data: bytes = b""
    """``rx``/``tx``: the bytes."""
    text: str = ""
    """``note``: its text."""
    redacted: tuple[tuple[int, int], ...] = ()
    """Byte runs (offset, length) replaced by ``*``."""
    fields: dict[str, Any] = field(default_factory=dict)
    """The whole object as read, for ``facts`` and ``session`` events and future fields."""

    @property
    def raw_label(self) -> str | None:
        """For a ``tx`` event sent without a command (``Session.send_raw``): its label."""
        label = self.fields.get("raw")
        return label if isinstance(label, str) else None


class _HeaderFacts:
    """What a recording's header says (shared by the indexed and the streamed forms)."""

    header: dict[str, Any]

    @property
    def secrets_kept(self) -> bool:
        """True when it was made with ``--record-secrets``."""
        return self.header.get("secrets") == "kept"

    @property
    def started_epoch(self) -> float:
        value = self.header.get("started_epoch")
        # A hostile header (1e308, -5) must not reach date arithmetic: out of range is unknown.
        return float(value) if _is_number(value) and 0 <= value < MAX_EPOCH else 0.0

    @property
    def settings(self) -> PortSettings:
        """The port settings of the recorded session (defaults for what the header lacks)."""
        port = self.header.get("port")
        port = port if isinstance(port, str) and port else "?"
        given = self.header.get("settings")
        given = given if isinstance(given, dict) else {}
        usable: dict[str, Any] = {}
        for key, types in _SETTING_TYPES.items():
            value = given.get(key)
            # bool is an int in Python: keep true/false for the flags only
            if isinstance(value, types) and isinstance(value, bool) == (types is bool):
                usable[key] = value
        try:
            return PortSettings(port, **usable)
        except (TypeError, ValueError, OverflowError):
            return PortSettings(port)


@dataclass(frozen=True)
class Recording(_HeaderFacts):
    """A recording as read from its file: the header, and an index of its events (``EventLog``)
    that reads each event from the file when asked."""

    name: str
    """Where it came from, for messages."""
    header: dict[str, Any]
    events: Sequence[RecordedEvent]
    truncated: bool = False
    """The last line was cut short (the recording process was killed mid-write) and dropped."""

    @property
    def duration(self) -> float:
        if isinstance(self.events, EventLog):
            return self.events.time_at(-1) if len(self.events) else 0.0
        return self.events[-1].t if self.events else 0.0

    def facts(self) -> dict[str, str]:
        """The module facts the recording states (the last ``facts`` event)."""
        known: dict[str, str] = {}
        events = self.events
        chosen = (events[i] for i in events.indexes_of(FACTS)) if isinstance(events, EventLog) else events
        for event in chosen:
            if event.dir == FACTS and isinstance(event.fields.get("facts"), dict):
                known.update({k: str(v) for k, v in event.fields["facts"].items()})
        return known


_SETTING_TYPES: dict[str, type | tuple[type, ...]] = {
    "baudrate": int, "bytesize": int, "parity": str, "stopbits": (int, float), "rtscts": bool, "xonxoff": bool}
_CODES = {direction: code for code, direction in enumerate(KNOWN_DIRECTIONS)}


class EventLog(Sequence[RecordedEvent]):
    """The events of a recording file, read when asked.

    Held in memory per event: where its line starts, its line number, its time and direction
    (25 bytes), so a 100 MB recording costs a few MB however long it is. ``events[i]`` reads
    and parses that one line (thread-safe); iterating reads the file front to back.
    """

    def __init__(self, file: BinaryIO, name: str) -> None:
        self._file = file
        self._name = name
        self._lock = threading.Lock()
        self._offsets = array("q")
        self._lines = array("q")
        self._times = array("d")
        self._dirs = bytearray()

    def _add(self, offset: int, line: int, t: float, direction: str) -> None:
        self._offsets.append(offset)
        self._lines.append(line)
        self._times.append(t)
        self._dirs.append(_CODES[direction])

    def __len__(self) -> int:
        return len(self._offsets)

    def __getitem__(self, index: Any) -> Any:  # an int gives an event, a slice a list of them
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("event index out of range")
        with self._lock:
            self._file.seek(self._offsets[index])
            raw = self._file.readline(MAX_LINE_BYTES + 1)
        line = self._lines[index]
        obj = _load_event_line(raw, line, self._name)
        event = _event(obj, line, self._name)
        if event is None:  # the file changed under us
            raise RecordingError(f"{self._name}, line {line}: changed while it was read")
        return event

    def __iter__(self) -> Iterator[RecordedEvent]:
        for index in range(len(self)):
            yield self[index]

    def time_at(self, index: int) -> float:
        """``events[index].t`` without reading the file."""
        return self._times[index]

    def dir_at(self, index: int) -> str:
        """``events[index].dir`` without reading the file."""
        return KNOWN_DIRECTIONS[self._dirs[index]]

    def indexes_of(self, direction: str) -> Iterator[int]:
        """The indexes of the events of one direction, in order."""
        code = _CODES[direction]
        start = 0
        while (found := self._dirs.find(code, start)) >= 0:
            yield found
            start = found + 1

    def close(self) -> None:
        self._file.close()


def read_recording(path: str | Path) -> Recording:
    """Open a recording file and index its events (every line is parsed and checked once).

    Raises:
        RecordingError: unreadable file, not a recording, unknown schema version, damaged line.
    """
    return Recording(*_index(open_recording_file(path), visible(str(path))))


def parse_recording(data: bytes, name: str = "recording") -> Recording:
    """Parse a recording's bytes (see ``read_recording``)."""
    return Recording(*_index(io.BytesIO(data), name))


def open_recording_file(path: str | Path) -> BinaryIO:
    """The recording file at ``path``, open for reading; only a regular file is opened (a FIFO
    would block, a device never end).

    Raises:
        RecordingError: missing, a folder, not a regular file, unreadable.
    """
    name = visible(str(path))
    try:
        fd = os.open(Path(path).expanduser(), os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise RecordingError(f"{name}: no such file") from None
    except (OSError, ValueError) as exc:
        raise RecordingError(f"{name}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise RecordingError(f"{name}: cannot read (Is a directory)" if stat.S_ISDIR(mode)
                             else f"{name}: not a regular file (a FIFO, device or socket): not a recording")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb", buffering=1 << 20)


def _index(file: BinaryIO, name: str) -> tuple[str, dict[str, Any], EventLog, bool]:
    """One pass over the file: the header, the index of the events, and whether the last line
    was cut. Every event is decoded once here, so reading it later cannot fail on its content."""
    events = EventLog(file, name)
    stream = _scan(file, name, events)
    header = next(stream)
    truncated = False
    for item in stream:
        if item is _TRUNCATED:
            truncated = True
    return name, header, events, truncated


_TRUNCATED = object()


def _scan(file: BinaryIO, name: str, index: EventLog | None = None) -> Iterator[Any]:
    """Yield the header, then each event (or record it in ``index``), then ``_TRUNCATED`` when
    the last line was cut short. Lines longer than ``MAX_LINE_BYTES`` are refused unread."""
    first = file.readline(MAX_LINE_BYTES + 1)
    yield _header(first if len(first) <= MAX_LINE_BYTES else b"", name)
    offset = len(first)
    line = 1
    while True:
        raw = file.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        line += 1
        start, offset = offset, offset + len(raw)
        complete = raw.endswith(b"\n")
        if len(raw) > MAX_LINE_BYTES:
            raise RecordingError(f"{name}, line {line}: longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB, "
                                 "which spwf-tui never writes (the file is damaged)")
        if not raw.strip():
            continue
        try:
            obj = _load_event_line(raw, line, name)
        except RecordingError:
            if not complete:  # a cut last line: what a kill during a write leaves
                yield _TRUNCATED
                return
            raise
        event = _event(obj, line, name)
        if event is None:
            continue
        if index is not None:
            index._add(start, line, event.t, event.dir)
        else:
            yield event


class RecordingStream(_HeaderFacts):
    """A recording read front to back in one pass (exports): constant memory however large.

    ``events`` can be iterated once; ``truncated``, ``duration`` and ``facts()`` are complete
    once it is exhausted. A damaged line raises ``RecordingError`` when the iteration reaches it.
    """

    def __init__(self, path: str | Path) -> None:
        self.name = visible(str(path))
        self._file = open_recording_file(path)
        self._scan = _scan(self._file, self.name)
        self.header = next(self._scan)
        self.truncated = False
        self.duration = 0.0
        self._facts: dict[str, str] = {}

    @property
    def events(self) -> Iterator[RecordedEvent]:
        for item in self._scan:
            if item is _TRUNCATED:
                self.truncated = True
                continue
            self.duration = item.t
            if item.dir == FACTS and isinstance(item.fields.get("facts"), dict):
                self._facts.update({k: str(v) for k, v in item.fields["facts"].items()})
            yield item
        self._file.close()

    def facts(self) -> dict[str, str]:
        return dict(self._facts)


def redact_events(events: Iterable[RecordedEvent]) -> Iterator[RecordedEvent]:
    """``events`` with their secrets redacted, as if recorded without ``--record-secrets``."""
    rx_redactor, tx_redactor = StreamRedactor.pair()
    redactors = {RX: rx_redactor, TX: tx_redactor}
    last_t = 0.0
    for event in events:
        last_t = event.t
        if event.dir in redactors:
            data, spans = redactors[event.dir].feed(event.data)
            if event.data and not data:
                continue  # held with its line (a key may be echoed back): it comes with the next event
            fields = {k: v for k, v in event.fields.items() if k not in ("text", "b64")}
            if event.raw_label is not None:
                fields["raw"] = redact_text(event.raw_label)[0]
            yield replace(event, data=data, redacted=tuple(spans), fields=fields)
        elif event.dir == NOTE:
            text, spans = redact_text(event.text)
            yield replace(event, text=text, redacted=tuple(spans), fields={})
        elif event.dir == CONTROL:
            fields = {k: redact_text(v)[0] if isinstance(v, str) and k != "event" else v
                      for k, v in event.fields.items()}
            yield replace(event, fields=fields)
        else:
            yield event
    for direction, redactor in redactors.items():
        rest, _ = redactor.flush()
        if rest:
            yield RecordedEvent(0, last_t, direction, data=rest)


def redacted(recording: Recording) -> Recording:
    """``recording`` with its secrets redacted, as if recorded without ``--record-secrets``.

    The redacted events are written to an unnamed temporary file (0600, gone when closed) in
    the recording format and indexed there: memory stays flat for any size.
    """
    if not recording.secrets_kept:
        return recording
    spool = tempfile.TemporaryFile()
    header = dict(recording.header, secrets="redacted")
    spool.write(json.dumps(header).encode("utf-8") + b"\n")
    for event in redact_events(recording.events):
        spool.write(_event_json(event))
    spool.flush()
    spool.seek(0)
    name, header, events, _ = _index(spool, recording.name)
    return Recording(name, header, events, recording.truncated)


def _event_json(event: RecordedEvent) -> bytes:
    """One event as a recording line (what ``session.recording.writer`` writes)."""
    obj = {k: v for k, v in event.fields.items() if k not in ("text", "b64", "redacted")}
    obj.update(t=event.t, dir=event.dir)
    if event.dir in (RX, TX):
        obj.update(encode_bytes(event.data))
    elif event.dir == NOTE:
        obj["text"] = event.text
    if event.redacted:
        obj["redacted"] = [list(span) for span in event.redacted]
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass") + b"\n"


# -- parsing helpers ------------------------------------------------------------------------

def _load_event_line(raw: bytes, line: int, name: str) -> dict[str, Any]:
    """One line as a JSON object; anything else (nesting deeper than the parser goes, a number
    of more digits than Python reads, bytes that are not UTF-8) is a damaged line."""
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        obj = None
    if not isinstance(obj, dict):
        raise RecordingError(f"{name}, line {line}: not a JSON object (the file is damaged)")
    return obj


def _header(first: bytes, name: str) -> dict[str, Any]:
    not_ours = RecordingError(f"{name} is not a spwf-tui recording (its first line is not a recording header)")
    try:
        header = json.loads(first.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise not_ours from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise not_ours
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version != SCHEMA_VERSION:
        raise RecordingError(f"{name}: recording schema version {version!r} is not supported "
                             f"(this spwf-tui reads version {SCHEMA_VERSION}; a newer spwf-tui may read it)")
    return header


def _event(obj: dict[str, Any], line: int, name: str) -> RecordedEvent | None:
    direction = obj.get("dir")
    t = obj.get("t")
    if not _is_number(t) or not math.isfinite(t) or not isinstance(direction, str):
        raise RecordingError(f"{name}, line {line}: an event needs a time \"t\" and a direction \"dir\"")
    if not 0 <= t <= MAX_EVENT_SECONDS:
        raise RecordingError(f"{name}, line {line}: time \"t\" out of range (seconds from the start, "
                             f"0 to {MAX_EVENT_SECONDS:.0f})")
    if direction not in KNOWN_DIRECTIONS:
        return None  # written by a newer version of the same schema: skipped
    redacted_spans = _spans(obj.get("redacted"), line, name)
    if direction in (RX, TX):
        return RecordedEvent(line, float(t), direction, data=_bytes_of(obj, line, name, direction),
                             redacted=redacted_spans, fields=obj)
    if direction == NOTE:
        text = obj.get("text")
        if not isinstance(text, str):
            raise RecordingError(f"{name}, line {line}: a note needs a \"text\"")
        return RecordedEvent(line, float(t), NOTE, text=text, redacted=redacted_spans, fields=obj)
    return RecordedEvent(line, float(t), direction, fields=obj)


def _bytes_of(obj: dict[str, Any], line: int, name: str, direction: str) -> bytes:
    if isinstance(obj.get("text"), str):
        text: str = obj["text"]
        return text.encode("utf-8", "surrogatepass")
    if isinstance(obj.get("b64"), str):
        try:
            return base64.b64decode(obj["b64"], validate=True)
        except (binascii.Error, ValueError):
            raise RecordingError(f"{name}, line {line}: corrupt base64 in a {direction} event") from None
    raise RecordingError(f"{name}, line {line}: a {direction} event needs \"text\" or \"b64\"")


def _spans(value: object, line: int, name: str) -> tuple[tuple[int, int], ...]:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(s, list) and len(s) == 2 and all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_SPAN for n in s) for s in value):
        return tuple((s[0], s[1]) for s in value)
    raise RecordingError(f"{name}, line {line}: \"redacted\" must be a list of [offset, length] pairs "
                         f"(numbers from 0 to {MAX_SPAN})")


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
