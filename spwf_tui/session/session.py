"""One Session per open port: TX with the module's conventions, RX decoded into state and log.

Who calls what:

* the transport's reader thread calls ``data_received`` / ``state_changed``;
* a front end (TUI, REPL, ``run``) calls ``send`` / ``execute`` and ``entries.drain()``, and
  registers a wake-up callback with ``add_listener``. The callback carries no data and may be
  called often; front ends coalesce it (the TUI posts a replaceable message, see docs/architecture.md §2).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from spwf_tui.core.commandline import parse
from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.display import visible
from spwf_tui.core.events import DATA, INFO, LATER, WIND, Event
from spwf_tui.core.explain import Explainer
from spwf_tui.core.payload import Outgoing, PayloadError, encode
from spwf_tui.core.rawmode import LineEnds
from spwf_tui.inputfiles import read_limited
from spwf_tui.session.log import NOTE, RX, TX, EntryBuffer, LogEntry
from spwf_tui.session.partial import partial_entry
from spwf_tui.session.pending import PendingCommand, PendingTracker
from spwf_tui.session.port_control import PortControl
from spwf_tui.session.recording.format import LINK_EVENT, TIMEOUT_EVENT
from spwf_tui.session.redacted_entries import RedactingEntryBuffer
from spwf_tui.session.state import ModuleState
from spwf_tui.transport.errors import PortError, PortWriteError
from spwf_tui.transport.serial_transport import CLOSED, CONNECTED, LOST, RECONNECTING, SerialTransport
from spwf_tui.transport.settings import PortSettings

if TYPE_CHECKING:
    from spwf_tui.session.frontend import Playback
    from spwf_tui.session.recording.writer import Recorder
    from spwf_tui.session.text_log import TextLog
    from spwf_tui.transport.base import Transport

DEFAULT_TIMEOUT = 5.0
"""Seconds to wait for a final reply."""
SLOW_COMMANDS = {"SOCKON": 30.0, "WSOCKON": 30.0, "HTTPGET": 60.0, "HTTPPOST": 60.0, "PING": 30.0,
                 "SCAN": 30.0, "MQTTCONN": 30.0, "SMTP": 60.0, "FWUPDATE": 300.0, "FSUPDATE": 300.0,
                 "TFTPGET": 60.0, "TFTPPUT": 60.0}
"""Commands that wait on the network or the radio get longer."""
RECENT_EVENTS = 1000
"""Events kept at least for ``wait_for_event`` (scripts waiting for a WIND); they are kept in
whole batches (one per transport read), so up to one batch more."""
RECENT_BYTES = 4 * 1024 * 1024
"""...and at most this many of their raw bytes, beyond the newest batch: line noise makes 64 KiB
lines (``MAX_LINE``), and 1000 of those would hold hundreds of MB. 4 MiB keeps what 1000 payload
pieces of 4 KiB kept."""
USER_CLOSED = "closed by the user"
"""The reason ``SerialTransport.close`` reports: the one ``closed`` that is no lost port."""
MAX_INTERNAL_ERROR_NOTES = 10
"""Internal errors on received bytes that get a note each; later ones are only counted."""
WATCH_LATE = 0.005
"""The deadline watcher looks this long after a deadline (a timer may wake a little early)."""
WATCH_RETRY = 0.1
"""Seconds before the watcher tries again when giving up on a command failed (a bug met)."""
RAW_CHUNK = 4096
"""A raw send goes out in pieces of this size: progress and cancelling act between two (at
115200 baud a piece takes 0.36 s)."""
TX_FIRST_PIECE = 16 * 1024
"""An upload's payload up to this size is recorded and written as one piece (with its line);
a larger one is split: this much first, then ``TX_PIECE`` at a time (``_write_recorded``)."""
TX_PIECE = 64 * 1024
"""The later pieces of a split upload: each recorded while the port drains the one before
(~0.2 ms of base64 and JSON per piece, about what a pty's 20 KB buffer takes to drain)."""
RAW_LABEL = "raw keys"
"""The recording's label for keys typed in raw mode."""


def read_user_file(path: str) -> bytes:
    """Read a payload file named by the user (``~`` expanded).

    Raises:
        OSError: the file cannot be read; also for a name with a NUL byte (a script line or a
            pasted one can hold it), which Python refuses with a ValueError of its own; for a
            FIFO, device or socket, and for a file larger than ``inputfiles.MAX_INPUT_BYTES``.
    """
    # Regular files only, bounded: ``@/dev/zero`` or a FIFO is refused before anything is sent.
    return read_limited(path)


class Session:
    """The open port, its decoder, the module state and the pending commands.

    A ``session.frontend.FrontSession``: what the front ends see of it is typed there.
    """

    read_only = False
    """A live session sends (a replay does not)."""
    generation = 0
    """A live session never goes back in time: its view is never rebuilt."""
    playback: Playback | None = None
    """No playback controls: this is a port, not a recording."""

    def __init__(self, settings: PortSettings, *, clock: Callable[[], float] = time.time,
                 read_file: Callable[[str], bytes] = read_user_file, reconnect: bool = True,
                 recorder: Recorder | None = None, transport: Transport | None = None,
                 show_secrets: bool = False, line_ends: LineEnds | None = None, follow_speed: bool = False,
                 text_log: TextLog | None = None, pace_streams: bool = False) -> None:
        """``pace_streams``: the port's reader hands a stream on in fewer, larger batches (``run``
        and the TUI: see ``transport.serial_transport._StreamPacer``);
        ``line_ends``: ``--eol`` and ``--map`` (``core.rawmode``); ``recorder`` records the session (see ``session.recording``); ``transport`` replaces the
        serial port (a ``transport.base.Transport``: replays use one that sends nothing); ``show_secrets`` hands the front ends entries with secrets left in
        (``session.redacted_entries``: redacted by default); ``follow_speed`` switches the port to the
        module's new ``console_speed`` once saved and reset (``session.port_control``);
        ``text_log`` gets what the front ends are shown, as text (``--log``, ``session.text_log``)."""
        self.settings = settings
        self.recorder = recorder
        self.clock = clock
        self.read_file = read_file
        self.state = ModuleState(clock=clock)
        self.show_secrets = show_secrets
        self.line_ends = line_ends or LineEnds()
        self.entries = EntryBuffer() if show_secrets else RedactingEntryBuffer()
        self.text_log = text_log
        if text_log is not None:
            self.entries.tap = text_log.write
            text_log.on_problem = self.note
        self.link_state = "closed"
        self.rx_bytes = 0
        """Bytes received since the session opened."""
        self.internal_errors = 0
        """Bugs met while handling received bytes (each survived: see ``_contain``)."""
        self._decoder = RxDecoder()
        self._explainer = Explainer()
        self._pending = PendingTracker()
        self._rx_lock = threading.Lock()
        self._tx_lock = threading.Lock()
        self._listeners: list[Callable[[], object]] = []
        self._recent: deque[tuple[int, list[Event], int]] = deque()
        """Batches of recent events: (sequence number of the first, the events, their bytes)."""
        self._recent_count = 0
        self._recent_bytes = 0
        self._recent_changed = threading.Condition()
        self._recorded_facts: tuple[str | None, str | None] = (None, None)
        """The module facts last handed to the recorder (it records only changes)."""
        self.event_seq = 0
        """Number of events received so far; a mark for ``wait_for_event``."""
        self._transport: Transport = transport or SerialTransport(settings, self, reconnect=reconnect,
                                                                      pace_streams=pace_streams)
        self.port = PortControl(self, follow_speed=follow_speed)
        """Line settings, modem lines and BREAK of the open port (docs/protocol.md §9.1, §9.2)."""
        self._give_up_lock = threading.Lock()
        self._link_up = threading.Event()
        """Set while the port is connected (``wait_connected``)."""
        self._closing = False
        self._watch_stop = False
        self._deadlines = threading.Condition()
        """Notified when a deadline may have come nearer (a command sent or waited for) and on close."""
        self._watcher: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------------

    def open(self) -> None:
        """Open the port (raises ``PortError`` with a message for the user)."""
        # The recording starts first so that the first bytes the reader gets are in it.
        recorder = self.recorder
        recording = recorder is not None and recorder.start(self.settings, self._recording_problem)
        try:
            self._transport.open()
        except BaseException:
            if recorder is not None and recording:
                recorder.discard()
            raise
        self.link_state = CONNECTED
        self._link_up.set()
        # Front ends that only send (TUI, REPL) never wait on a command: this thread gives up on
        # the overdue ones, so a silent module cannot leave a command pending for ever.
        self._watcher = threading.Thread(target=self._watch, name="deadlines", daemon=True)
        self._watcher.start()
        route = self._transport.route  # a labgrid place: where it really is
        self.note(f"opened {self.settings.port}{f' ({route})' if route else ''} at {self.settings.describe()}")
        if recorder is not None and recording and recorder.active:
            self.note(f"recording to {recorder.path}")
        if self.text_log is not None:
            self.note(f"logging what is shown to {self.text_log.path}")

    def __enter__(self) -> Session:
        """``with Session(...) as session``: opened here, closed when the block is left, however."""
        self.open()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    @property
    def recording_path(self) -> Path | None:
        """The file this session is being recorded to; None when it is not (any more)."""
        recorder = self.recorder
        return recorder.path if recorder is not None and recorder.active else None

    def _recording_problem(self, text: str) -> None:
        self.note(f"warning: {text}")

    def close(self) -> None:
        """Close the port; pending commands end as interrupted."""
        self._closing = True  # the transport's "closed" that follows is not a lost port
        with self._deadlines:
            self._watch_stop = True
            self._deadlines.notify_all()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join(timeout=5)
        self._transport.close()
        self._pending.interrupt_all("the session was closed")
        if self.recorder is not None:
            self.recorder.close()
        if self.text_log is not None:
            self.text_log.close()

    def reopen(self) -> bool:
        """Reopen a port that vanished and is not reopened automatically (the user asked: F5 in
        the TUI, ``:reopen`` in the REPL); the outcome is a note. True when it is open again."""
        try:
            self._transport.reopen()
        except PortError as exc:
            self.note(f"not reopened: {exc}")
            return False
        return True

    def add_listener(self, wake: Callable[[], object]) -> None:
        """Call ``wake()`` (from any thread) whenever new entries are ready."""
        self._listeners.append(wake)

    # -- TX ---------------------------------------------------------------------------------

    def prepare(self, line: str) -> Outgoing:
        """Encode a typed line (payload sources resolved); raises ``PayloadError``."""
        return encode(line, self.read_file)

    def send(self, line: str) -> PendingCommand:
        """Encode and send one command line; returns its pending entry.

        Raises:
            PayloadError: bad payload source, or a plain length with no payload given.
            PortWriteError: the port is gone or failed while writing.
        """
        outgoing = self.prepare(line)
        if outgoing.awaiting_payload is not None:
            raise PayloadError(
                f"{outgoing.line} announces {outgoing.awaiting_payload} payload bytes: give them as "
                "a source in place of the length (@FILE, hex:.., ski:FILE or \"text\")"
            )
        return self.send_outgoing(outgoing)

    def send_outgoing(self, outgoing: Outgoing) -> PendingCommand:
        """Send an encoded command (line, CR and payload in one write: never interleaved)."""
        with self._tx_lock:
            # No deadline while it is being written: a 1 MiB upload takes 11 s at 921600 baud,
            # and its reply can only come after its last byte (the write has its own stall limit).
            command = self._pending.add(outgoing.line, None)
            self._hurry_reader()
            if outgoing.line.strip().upper().startswith("AT+S.FSP"):
                with self._rx_lock:
                    self._decoder.expect_body(after_echo=self.state.echo)
            self._explainer.observe_tx(outgoing.line, outgoing.payload, outgoing.source)
            self.state.note_sent(outgoing.line, outgoing.source)
            self.entries.append(LogEntry(self.clock(), TX, outgoing.line, payload=outgoing.payload))
            try:
                self._write_recorded(outgoing)
            except PortWriteError as exc:
                self._pending.expire(command, str(exc))
                payload_sent = max(0, exc.sent - len(outgoing.line) - 1)
                if outgoing.payload:
                    self.note(f"{outgoing.line}: {exc}; {payload_sent} of {len(outgoing.payload)} payload bytes went out")
                else:
                    self.note(f"{outgoing.line}: {exc}")
                raise
            command.sent_at = time.monotonic()  # the reply's time counts from the last byte
            command.deadline = command.sent_at + timeout_for(outgoing.line)
            self._deadline_moved()
            self.port.sent(outgoing.line, command)  # a speed change to follow after the reset
        self._wake()
        return command

    def _write_recorded(self, outgoing: Outgoing) -> None:
        """Record and write ``outgoing`` (docs/architecture.md §3, §7).

        Each recorded piece is recorded before its first byte is written: no reply can come
        first in the recording, and a process killed in the middle of a long upload leaves the
        command in the file. A payload larger than ``TX_FIRST_PIECE`` goes out in pieces, each
        its own ``tx`` event, made (redacted, base64, written to the file) while the port drains
        the piece before (``SerialTransport.write_pieces``): the recording's work overlaps the
        module's reading instead of coming before the whole write. If the write fails, the rest
        is recorded anyway, as when the command was one event: the recording holds the whole
        command (a replay frames it back), the note how far it got.
        """
        head = outgoing.line.encode("utf-8") + b"\r"
        payload = outgoing.payload or b""
        recorder = self.recorder
        source = _file_source(outgoing.source)
        if recorder is None or not recorder.active or len(payload) <= TX_FIRST_PIECE:
            wire = head + payload  # made once: a 1 MiB concatenation costs ~1 ms of page faults
            if recorder is not None:
                recorder.tx(wire, source=source)
            self._transport.write(wire)
            return
        recorded = 0  # payload bytes recorded so far

        def pieces() -> Iterator[bytes]:
            nonlocal recorded
            for start, end in _piece_bounds(payload):
                piece = payload[start:end] if start else head + payload[:end]
                # The file the payload came from goes with the piece that completes the command:
                # a replay frames it then (older readers look for it there too).
                recorder.tx(piece, source=source if end == len(payload) else None)
                recorded = end
                yield piece

        try:
            self._transport.write_pieces(pieces(), len(head) + len(payload))
        except PortWriteError:
            if recorded < len(payload):
                recorder.tx(payload[recorded:] if recorded else head + payload, source=source)
            raise

    def send_raw(self, data: bytes, label: str, *, progress: Callable[[int, int], None] | None = None,
                 cancel: threading.Event | None = None) -> int:
        """Send ``data`` exactly as it is (a file sent raw): no CR added, no reply awaited.

        ``label`` stands in the log where a command line would (``:send @notes.txt``). The bytes
        go out in ``RAW_CHUNK`` pieces, each recorded as it is written, so a cancelled send
        leaves a recording of exactly what went out; ``progress(sent, total)`` is called after
        each piece and ``cancel`` is looked at before each. Returns the number of bytes sent.
        Raises ``PortWriteError`` like ``send_outgoing``.
        """
        sent = 0
        with self._tx_lock:
            self.entries.append(LogEntry(self.clock(), TX, label, payload=data))
            self._wake()
            try:
                while sent < len(data):
                    if cancel is not None and cancel.is_set():
                        break
                    piece = data[sent:sent + RAW_CHUNK]
                    if self.recorder is not None:
                        self.recorder.tx(piece, raw=label)
                    self._transport.write(piece)
                    sent += len(piece)
                    if progress is not None:
                        progress(sent, len(data))
            except PortWriteError as exc:
                self.note(f"{label}: {exc}; {sent + exc.sent} of {len(data)} bytes went out")
                raise
        if sent < len(data):
            self.note(f"{label}: cancelled after {sent:,} of {len(data):,} bytes")
        self._wake()
        return sent

    def send_keys(self, data: bytes) -> None:
        """Raw mode: bytes typed (a key, a pasted line) sent as they are, with no log entry of
        their own (the device's echo shows them); recorded as ``RAW_LABEL``. Raises ``PortWriteError``."""
        with self._tx_lock:
            if self.recorder is not None:
                self.recorder.tx(data, raw=RAW_LABEL)
            self._transport.write(data)
        self._hurry_reader()  # the device's echo of a key is awaited

    def execute(self, line: str, timeout: float | None = None) -> PendingCommand:
        """Send ``line`` and wait for its final reply (or the timeout); never raises on timeout."""
        command = self.send(line)
        return self.wait(command, timeout)

    def wait(self, command: PendingCommand, timeout: float | None = None) -> PendingCommand:
        """Wait for ``command``'s final reply; on timeout mark it so and free the line."""
        limit = timeout if timeout is not None else timeout_for(command.line)
        command.deadline = command.sent_at + limit  # the watcher must not give up sooner
        self._deadline_moved()
        if not command.wait(limit):
            self._give_up(command, limit)
        return command

    def expire_overdue(self) -> list[PendingCommand]:
        """Give up on every command past its deadline (see ``wait``); returns them."""
        overdue = self._pending.overdue(time.monotonic())
        for command in overdue:
            deadline = command.deadline if command.deadline is not None else command.sent_at
            self._give_up(command, deadline - command.sent_at)
        return overdue

    def _give_up(self, command: PendingCommand, limit: float) -> None:
        """The command timed out: free the decoder and the queue, record and say so (once)."""
        with self._give_up_lock:  # ``wait`` and the watcher may both get here
            if command.done:
                return
            leftovers = self._abandon_payload()
            if self.recorder is not None:
                self.recorder.control(TIMEOUT_EVENT, line=command.line)  # a replay must give up here too
            self._deliver(leftovers)
            self._pending.expire(command, f"no final reply within {limit:g} s")
            self.note(f"{command.line}: no final reply within {limit:g} s")

    def expire_command(self, line: str, reason: str) -> None:
        """End the oldest pending ``line`` as the live session did when it gave up on it (a
        replay's recorded timeout): what an unfinished payload left is decoded first, as then."""
        self._deliver(self._abandon_payload())
        command = self._pending.find(line)
        if command is not None:
            self._pending.expire(command, reason)

    def _abandon_payload(self) -> list[Event]:
        with self._rx_lock:
            return self._decoder.abandon_payload()

    def _deadline_moved(self) -> None:
        """A command's deadline was set: the watcher recomputes when it next has to look."""
        with self._deadlines:
            self._deadlines.notify_all()

    def _watch(self) -> None:
        """Give up on overdue commands. The thread sleeps until the earliest deadline, or without
        end while no command waits: an idle session costs no wake-ups (many boards in one process)."""
        failed = False
        while True:
            with self._deadlines:
                if self._watch_stop:
                    return
                deadline = self._pending.next_deadline()
                if failed:  # giving up failed: look again later, not in a tight loop
                    self._deadlines.wait(WATCH_RETRY)
                elif deadline is None:
                    self._deadlines.wait()
                else:
                    delay = deadline - time.monotonic()
                    if delay > 0:
                        self._deadlines.wait(delay + WATCH_LATE)
                if self._watch_stop:
                    return
            failed = False
            try:
                self.expire_overdue()  # decodes what an abandoned payload left: module bytes
            except Exception as exc:  # noqa: BLE001 - timeouts must keep working (_contain)
                failed = True
                self._contain(exc, 0, self.recording_path is not None)

    def wait_connected(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the port to be connected (back after a loss)."""
        return self._link_up.wait(timeout)

    def wait_for_event(self, matches: Callable[[Event], bool], timeout: float, since: int) -> Event | None:
        """The first event after mark ``since`` for which ``matches`` holds, waiting up to ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._recent_changed:
            while True:
                for first, batch, _size in self._recent:
                    if first + len(batch) <= since:
                        continue
                    for event in batch[max(0, since + 1 - first):]:
                        if matches(event):
                            return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._recent_changed.wait(remaining)

    # -- RX (transport thread) --------------------------------------------------------------

    def _hurry_reader(self) -> None:
        """A reply is awaited: a reader pausing in a stream reads at once."""
        self._transport.hurry()

    def awaiting_reply(self) -> bool:
        """True while a command waits for its reply: the transport then hands on what it reads
        at once, not paced as a stream (``transport.serial_transport._StreamPacer``)."""
        return bool(self._pending)

    def data_received(self, data: bytes) -> None:
        """Bytes from the module: decode, attribute, update state, log. Never raises: the
        reader thread that calls it must live on whatever the module sends (``_contain``)."""
        recorded = False
        try:
            if self.recorder is not None:
                self.recorder.rx(data)
                recorded = self.recorder.active
            self.rx_bytes += len(data)
            if self.line_ends.maps_rx:  # --map: the recording above keeps the bytes as received
                data = self.line_ends.map_rx(data)
            with self._rx_lock:
                events = self._decoder.feed(data)
                held = not events and self._decoder.unfinished_line()
            self._deliver(events, len(data))
            if held:
                self._wake()  # no line ended, but the one arriving grew: front ends show it
        except Exception as exc:  # noqa: BLE001 - the last line of defence, see _contain
            self._contain(exc, len(data), recorded)

    def partial_line(self) -> LogEntry | None:
        """The line still arriving (no terminator yet), as a provisional entry to show after the
        drained ones, or None (docs/protocol.md §2.9). Redacted like the other entries unless
        ``show_secrets``; it never enters the entry buffer, the recording has its bytes."""
        with self._rx_lock:
            held = self._decoder.unfinished_line()
        return partial_entry(held, self.clock(), redact=not self.show_secrets) if held else None

    def state_changed(self, state: str, reason: str) -> None:
        """The transport's link state changed."""
        if self.recorder is not None:
            self.recorder.control(LINK_EVENT, state=state, reason=reason)
        self.link_state = state
        if state == CONNECTED:
            self._link_up.set()
        else:
            self._link_up.clear()
        # CLOSED without the user closing it: the session does not reconnect (run without --keep-going).
        gone = state == CLOSED and not self._closing and reason != USER_CLOSED  # (a replay has no _closing)
        if state in (RECONNECTING, LOST) or gone:
            # The port is gone (to come back, or for good): a command waiting for its reply ends
            # now, not when its timeout runs out.
            # A line cut by the loss must not merge with the first bytes after the return.
            try:
                with self._rx_lock:
                    leftovers = [*self._decoder.abandon_payload(), *self._decoder.flush()]
                self._deliver(leftovers)
            except Exception as exc:  # noqa: BLE001 - the reader thread must live on (_contain)
                self._contain(exc, 0, self.recording_path is not None)
            for command in self._pending.interrupt_all(f"port vanished ({reason})"):
                self.note(f"{command.line}: interrupted, the port vanished; not retried")
            if gone:
                self.note(f"port {self.settings.port} vanished ({reason}); not reopened")
            else:
                # The reason says what the transport does next: wait for the same device, or nothing.
                reopen = "; reopen it once it is yours again: F5 in the TUI, :reopen in the REPL" if state == LOST else ""
                self.note(f"port {self.settings.port} vanished: {reason}{reopen}")
        elif state == CONNECTED:
            self.note(f"port {self.settings.port} {reason.removeprefix('port ')}")
        else:
            self.note(f"port {self.settings.port} closed")

    def _deliver(self, events: list[Event], size: int | None = None) -> None:
        """Hand decoded events on: pending commands, module state, explanations, entries.
        ``size``: their bytes, when the caller knows it (the read they came from)."""
        if not events:
            return
        now = self.clock()
        # The RX hot path (one call per transport read, ~10,000 lines a MB): methods looked up
        # once per batch, the entries handed over in one piece, no per-line lock when no
        # command waits for a reply, explanations of single lines made only when shown (LATER).
        pending = self._pending
        explain = self._explainer.explain_or_later
        apply = self.state.apply
        if pending:
            rows = self._attributed_rows(events, now, explain)
        else:
            # Nothing waits for a reply (and a command sent now came after these bytes): the
            # state reads only what it reads unsolicited.
            # The explainer is not asked about the lines it never explains (about half of them)
            # nor about the WINDs it explains when shown (a quarter).
            winds, labels = self.state.UNSOLICITED_WINDS, self.state.UNSOLICITED_LABELS
            silent, told, context_winds = (self._explainer.SILENT_KINDS, self._explainer.TOLD_INFO_LABELS,
                                           self._explainer.CONTEXT_WINDS)
            rows = []
            row = rows.append
            for event in events:
                kind = event.kind
                if kind == DATA:
                    row(LogEntry(now, RX, None, event, explain(event)))
                elif kind == WIND:
                    code = event.code
                    if code in winds:
                        apply(event, None)
                    row(LogEntry(now, RX, event.text, event, LATER if code not in context_winds else explain(event)))
                elif kind == INFO:
                    label = event.label
                    if label in labels:
                        apply(event, None)
                    row(LogEntry(now, RX, event.text, event, explain(event) if label in told else None))
                else:
                    row(LogEntry(now, RX, event.text, event, None if kind in silent else explain(event)))
        self.entries.extend(rows, received=True, size=size)
        if self.recorder is not None:
            facts = (self.state.firmware, self.state.model)
            if facts != self._recorded_facts:  # (rarely: a per-batch call cost ~12 us at line rate)
                self._recorded_facts = facts
                self.recorder.facts(firmware=facts[0], model=facts[1])
        self._remember(events, size)
        self._wake()

    def _attributed_rows(self, events: list[Event], now: float, explain: Callable[[Event], object]) -> list[LogEntry]:
        """``_deliver``'s entries while commands wait for replies: each event goes to its command."""
        pending, attribute, apply = self._pending, self._pending.attribute, self.state.apply
        applied_kinds = self.state.APPLIED_KINDS
        rows: list[LogEntry] = []
        row = rows.append
        for event in events:
            kind = event.kind
            if pending:
                if kind == WIND and event.code == 1:
                    self.entries.extend(rows)  # the notes go after the lines before the reset
                    rows = []
                    row = rows.append
                    for interrupted in pending.interrupt_all("the module reset (boot WINDs arrived)"):
                        self.note(f"{interrupted.line}: interrupted, the module reset")
                command = attribute(event)
                apply(event, command.line if command else None)
            elif kind in applied_kinds:
                apply(event, None)
            # A payload piece's text is left to the entry: escaping binary bytes is costly.
            row(LogEntry(now, RX, None if kind == DATA else event.text, event, explain(event)))  # type: ignore[arg-type]
        return rows

    def _remember(self, events: list[Event], size: int | None = None) -> None:
        """Keep the latest events for ``wait_for_event``, bounded in count and bytes. Whole
        batches come and go: per-event bookkeeping would cost the RX path a loop a line.
        ``size``: the bytes of the read the events came from, when known (close to theirs)."""
        if size is None:
            size = sum(map(len, [event.raw for event in events]))
        with self._recent_changed:
            recent = self._recent
            recent.append((self.event_seq + 1, events, size))
            self.event_seq += len(events)
            self._recent_count += len(events)
            self._recent_bytes += size
            while len(recent) > 1 and (self._recent_count - len(recent[0][1]) >= RECENT_EVENTS
                                       or self._recent_bytes > RECENT_BYTES):
                _first, dropped, dropped_size = recent.popleft()
                self._recent_count -= len(dropped)
                self._recent_bytes -= dropped_size
            self._recent_changed.notify_all()

    def _contain(self, exc: Exception, size: int, recorded: bool) -> None:
        """A bug met module bytes: say so once, start decoding afresh, keep reading.

        The decoder and the explainer may be half-way through the failed input, so both start
        over (a line cut here shows as two); the module state and pending commands stay, and
        a command the lost bytes answered times out as usual. The bytes themselves are in the
        recording when there is one. After ``MAX_INTERNAL_ERROR_NOTES`` such notes, the rest
        are counted in ``internal_errors`` only: a bug hit by every read must not flood the log.
        """
        with self._rx_lock:
            self._decoder = RxDecoder()
            self._explainer = Explainer(ca_file=self._explainer.ca_file)  # the user's file stays known
        self.internal_errors += 1
        if self.internal_errors > MAX_INTERNAL_ERROR_NOTES:
            return
        # The message may quote the module's bytes (a 5000-digit field, escape sequences).
        said = visible(str(exc)[:200]) + ("..." if len(str(exc)) > 200 else "")
        if recorded:
            kept = "bytes kept in the recording"
        else:
            kept = f"{f'{size:,} ' if size else ''}bytes not shown (the session is not recorded)"
        text = (f"internal error decoding the module's output: {type(exc).__name__}: {said}"
                f"{_innermost_frame(exc)}; {kept}; reading goes on")
        if self.internal_errors == MAX_INTERNAL_ERROR_NOTES:
            text += " (further internal errors are counted, not shown)"
        try:
            self.note(text)
        except Exception:  # noqa: BLE001 - nothing more can be said; the count stays
            pass

    def note(self, text: str) -> None:
        """Add a note from the tool or the user (a marker) to the log and the recording."""
        if self.recorder is not None:
            self.recorder.note(text)
        self.entries.append(LogEntry(self.clock(), NOTE, text))
        self._wake()

    def show(self, entry: LogEntry) -> None:
        """Hand ``entry`` to the front ends without recording it (a replay's recorded notes)."""
        self.entries.append(entry)
        self._wake()

    def _wake(self) -> None:
        for wake in self._listeners:
            wake()


def _innermost_frame(exc: BaseException) -> str:
    """``" at decoder.py:237"``: where the error was raised, for a bug report. File and line
    only: a traceback with local variables would print module state and secrets."""
    tb = exc.__traceback__
    if tb is None:
        return ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    return f" at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"


def _piece_bounds(payload: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of the pieces an upload is recorded and written in: ``TX_FIRST_PIECE``
    bytes first (recorded before anything is written: the first piece's recording is the only
    one not overlapped), then ``TX_PIECE``. A cut never falls before a UTF-8 continuation byte,
    so a text payload's pieces stay text in the recording."""
    start, size, limit = 0, len(payload), TX_FIRST_PIECE
    while start < size:
        end = min(size, start + limit)
        for _ in range(3):  # a UTF-8 character has at most 3 continuation bytes
            if end >= size or end <= start + 1 or payload[end] & 0xC0 != 0x80:
                break
            end -= 1
        yield start, end
        start, limit = end, TX_PIECE


def _file_source(source: str | None) -> str | None:
    """A payload source that names a file (``@ca.pem``, ``ski:ca.pem``), for the recording."""
    return source if source and source.startswith(("@", "ski:")) else None


def timeout_for(line: str) -> float:
    """The default reply timeout for a command line."""
    return SLOW_COMMANDS.get(parse(line).name, DEFAULT_TIMEOUT)
