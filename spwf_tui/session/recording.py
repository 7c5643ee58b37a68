"""Reading recordings: the file format of ``session.recorder``, back into objects.

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
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeGuard

from spwf_tui.core.redact import StreamRedactor, redact_text
from spwf_tui.errors import UserError
from spwf_tui.session.recorder import FORMAT, SCHEMA_VERSION
from spwf_tui.transport.settings import PortSettings

RX, TX, NOTE, FACTS, CONTROL = "rx", "tx", "note", "facts", "session"
KNOWN_DIRECTIONS = (RX, TX, NOTE, FACTS, CONTROL)


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


@dataclass(frozen=True)
class Recording:
    """A recording as read from its file."""

    name: str
    """Where it came from, for messages."""
    header: dict[str, Any]
    events: tuple[RecordedEvent, ...]
    truncated: bool = False
    """The last line was cut short (the recording process was killed mid-write) and dropped."""

    @property
    def secrets_kept(self) -> bool:
        """True when it was made with ``--record-secrets``."""
        return self.header.get("secrets") == "kept"

    @property
    def started_epoch(self) -> float:
        value = self.header.get("started_epoch")
        return float(value) if _is_number(value) else 0.0

    @property
    def duration(self) -> float:
        return self.events[-1].t if self.events else 0.0

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
        except (TypeError, ValueError):
            return PortSettings(port)

    def facts(self) -> dict[str, str]:
        """The module facts the recording states (the last ``facts`` event)."""
        known: dict[str, str] = {}
        for event in self.events:
            if event.dir == FACTS and isinstance(event.fields.get("facts"), dict):
                known.update({k: str(v) for k, v in event.fields["facts"].items()})
        return known


_SETTING_TYPES: dict[str, type | tuple[type, ...]] = {
    "baudrate": int, "bytesize": int, "parity": str, "stopbits": (int, float), "rtscts": bool, "xonxoff": bool}


def read_recording(path: str | Path) -> Recording:
    """Read a recording file.

    Raises:
        RecordingError: unreadable file, not a recording, unknown schema version, damaged line.
    """
    try:
        data = Path(path).expanduser().read_bytes()
    except FileNotFoundError:
        raise RecordingError(f"{path}: no such file") from None
    except OSError as exc:
        raise RecordingError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return parse_recording(data, str(path))


def parse_recording(data: bytes, name: str = "recording") -> Recording:
    """Parse a recording's bytes (see ``read_recording``)."""
    lines = data.split(b"\n")
    complete_end = len(lines) - 1  # the piece after the last \n: empty, or a cut line
    header = _header(lines[0] if lines else b"", name)
    events: list[RecordedEvent] = []
    truncated = False
    for index, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        is_last_piece = index - 1 == complete_end
        try:
            obj = json.loads(raw.decode("utf-8"))
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except (UnicodeDecodeError, ValueError):
            if is_last_piece:
                truncated = True  # a cut last line: what a kill during a write leaves
                break
            raise RecordingError(f"{name}, line {index}: not a JSON object (the file is damaged)") from None
        event = _event(obj, index, name)
        if event is not None:
            events.append(event)
    return Recording(name, header, tuple(events), truncated)


def redacted(recording: Recording) -> Recording:
    """``recording`` with its secrets redacted, as if recorded without ``--record-secrets``."""
    if not recording.secrets_kept:
        return recording
    rx_redactor, tx_redactor = StreamRedactor.pair()
    redactors = {RX: rx_redactor, TX: tx_redactor}
    events: list[RecordedEvent] = []
    for event in recording.events:
        if event.dir in redactors:
            data, spans = redactors[event.dir].feed(event.data)
            if event.data and not data:
                continue  # held with its line (a key may be echoed back): it comes with the next event
            fields = dict(event.fields)
            if event.raw_label is not None:
                fields["raw"] = redact_text(event.raw_label)[0]
            events.append(replace(event, data=data, redacted=tuple(spans), fields=fields))
        elif event.dir == NOTE:
            text, spans = redact_text(event.text)
            events.append(replace(event, text=text, redacted=tuple(spans)))
        elif event.dir == CONTROL:
            fields = {k: redact_text(v)[0] if isinstance(v, str) and k != "event" else v
                      for k, v in event.fields.items()}
            events.append(replace(event, fields=fields))
        else:
            events.append(event)
    last_t = events[-1].t if events else 0.0
    for direction, redactor in redactors.items():
        rest, _ = redactor.flush()
        if rest:
            events.append(RecordedEvent(0, last_t, direction, data=rest))
    header = dict(recording.header, secrets="redacted")
    return Recording(recording.name, header, tuple(events), recording.truncated)


# -- parsing helpers ------------------------------------------------------------------------

def _header(first: bytes, name: str) -> dict[str, Any]:
    not_ours = RecordingError(f"{name} is not a spwf-tui recording (its first line is not a recording header)")
    try:
        header = json.loads(first.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
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
            isinstance(n, int) and not isinstance(n, bool) for n in s) for s in value):
        return tuple((s[0], s[1]) for s in value)
    raise RecordingError(f"{name}, line {line}: \"redacted\" must be a list of [offset, length] pairs")


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
