"""The session recorder: every session appended to a JSON Lines file as it runs.

Who calls what: the ``Session`` calls ``start`` when it opens the port, then ``rx`` with each
transport read (the reader thread), ``tx`` with the exact bytes of each write (under its TX
lock, before the write, so a reply can never be recorded before its command), ``note``,
``facts`` and ``control`` from any thread, and ``close`` last. No method raises: a recording
that cannot be written tells the session once through ``on_problem`` and stops; the session
goes on.

The format is described in ``session.recording.format``, with its names. Each event is one
``os.write`` of a whole line, straight to the kernel: after ``kill -9`` the file holds every
event written so far, and at worst a cut last line, which the reader skips.
"""

from __future__ import annotations

import base64
import errno
import datetime as dt
import json
import os
import platform
import re
import threading
import time
from collections.abc import Callable
from json.encoder import encode_basestring
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spwf_tui import __version__, safefiles
from spwf_tui.core.redact import StreamRedactor, redact_text
from spwf_tui.session.recording.format import CONTROL, FACTS, FORMAT, NOTE, RX, SCHEMA_VERSION, SUFFIX, TX

if TYPE_CHECKING:
    from spwf_tui.transport.settings import PortSettings

FILE_MODE = 0o600
DIR_MODE = 0o700
_OWN_NAME = re.compile(r"^\d{8}T\d{6}Z_[A-Za-z0-9._-]*(-\d+)?\.jsonl$")
"""Names the recorder gives files; only these are ever removed by the ``keep`` limit."""

ProblemCallback = Callable[[str], None]


class Recorder:
    """Appends one session to a recording file.

    Args:
        directory: where to create a file named by start time and port (``path`` unset).
        path: the exact file to create (``--record PATH``); it must not exist yet.
        keep: with ``directory``: keep at most this many recordings there, the oldest removed.
        max_bytes: stop recording, with a note, once the file reaches this size.
        keep_secrets: record secrets as they are (``--record-secrets``); the header says so.
    """

    def __init__(self, *, directory: Path | None = None, path: Path | None = None, keep: int | None = None,
                 max_bytes: int = 50 * 1024 * 1024, keep_secrets: bool = False,
                 wall_clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if (directory is None) == (path is None):
            raise ValueError("give exactly one of directory and path")
        self.directory = directory
        self.path: Path | None = path
        """The recording file (known once ``start`` has created it)."""
        self.keep = keep
        self.max_bytes = max_bytes
        self.keep_secrets = keep_secrets
        self.active = False
        """True while events are being written."""
        self.size = 0
        self._wall_clock = wall_clock
        self._monotonic = monotonic
        self._t0 = 0.0
        self._fd: int | None = None
        self._lock = threading.Lock()
        self._on_problem: ProblemCallback = lambda _text: None
        rx_redactor, tx_redactor = StreamRedactor.pair()  # the rx side hides a refused key echoed back
        self._redactors = {RX: rx_redactor, TX: tx_redactor}
        self._facts: dict[str, str] = {}

    # -- life cycle -------------------------------------------------------------------------

    def start(self, settings: PortSettings, on_problem: ProblemCallback | None = None) -> bool:
        """Create the file and write the header; False (and ``on_problem`` told) when it cannot."""
        if on_problem is not None:
            self._on_problem = on_problem
        started = self._wall_clock()
        try:
            self._fd, self.path = self._create(started, settings.port)
        except OSError as exc:
            where = self.path or self.directory
            self._on_problem(f"cannot record this session in {where}: {_reason(exc)}; it goes on unrecorded")
            return False
        self._t0 = self._monotonic()
        self.active = True
        self._write(header(settings, started, self.keep_secrets))
        if self.active and self.directory is not None and self.keep:
            prune(self.directory, self.keep, current=self.path)
        return self.active

    def close(self) -> None:
        """Write what the redactors still hold and close the file; idempotent."""
        with self._lock:
            if self.active:
                for direction, redactor in self._redactors.items():
                    rest, _ = redactor.flush()
                    if rest:
                        self._write_locked(self._data_event(direction, rest, []))
            self.active = False
            fd, self._fd = self._fd, None
        safefiles.close_quietly(fd)

    def discard(self) -> None:
        """Close and delete the file (the port never opened: nothing worth keeping)."""
        self.close()
        if self.path is not None:
            try:
                self.path.unlink()
            except OSError:
                pass

    # -- events -----------------------------------------------------------------------------

    def rx(self, data: bytes) -> None:
        """One transport read, as it came."""
        self._record_bytes(RX, data, None)

    def tx(self, data: bytes, raw: str | None = None, source: str | None = None) -> None:
        """One transport write, exactly; ``raw`` labels bytes sent without a command.

        ``source``: the file a payload came from as typed (``@ca.pem``), so a replay's fix hints
        name the same file (``ski:ca.pem``) as the live session's did.
        """
        self._record_bytes(TX, data, raw, source)

    def note(self, text: str) -> None:
        """A note or a marker."""
        if not self.active:
            return
        event: dict[str, Any] = {"t": self._offset(), "dir": NOTE}
        event.update(self._text_fields(text))
        self._write(event)

    def facts(self, **facts: str | None) -> None:
        """Module facts (firmware, model); written only when they change."""
        known = {key: value for key, value in facts.items() if value}
        if not self.active or all(self._facts.get(key) == value for key, value in known.items()):
            return
        self._facts.update(known)
        self._write({"t": self._offset(), "dir": FACTS, "facts": dict(self._facts)})

    def control(self, event: str, **fields: str) -> None:
        """A session decision a replay must repeat (``timeout``, ``link``)."""
        if not self.active:
            return
        record: dict[str, Any] = {"t": self._offset(), "dir": CONTROL, "event": event}
        for key, value in fields.items():
            record[key] = value if self.keep_secrets else redact_text(value)[0]
        self._write(record)

    # -- internals --------------------------------------------------------------------------

    def _record_bytes(self, direction: str, data: bytes, raw: str | None, source: str | None = None) -> None:
        if not self.active or not data:
            return
        with self._lock:
            if not self.active:
                return
            spans: list[Any] = []
            if not self.keep_secrets:
                if direction == TX:
                    # Module output held with its line (a key may be echoed back) came first:
                    # it is written first, so a command is never recorded before what preceded it.
                    held, held_spans = self._redactors[RX].flush()
                    if held:
                        self._write_locked(self._data_event(RX, held, held_spans))
                data, spans = self._redactors[direction].feed(data)
                if not data:
                    return  # all held back until the line shows whether it is secret
            if not spans and raw is None and source is None:
                # The usual event (each read of module output): one line made directly.
                problem = self._write_line_locked(_data_line(self._offset(), direction, data))
                if problem:
                    self._on_problem(problem)
                return
            event = self._data_event(direction, data, spans)
            if raw is not None:
                event["raw"] = raw if self.keep_secrets else redact_text(raw)[0]
            if source is not None:
                event["source"] = source if self.keep_secrets else redact_text(source)[0]
            problem = self._write_locked(event)
        if problem:
            self._on_problem(problem)

    def _data_event(self, direction: str, data: bytes, spans: list[Any]) -> dict[str, Any]:
        event: dict[str, Any] = {"t": self._offset(), "dir": direction}
        try:
            event["text"] = data.decode("utf-8")
        except UnicodeDecodeError:
            # Left as bytes for ``_event_line`` to splice in: as a str, the base64 of a 64 KiB
            # upload would cost two more 87 KB copies on the way to the file.
            event["b64"] = base64.b64encode(data)
        if spans:
            event["redacted"] = [list(span) for span in spans]
        return event

    def _text_fields(self, text: str) -> dict[str, Any]:
        if self.keep_secrets:
            return {"text": text.encode("utf-8", "backslashreplace").decode("utf-8")}
        redacted, spans = redact_text(text)
        return {"text": redacted, "redacted": [list(s) for s in spans]} if spans else {"text": redacted}

    def _offset(self) -> float:
        return round(self._monotonic() - self._t0, 6)

    def _write(self, event: dict[str, Any]) -> None:
        with self._lock:
            problem = self._write_locked(event)
        if problem:
            self._on_problem(problem)

    def _write_locked(self, event: dict[str, Any]) -> str | None:
        """Append one event; returns a problem to report (outside the lock) or None."""
        if not self.active or self._fd is None:
            return None
        return self._write_line_locked(_event_line(event))

    def _write_line_locked(self, line: bytes) -> str | None:
        """Append one event's line (``_event_line``); returns a problem to report or None."""
        if not self.active or self._fd is None:
            return None
        try:
            _write_all(self._fd, line)
        except OSError as exc:
            self.active = False
            return f"recording stopped: cannot write {self.path} ({_reason(exc)}); the session goes on unrecorded"
        self.size += len(line)
        if self.size >= self.max_bytes:
            cap = f"{self.max_bytes / (1024 * 1024):g} MB"
            stop = {"t": self._offset(), "dir": NOTE, "text": f"recording stopped: the {cap} size cap was reached"}
            try:
                _write_all(self._fd, (json.dumps(stop) + "\n").encode("utf-8"))
            except OSError:
                pass
            self.active = False
            return (f"recording stopped: {self.path} reached the {cap} size cap "
                    "([recording] max_megabytes); the session goes on unrecorded")
        return None

    def _create(self, started: float, port: str) -> tuple[int, Path]:
        if self.path is not None:
            return _open_new(self.path), self.path
        directory = self.directory
        assert directory is not None
        try:
            # 0700, no link; a folder of ours open to others is tightened, someone else's reported
            warning = safefiles.private_dir(directory, "recordings folder")
        except safefiles.UnsafeFileError as exc:
            if isinstance(exc.__cause__, OSError):  # the system's own reason reads best in the warning
                raise exc.__cause__ from None
            raise OSError(errno.EPERM, str(exc)) from None
        if warning:
            self._on_problem(warning)
        base = file_name(started, port)
        for attempt in range(1000):
            candidate = directory / (base if attempt == 0 else base.replace(SUFFIX, f"-{attempt}{SUFFIX}"))
            try:
                return _open_new(candidate), candidate
            except FileExistsError:
                continue
        raise FileExistsError(f"{directory / base} and 999 variants exist")


def header(settings: PortSettings, started: float, keep_secrets: bool) -> dict[str, Any]:
    """The first line of a recording."""
    return {
        "format": FORMAT,
        "version": SCHEMA_VERSION,
        "tool": "spwf-tui",
        "tool_version": __version__,
        "started": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat(timespec="microseconds")
        .replace("+00:00", "Z"),
        "started_epoch": started,
        "port": settings.port,
        "settings": {"baudrate": settings.baudrate, "bytesize": settings.bytesize, "parity": settings.parity,
                     "stopbits": settings.stopbits, "rtscts": settings.rtscts, "xonxoff": settings.xonxoff},
        "settings_text": settings.describe(),
        "host": {"os": platform.platform(), "python": platform.python_version(),
                 "implementation": platform.python_implementation()},
        "secrets": "kept" if keep_secrets else "redacted",
    }


def _event_line(event: dict[str, Any]) -> bytes:
    """``event`` as one JSON line, exactly as ``json.dumps`` writes it (compact, non-ASCII kept);
    a ``b64`` value may be given as bytes."""
    b64 = event.get("b64")
    if b64 is None:
        return (json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    if isinstance(b64, str):
        b64 = b64.encode("ascii")
    # Base64 never needs escaping in JSON, and json.dumps scanning it char by char cost more
    # than redacting and encoding a 64 KiB upload together: it is spliced in unscanned.
    head, _, tail = json.dumps({**event, "b64": ""}, ensure_ascii=False, separators=(",", ":")).partition('"b64":""')
    return b"".join((head.encode("utf-8"), b'"b64":"', b64, b'"', tail.encode("utf-8"), b"\n"))


def _data_line(offset: float, direction: str, data: bytes) -> bytes:
    """``_event_line`` of the event ``_data_event`` makes of ``data`` with no redacted span,
    written directly: the RX path records each read, and ``json.dumps`` makes an encoder, walks
    the dictionary and checks each value's type every time (a third of the recorder's cost a
    read at line rate). The same bytes: a float as ``json`` writes it (``repr``: the offset is
    finite), the text escaped by ``json``'s own function, ``direction`` one of ours (no escape)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return b'{"t":%b,"dir":"%b","b64":"%b"}\n' % (repr(offset).encode("ascii"), direction.encode("ascii"),
                                                      base64.b64encode(data))
    return f'{{"t":{offset!r},"dir":"{direction}","text":{encode_basestring(text)}}}\n'.encode("utf-8")


def file_name(started: float, port: str) -> str:
    """``20240501T120000Z_dev-ttyUSB0.jsonl``: start time (UTC) and the port, made file-safe."""
    stamp = dt.datetime.fromtimestamp(started, dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}_{sanitise_port(port)}{SUFFIX}"


def sanitise_port(port: str) -> str:
    """A port name as a file-name part: ``/dev/ttyUSB0`` -> ``dev-ttyUSB0``, ``sim://`` -> ``sim``."""
    safe = re.sub(r"[^A-Za-z0-9._]+", "-", port).strip("-.")
    return safe[:60] or "port"


def prune(directory: Path, keep: int, current: Path | None = None) -> list[Path]:
    """Remove the oldest recordings in ``directory`` beyond ``keep``; returns what was removed.

    Only file names the recorder makes are considered, so nothing else in the directory is
    touched; the current recording is never removed.
    """
    try:
        names = sorted(p for p in directory.iterdir() if _OWN_NAME.match(p.name) and p.is_file())
    except OSError:
        return []
    removed = []
    excess = len(names) - keep
    for path in names:
        if excess <= 0:
            break
        if current is not None and path == current:
            continue
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
        excess -= 1
    return removed


def _open_new(path: Path) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, FILE_MODE)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, FILE_MODE)  # the umask can only narrow the mode; make it exactly 0600
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
