"""The Textual application: composition and routing between the panes.

Panes (one module each under ``widgets/``): the UART log, the socket status, the certificate
inspector and the command builder. The session's reader thread only posts ``SessionDataReady``;
``_drain`` takes the session's new entries on the UI thread and hands each pane one batch.
Narrow terminals (under 100 columns or 30 rows) show one pane at a time, switched with F2-F4.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Iterable
from pathlib import Path

from textual import on

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Static

from spwf_tui.core import authcheck
from spwf_tui.core.display import visible
from spwf_tui.core.payload import Outgoing, PayloadError
from spwf_tui.core.present.clock import clock_text, utc_text
from spwf_tui.core.present.status import modem_lines_marks, speed_offer_text
from spwf_tui.errors import UserError
from spwf_tui.session.frontend import FrontSession, Playback
from spwf_tui.session.log import NOTE, TX, LogEntry
from spwf_tui.session.tx_worker import TxWorker
from spwf_tui.transport.errors import PortError
from spwf_tui.transport.modem import DEFAULT_BREAK_MS, DEFAULT_PULSE_MS, parse_line_action
from spwf_tui.ui.focusing import focus_now
from spwf_tui.ui.messages import SessionDataReady
from spwf_tui.ui.screens.confirm_send import ConfirmSend
from spwf_tui.ui.screens.file_picker import FilePicker
from spwf_tui.ui.screens.keys_help import KeysHelp
from spwf_tui.ui.screens.payload_dialog import PayloadDialog
from spwf_tui.ui.screens.port_dialog import PortDialog
from spwf_tui.ui.widgets.cert_inspector import CertInspector
from spwf_tui.ui.widgets.command_builder import CommandBuilder
from spwf_tui.ui.widgets.socket_status import REFRESH_COMMANDS, SocketStatus
from spwf_tui.ui.terminal_actions import TerminalActions
from spwf_tui.ui.widgets.raw_keys import RawKeys
from spwf_tui.ui.widgets.uart_log import UartLog

NARROW_WIDTH = 100
"""Below this many columns (class ``-narrow``) or ``SHORT_HEIGHT`` rows (``-short``): one pane."""
SHORT_HEIGHT = 30
ROOMY_WIDTH = 140
"""From this many columns the footer spaces its keys out; below, it is compact."""
DRAIN_INTERVAL = 0.05
"""Seconds between two drains of the session's entries while they keep coming."""
FACTS_INTERVAL = 0.5
"""Seconds between two updates of the module's facts on screen while batches keep coming."""
FLOOD_FACTS_INTERVAL = 1.0
"""The same while the log floods (``UartLog.flooding``): a flood changes a fact in nearly every
batch (an address, a socket's counts), and the facts pane's repaint (its text measured and laid
out again) costs a third of the log's."""
PANES = {"log": "#uart-log", "sockets": "#sockets", "inspector": "#inspector"}
FOCUS_ACTIONS = frozenset({"show_pane", "keys_help", "pick_file", "search_log", "toggle_raw", "port_settings"})
"""The priority bindings' actions (see BINDINGS): only on the main screen."""
STEADY_GC_THRESHOLD = (10_000, 10, 10)
"""Collector thresholds for a running TUI (CPython's default: 700, 10, 10): young passes rarer;
older generations as often as before counted in young passes (rarer still lets RSS creep in the
TUI ingest benchmark, for no gain in key latency)."""


def steady_collector() -> None:
    """Tune the cycle collector for a screen fed by a stream, once the screen is up.

    A flood makes tens of thousands of short-lived objects a second; with the default
    thresholds the collector runs full passes over everything alive, Textual's widget tree and
    the log's 20,000 entries included, and each pass stalls the keyboard's echo by tens of
    milliseconds (the keystroke benchmark's p99). Freezing what start-up made keeps it out of
    every later pass, and a higher first threshold makes passes rarer; reference counting still
    frees nearly everything at once, so memory stays flat (the RSS benchmark).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*STEADY_GC_THRESHOLD)


class SpwfApp(TerminalActions, App[None]):
    """spwf-tui on one session (live, or a read-only replay)."""

    TITLE = "spwf-tui"
    CSS_PATH = "app.tcss"
    ESCAPE_TO_MINIMIZE = False
    """Esc always returns to the builder (``action_focus_builder`` minimizes a maximized pane too)."""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_WIDTH, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT_HEIGHT, "-tall")]
    BINDINGS = [
        Binding("ctrl+right_square_bracket", "leave_raw_or_quit", "Quit", id="app.quit", priority=True, show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit2", priority=True),
        # Keys that move the focus or open a screen are priority bindings: the app acts on them as
        # they arrive. A plain binding runs only after the key has bubbled up from the focused
        # widget, and keys typed behind it (typeahead, a paste, tmux send-keys) would reach the
        # old widget first: a path typed right after F4 went half into the builder.
        Binding("f2", "show_pane('log')", "Log", id="app.pane.log", priority=True),
        Binding("f3", "show_pane('sockets')", "Sockets", id="app.pane.sockets", priority=True),
        Binding("f4", "show_pane('inspector')", "Certs", id="app.pane.inspector", priority=True),
        # Priority: a maximized pane or a pane's own keys must not keep Esc (check_action lets a
        # dialog, and the builder itself, have it).
        Binding("escape", "focus_builder", "Command", show=False, id="app.builder", priority=True),
        Binding("f1", "keys_help", "Keys", id="app.keys", priority=True),
        Binding("question_mark", "keys_help", "Keys", show=False, id="app.keys2"),
        Binding("ctrl+o", "pick_file", "File", id="app.file", priority=True),
        Binding("ctrl+f", "search_log", "Find", id="app.find", priority=True),
        Binding("f9", "mark", "Mark", id="app.mark"),
        Binding("ctrl+l", "clear_log", "Clear log view", show=False, id="app.clear"),
        Binding("ctrl+y", "copy_reply", "Copy last reply", show=False, id="app.copy_reply"),
        Binding("f5", "reopen", "Reopen port", show=False, id="app.reopen"),
        Binding("f6", "toggle_raw", "Raw", show=False, id="app.raw", priority=True),  # in the palette; keeps the footer short
        # Only while a paste or raw send runs (check_action): Ctrl+C cancels it, elsewhere copies.
        Binding("ctrl+c", "cancel_job", "Cancel", id="app.cancel", priority=True, show=False),
        Binding("f7", "port_settings", "Port", show=False, id="app.port", priority=True),
        Binding("f8", "port_line('dtr', 'pulse')", "Pulse DTR", show=False, id="app.dtr_pulse"),
        Binding("shift+f8", "port_line('break', '')", "BREAK", show=False, id="app.break"),
        # Replay only (see check_action): playback controls.
        Binding("space", "replay_toggle", "Play/pause", id="replay.toggle"),
        Binding("period", "replay_step", "Step", id="replay.step"),
        Binding("right_square_bracket", "replay_marker(1)", "Next mark", id="replay.next"),
        Binding("left_square_bracket", "replay_marker(-1)", "Prev mark", id="replay.previous"),
        Binding("plus", "replay_speed(2)", "Faster", id="replay.faster"),
        Binding("minus", "replay_speed(0.5)", "Slower", id="replay.slower"),
        Binding("ctrl+end", "replay_end", "To end", id="replay.end"),
    ]

    def __init__(self, session: FrontSession, *, timestamps: str = "off", keymap: dict[str, str] | None = None,
                 steady_gc: bool = False, paste_delay_ms: int = 0) -> None:
        """``steady_gc``: tune the process's collector once mounted (``steady_collector``). The
        CLI asks for it; tests, which run many apps in one process, do not."""
        super().__init__()
        self._steady_gc = steady_gc
        self.paste_delay_ms = paste_delay_ms
        """Raw mode: milliseconds between the lines of a paste (config ``paste_delay_ms``)."""
        if keymap:
            self.set_keymap(keymap)  # the config file's [keys]: binding id -> key
        self.session = session
        self.read_only = session.read_only
        self._timestamps = timestamps
        self._tx = None if self.read_only else TxWorker(session)
        self._pane = "log"
        self._generation = session.generation
        self._shown_status = ""
        self._partial_shown: str | None = None
        """The line still arriving as last shown (``Session.partial_line``)."""
        self._last_reply: list[str] = []
        """The lines the module sent since the last command went out (what Ctrl+Y copies)."""
        self._reply_open = False
        self._facts_pending = False
        self._facts_shown_at = 0.0
        self._drain_requested = False
        self._drained_at = 0.0

    def get_default_screen(self) -> Screen[object]:
        return _MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        # The pane classes before the panes exist: set in on_mount, each restyled the whole
        # screen once more (~25 ms of the first frame's CPU here).
        self._show_pane_classes()
        yield Static("", id="status", markup=False)
        log = UartLog(id="uart-log", timestamps=self._timestamps)
        with Horizontal(id="main"):
            yield log
            with Vertical(id="side"):
                yield SocketStatus(id="sockets")
                yield CertInspector(id="inspector", session=self.session,
                                    send_steps=self._tx.submit_steps if self._tx is not None else None)
        yield log.find_bar
        yield CommandBuilder(id="builder", facts=lambda: self.session.state, prepare=self.session.prepare)
        yield RawKeys(lambda: self.session.line_ends, id="raw-keys")
        yield KeysFooter()

    def _fatal_error(self) -> None:
        """Textual's crash screen prints every frame's local variables (module state, log
        entries, secrets): show one line and write the traceback, without them, to a private
        file (``spwf_tui.crash``)."""
        import sys

        from rich.text import Text

        from spwf_tui.crash import crash_line

        error = sys.exc_info()[1] or self._exception
        self.bell()
        line = crash_line(error) if error is not None else "spwf-tui: internal error"
        self._exit_renderables.append(Text(line))
        self._close_messages_no_wait()

    def on_mount(self) -> None:
        self.query_one("#uart-log").border_title = "UART log"
        self.query_one("#sockets").border_title = "Sockets & module"
        self.query_one("#inspector").border_title = "Certificate inspector"
        if self._tx is not None:
            self._tx.start()
        self.session.add_listener(self._data_ready)
        self.action_focus_builder()
        if self.read_only:
            self.query_one(CommandBuilder).input.placeholder = "replay: read-only, commands are not sent"
            self.query_one(UartLog).focus()  # the playback keys must not land in the builder
        self._drain()
        self.set_interval(1.0, self._refresh_status)
        if self._steady_gc:
            self.call_after_refresh(steady_collector)

    def on_unmount(self) -> None:
        if self._tx is not None:
            self._tx.stop()

    # -- session data -----------------------------------------------------------------------

    def _data_ready(self) -> None:
        """The reader thread has new entries: one wake-up message at a time (the drain takes
        everything that came meanwhile)."""
        if not self._drain_requested:
            self._drain_requested = True
            self.post_message(SessionDataReady())

    @on(SessionDataReady)
    def _data_arrived(self) -> None:
        # A module streaming at line rate wakes the reader a hundred times a second; a batch per
        # DRAIN_INTERVAL costs the panes' bookkeeping once, and a reply still shows within it.
        wait = self._drained_at + DRAIN_INTERVAL - time.monotonic()
        if wait > 0:
            # The wake-up again, once the interval is over, from the event loop's own timers:
            # Textual's set_timer makes a Timer (with a repr of the app), a task and a callback
            # message each time, twenty times a second in a stream.
            asyncio.get_running_loop().call_later(wait, self.post_message, SessionDataReady())
        else:
            self._drain()

    def _drain(self) -> None:
        self._drain_requested = False
        self._drained_at = time.monotonic()
        if not self.is_running:
            return  # quitting: the panes are going away, but a streaming module still wakes us up
        generation = self.session.generation
        if generation != self._generation:  # a replay went backwards and started over
            self._generation = generation
            self.query_one(UartLog).clear()
        entries = self.session.entries.drain()
        log = self.query_one(UartLog)
        partial = self.session.partial_line()
        if entries:
            log.show_partial(None)  # the line that was arriving is complete in this batch
            log.add_entries(entries)
            self._follow_replies(entries)
            self._schedule_facts(flooding=log.flooding)
        shown = partial.text if partial is not None else None
        if entries or shown != self._partial_shown:
            log.show_partial(partial)
            self._partial_shown = shown

    def _schedule_facts(self, *, flooding: bool) -> None:
        """Show the module's state (sockets pane, inspector, status line) now, or once
        ``FACTS_INTERVAL`` has passed since the last time.

        A flood changes a fact in nearly every batch (an address, the clock, a socket's counts);
        a pane beside the log that repaints in the same frame makes Textual draw the whole
        screen instead of the log's rows. A reply after a quiet spell still shows at once.
        """
        if self._facts_pending:
            return
        interval = FLOOD_FACTS_INTERVAL if flooding else FACTS_INTERVAL
        wait = self._facts_shown_at + interval - time.monotonic()
        if wait <= 0:
            self._show_facts()
        else:
            self._facts_pending = True
            self.set_timer(wait, self._show_facts)

    def _show_facts(self) -> None:
        self._facts_pending = False
        if not self.is_running:
            return
        self._facts_shown_at = time.monotonic()
        self.query_one(SocketStatus).update_from(self.session.state)
        self.query_one(CertInspector).module_state_changed()
        self._refresh_status()

    def _refresh_status(self) -> None:
        if not self.is_running:  # the timer may still fire while quitting, with the panes gone
            return
        status = self.query_one("#status", Static)
        text = fit_status(self._status_facts(), status.size.width or self.size.width)
        if text != self._shown_status:
            # A one-row line of fixed height: no screen re-layout needed (it costs a frame per batch).
            self._shown_status = text
            status.update(text, layout=False)

    def on_resize(self) -> None:
        self._shown_status = ""  # refit to the new width
        # Narrow: the footer drops its padding and the palette key (F1 lists every key), so the
        # app's own keys (F9, ^O, ^F) still show at 80 columns.
        footer = self.query_one(KeysFooter)
        narrow = self.size.width < NARROW_WIDTH
        compact = self.size.width < ROOMY_WIDTH  # the log's keys and the app's fill 120 columns
        if (footer.compact, footer.show_command_palette) != (compact, not narrow):
            footer.compact = compact
            footer.show_command_palette = not narrow
        self.call_after_refresh(self._refresh_status)

    def _status_facts(self) -> list[tuple[str, str]]:
        """``(fact, shorter form)`` pairs, most important first (``fit_status`` shortens and
        drops from the end). Module facts are outside text: shown through ``visible``."""
        s = self.session
        port = visible(str(s.settings.port))
        short_port = port if len(port) <= 24 or "/" not in port else "…/" + _file_name(port)
        facts = [(port, short_port), (s.settings.describe(),) * 2, (visible(s.link_state),) * 2]
        facts.extend(self.terminal_status())
        playback = s.playback
        if playback is not None:
            state = "end" if playback.at_end else f"playing ×{playback.speed:g}" if playback.playing else "paused"
            where = f"{state} at {playback.reached:.1f}/{playback.recording.duration:.1f} s"
            facts.insert(0, (f"▶ REPLAY {where}", f"REPLAY {where}"))
            facts.append(("? keys: space ▶/⏸  . step  [ ] marks  +/- speed", "? keys"))
        else:
            recording = s.recording_path
            if recording:
                # The whole path is in the log's "recording to" note; the line names the file while it fits.
                facts.append((f"● REC {visible(_file_name(str(recording)))}", "● REC"))
            controls = s.port
            if controls is not None:
                lines = controls.lines()
                if lines is not None:
                    facts.append((modem_lines_marks(lines),) * 2)
                if controls.speed_offer:
                    facts.append((speed_offer_text(controls.speed_offer, "F7"), f"{controls.speed_offer} baud? F7"))
        module_time = s.state.module_time()
        if module_time is not None:  # an unknown clock: the sockets pane's summary says what to do
            facts.append((f"module {clock_text(module_time)}", f"module {utc_text(module_time)}"))
        if s.state.firmware:
            facts.append((f"fw {visible(s.state.firmware)}",) * 2)
        if s.state.model:
            facts.append((visible(s.state.model),) * 2)
        return facts

    def _follow_replies(self, entries: list[LogEntry]) -> None:
        """Keep the last reply for Ctrl+Y; tell of a command's final reply when the log is hidden."""
        log_hidden = self.one_pane_at_a_time and self._pane != "log"
        for entry in entries:
            if entry.direction == TX:
                self._last_reply = []
                self._reply_open = True
                continue
            if entry.direction == NOTE or not self._reply_open:
                continue
            self._last_reply.append(entry.text)
            kind = entry.event.kind if entry.event is not None else None
            if kind in ("ok", "error"):
                self._reply_open = False
                if log_hidden:
                    self.notify(f"reply: {entry.text}  (F2 shows the log)",
                                severity="error" if kind == "error" else "information")

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification shows its text as it is: escaped (``visible``), never as markup
        (a search term or a file name of ``[/]`` must neither crash nor style anything)."""
        super().notify(visible(message, keep="\n"), title=visible(title), severity=severity, timeout=timeout,
                       markup=False)

    # -- sending ----------------------------------------------------------------------------

    @on(CommandBuilder.Submitted)
    def _submitted(self, message: CommandBuilder.Submitted) -> None:
        self.send_line(message.line)

    @on(SocketStatus.CommandRequested)
    def _socket_action(self, message: SocketStatus.CommandRequested) -> None:
        if message.send:
            self.send_line(message.line)
        else:
            self.query_one(CommandBuilder).set_line(message.line)

    def send_line(self, line: str) -> None:
        """Encode ``line`` and queue it; a plain data-phase length opens the payload dialog."""
        if self._tx is None:
            self.notify("replay is read-only: nothing is sent", severity="warning")
            return
        if line.startswith(":"):
            self.colon_line(line)
            return
        # The reply to what the user just sent is always seen: the log follows again from here.
        self.query_one(UartLog).action_follow()
        try:
            outgoing = self.session.prepare(line)
        except PayloadError as exc:
            self.session.note(f"not sent: {exc}")
            return
        if outgoing.awaiting_payload is None:
            self._submit_checked(line, outgoing)
            return

        tx = self._tx

        def with_payload(complete: Outgoing | None) -> None:
            if complete is None:
                self.session.note(f"not sent: {outgoing.line} (payload dialog cancelled)")
            else:
                self._submit_checked(line, complete)

        self.push_screen(PayloadDialog(outgoing, self.session.read_file), with_payload)

    def _submit_checked(self, typed: str, outgoing: Outgoing) -> None:
        """Queue ``outgoing``, unless it repeats the seed mistake and the user says no."""
        tx = self._tx
        assert tx is not None  # (send_line, the only caller, returns first in a replay)
        warning = authcheck.check(outgoing.line, outgoing.payload, self.session.state.ca_file)
        if warning is None:
            tx.submit(outgoing)
            return

        def answered(send: bool | None) -> None:
            if send:
                tx.submit(outgoing)
                return
            self.session.note(f"not sent: {outgoing.line} (auth as hex text; fix: "
                              f"{authcheck.ski_fix(self.session.state.ca_file)})")
            builder = self.query_one(CommandBuilder)
            if not builder.input.value:
                builder.set_line(typed)  # to correct it, not type it again

        self.push_screen(ConfirmSend(outgoing.line, warning), answered)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette (Ctrl+P) lists spwf-tui's actions next to Textual's own."""
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":  # Textual's saves to ~/Downloads: ours says where
                command = SystemCommand("Screenshot", "Save an SVG of the screen in the data directory",
                                        lambda: self.set_timer(0.1, self.action_screenshot))
            yield command
        log = self.query_one(UartLog)
        yield SystemCommand("Show the UART log", "F2", lambda: self.action_show_pane("log"))
        yield SystemCommand("Show sockets and module state", "F3", lambda: self.action_show_pane("sockets"))
        yield SystemCommand("Show the certificate inspector", "F4", lambda: self.action_show_pane("inspector"))
        yield SystemCommand("Maximize the UART log", "the whole screen for the log; Esc restores",
                            self.action_maximize_log)
        yield SystemCommand("Send a file (as a command's payload, or as it is)", "Ctrl+O", self.action_pick_file)
        yield SystemCommand("Raw mode: every key to the port as typed", "F6; Ctrl+] or F6 leaves",
                            self.action_toggle_raw)
        yield SystemCommand("Find in the log", "Ctrl+F", self.action_search_log)
        yield SystemCommand("Drop a marker into the recording", "F9", self.action_mark)
        yield SystemCommand("Reopen the port after it vanished", "F5", self.action_reopen)
        yield SystemCommand("Log: cycle timestamps (off/absolute/delta)", "t in the log", log.action_cycle_timestamps)
        yield SystemCommand("Log: show control characters", "c in the log", log.action_toggle_controls)
        yield SystemCommand("Log: hex view of payloads", "x in the log", log.action_toggle_hex)
        yield SystemCommand("Log: follow the end", "End in the log", log.action_follow)
        yield SystemCommand("Port settings: baud, data bits, parity, stop bits, flow control", "F7",
                            self.action_port_settings)
        offer = self.session.port.speed_offer if self.session.port is not None else None
        if offer:
            yield SystemCommand(f"Follow the module to {offer} baud", "its new console_speed",
                                lambda: self._change_port({"baudrate": offer}))
        yield SystemCommand(f"Send BREAK ({DEFAULT_BREAK_MS} ms)", "Shift+F8", lambda: self.action_port_line("break", ""))
        yield SystemCommand(f"Pulse DTR ({DEFAULT_PULSE_MS} ms): the reset of many boards", "F8",
                            lambda: self.action_port_line("dtr", "pulse"))
        for line in ("dtr", "rts"):
            for action in ("on", "off"):
                yield SystemCommand(f"{line.upper()} {action}", f":{line} {action} in the REPL",
                                    lambda line=line, action=action: self.action_port_line(line, action))
        yield SystemCommand(f"Pulse RTS ({DEFAULT_PULSE_MS} ms)", ":rts pulse in the REPL",
                            lambda: self.action_port_line("rts", "pulse"))
        yield SystemCommand("Log: wrap long lines", "w in the log", log.action_toggle_wrap)
        yield SystemCommand("Log: clear the view (the recording keeps everything)", "Ctrl+L", self.action_clear_log)
        yield SystemCommand("Copy the last reply", "Ctrl+Y", self.action_copy_reply)
        yield SystemCommand("Copy the rows in view", "y in the log", log.action_copy_view)
        yield SystemCommand("Show every key", "F1 or ?", self.action_keys_help)
        yield SystemCommand("List stored TLS objects", "AT+S.TLSCERT=content,1",
                            lambda: self.send_line("AT+S.TLSCERT=content,1"))
        yield SystemCommand("Read the module clock", "AT+S.TIME", lambda: self.send_line("AT+S.TIME"))

        def refresh() -> None:
            for line in REFRESH_COMMANDS:
                self.send_line(line)

        yield SystemCommand("Refresh what the module state shows (asks the module)",
                            " and ".join(REFRESH_COMMANDS) + " (R in the sockets pane)", refresh)
        yield SystemCommand("Set the module clock to now", "AT+S.TIME=<host time>",
                            lambda: self.send_line(f"AT+S.TIME={int(time.time())}"))

    # -- actions ----------------------------------------------------------------------------

    def action_focus_builder(self) -> None:
        """Back to the builder from anywhere: a maximized pane is restored, the find box closed; a
        running paste or raw send is cancelled first."""
        if self.cancel_job():
            return
        if self.screen.maximized is not None:
            self.screen.minimize()
        self.query_one(UartLog).close_find()
        if self.read_only:
            focus_now(self.query_one(UartLog))  # nothing to type in a replay: the playback keys work
            return
        if self.raw:
            focus_now(self.query_one(RawKeys))
            return
        focus_now(self.query_one(CommandBuilder).input)

    def action_cancel_job(self) -> None:
        self.cancel_job()

    def action_maximize_log(self) -> None:
        """The log on the whole screen (Textual's own *Maximize* takes whatever has the focus)."""
        log = self.query_one(UartLog)
        self.action_show_pane("log")
        self.screen.maximize(log)

    def action_keys_help(self) -> None:
        """The keys of the focused pane and of the app, all of them (the footer has room for few)."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not active.enabled or not binding.description or binding.action in _GENERIC_ACTIONS:
                continue
            if (binding.id or "").startswith("replay."):
                group = "Replay"
            else:
                group = _group_name(active.node, self)
            groups.setdefault(group, []).append((self.get_key_display(binding), binding.description))
        # The replay's keys first, then the focused pane's, then the app's.
        ordered = sorted(groups.items(), key=lambda item: (item[0] != "Replay", item[0] == "Everywhere"))
        self.push_screen(KeysHelp(ordered))

    def action_clear_log(self) -> None:
        """Clear the log view (the recording keeps everything)."""
        self.query_one(UartLog).clear()
        self.notify("log view cleared (the recording keeps everything)")

    def action_copy_reply(self) -> None:
        if not self._last_reply:
            self.notify("no reply to copy yet", severity="warning")
            return
        self.copy_lines(self._last_reply, "the last reply")

    def copy_lines(self, lines: list[str], what: str) -> None:
        """Copy ``lines`` to the clipboard with OSC 52 (terminals that allow it, tmux with
        ``set-clipboard on``), and to a file in the data directory for those that do not."""
        from spwf_tui.ui.copying import copy_file

        text = "\n".join(visible(line) for line in lines) + "\n"
        self.copy_to_clipboard(text)
        try:
            path = copy_file(text)
        except UserError as exc:
            self.notify(f"copied {what} to the clipboard (OSC 52); not to a file: {exc}", severity="warning")
            return
        self.notify(f"copied {what} ({len(lines)} lines): clipboard (OSC 52) and {path}")

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """An SVG of the screen in the data directory (there is no ~/Downloads on a headless Pi)."""
        from spwf_tui.ui.copying import save_screenshot

        try:
            saved = save_screenshot(self.export_screenshot())
        except UserError as exc:
            self.notify(f"screenshot not saved: {exc}", severity="error")
            return
        self.notify(f"screenshot saved: {saved}")

    def action_show_pane(self, pane: str) -> None:
        self._pane = pane
        self._show_pane_classes()
        target = self.query_one(PANES[pane])
        focusable = target if target.can_focus else next((w for w in target.query("*") if w.can_focus), target)
        focus_now(focusable)

    def action_pick_file(self) -> None:
        def picked(path: Path | None) -> None:
            if path is not None:
                self.offer_file(path)

        self.push_screen(FilePicker(), picked)

    def action_search_log(self) -> None:
        self.query_one(UartLog).open_find()

    def action_mark(self) -> None:
        self.session.note(f"marker {time.strftime('%H:%M:%S')}")

    def action_reopen(self) -> None:
        """Reopen a vanished port (opening may block: off the UI thread; the outcome is a note)."""
        if not self.read_only:
            self.run_worker(self.session.reopen, thread=True, exclusive=True, group="reopen", exit_on_error=False)

    # -- the port: settings, modem lines (docs/protocol.md §9.1, §9.2) -------------------------

    def action_port_settings(self) -> None:
        """The port settings dialog; Enter applies the change off the UI thread (RFC 2217 waits
        for the server's answer)."""
        if self.read_only:
            self.notify("replay is read-only: the port is not changed", severity="warning")
            return

        port = self.session.port
        assert port is not None  # (None only in a replay: read-only)

        def chosen(changes: dict[str, object] | None) -> None:
            if changes:
                self._change_port(changes)

        self.push_screen(PortDialog(self.session.settings, port.speed_offer), chosen)

    def _change_port(self, changes: dict[str, object]) -> None:
        port = self.session.port
        assert port is not None  # (None only in a replay, which changes no port)

        def change() -> None:
            try:
                port.change(**changes)  # a note says so
            except PortError as exc:
                self.session.note(f"port settings not changed: {exc}")

        self.run_worker(change, thread=True, group="port", exit_on_error=False)

    def action_port_line(self, line: str, action: str) -> None:
        """BREAK, or DTR/RTS on, off or pulse (default lengths); the outcome is a note."""
        if self.read_only:
            self.notify("replay is read-only: no line is driven", severity="warning")
            return
        request = parse_line_action(line, action)
        port = self.session.port
        assert port is not None  # (None only in a replay: read-only)

        def act() -> None:
            try:
                port.act(request)
            except PortError as exc:
                self.session.note(f"{request.describe()} not sent: {exc}")

        self.run_worker(act, thread=True, group="port-line", exit_on_error=False)

    # -- replay -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Playback keys exist only when replaying; raw mode lets Ctrl+Q, Ctrl+P, Esc and Ctrl+C through."""
        if action.startswith("replay_"):
            return self.session.playback is not None
        if action == "cancel_job":
            return self.job_running and not self.raw  # else Ctrl+C copies, or goes to the port (raw)
        if self.raw and action in ("quit", "command_palette", "focus_builder"):
            return False  # raw mode: Ctrl+Q, Ctrl+P and Esc go to the port; Ctrl+] is the way out
        if action in FOCUS_ACTIONS:
            if self.screen is not self.screen_stack[0]:
                return False  # a dialog or the palette is open: its own keys, not the panes behind it
            if self.raw and action in ("pick_file", "search_log"):
                return False  # Ctrl+O and Ctrl+F are bytes for the device in raw mode
        if action in ("pick_file", "reopen"):
            return not self.read_only  # nothing is sent in a replay: no file to pick, no port
        if action == "focus_builder":
            if self.job_running and self.screen is self.screen_stack[0]:
                return True  # Esc cancels the paste or raw send, wherever the focus is
            # A dialog keeps its own Esc; so does the builder when it has the focus already.
            return self.screen is self.screen_stack[0] and not (
                self.focused is self.query_one(CommandBuilder).input and self.screen.maximized is None)
        return True

    def _playback(self) -> Playback:
        playback = self.session.playback
        assert playback is not None, "check_action offers the replay keys only with playback controls"
        return playback

    def action_replay_toggle(self) -> None:
        playback = self._playback()
        if playback.playing:
            playback.pause()
        else:
            playback.play()
        self._refresh_status()

    def action_replay_step(self) -> None:
        playback = self._playback()
        playback.pause()
        playback.step()

    def action_replay_marker(self, direction: int) -> None:
        playback = self._playback()
        playback.pause()
        found = playback.next_marker() if direction > 0 else playback.previous_marker()
        if found is None:
            self.notify("no more markers that way", severity="information")

    def action_replay_speed(self, factor: float) -> None:
        playback = self._playback()
        speed = min(1000.0, max(0.125, playback.speed * factor))
        if playback.playing:
            playback.play(speed)
        else:
            playback.speed = speed
        self._refresh_status()

    def action_replay_end(self) -> None:
        playback = self._playback()
        playback.pause()
        playback.to_end()

    # -- layout -----------------------------------------------------------------------------

    @property
    def one_pane_at_a_time(self) -> bool:
        """True on small terminals, where F2-F4 switch the single visible pane."""
        return self.screen.has_class("-narrow") or self.screen.has_class("-short")

    def _show_pane_classes(self) -> None:
        # The breakpoint classes decide whether these matter (see app.tcss).
        for pane in PANES:
            self.screen.set_class(self._pane == pane, f"-show-{pane}")


class _MainScreen(Screen[object]):
    """The app's first screen: Textual's, with the first focus on the builder's input."""

    AUTO_FOCUS = "#builder-input"
    """Where ``on_mount`` puts the focus anyway (``action_focus_builder``). Textual's default, the
    first focusable widget (the log), made two focus changes before the first frame, each a
    restyle and a rebuilt footer (dialogs keep Textual's default: this is the main screen's)."""


class KeysFooter(Footer):
    """Textual's footer, in two rows on narrow screens (see app.tcss): the footer sets its grid
    to one column per key each time it recomposes; half as many makes a second row."""

    def compose(self) -> ComposeResult:
        yield from super().compose()
        if self.app.size.width < NARROW_WIDTH and self.styles.grid_size_columns:
            self.styles.grid_size_columns = -(-self.styles.grid_size_columns // 2)


def fit_status(facts: list[tuple[str, str]], width: int) -> str:
    """The status line for ``width`` columns: facts in their long form while they fit, then in
    their short form, then the last ones dropped (the first, the port or the replay position,
    always stays; the widget's ellipsis cuts what still does not fit)."""
    from rich.cells import cell_len

    separator = "  ·  "
    room = max(1, width - 2)  # the line's padding
    for forms in ([long for long, _ in facts], [short for _, short in facts]):
        text = separator.join(forms)
        if cell_len(text) <= room:
            return text
    shorts = [short for _, short in facts]
    while len(shorts) > 1 and cell_len(separator.join(shorts)) > room:
        shorts.pop()
    return separator.join(shorts)


def _file_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


_GENERIC_ACTIONS = frozenset({"focus_next", "focus_previous", "app.focus_next", "app.focus_previous",
                              "copy_text", "screen.copy_text"})
"""Textual's own keys that say nothing about spwf-tui (Tab between panes is listed by the builder)."""
_GROUPS = {"UartLog": "UART log", "SocketTable": "Sockets", "CommandBuilder": "Command builder",
           "CertInspector": "Certificate inspector", "KeysHelp": "Help"}


def _group_name(node: DOMNode, app: App[None]) -> str:
    if node is app or node is app.screen:
        return "Everywhere"
    for candidate in (node, *node.ancestors):
        name = _GROUPS.get(type(candidate).__name__)
        if name:
            return name
    return type(node).__name__
