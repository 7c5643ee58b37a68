"""The engine of the emulated SPWF04SA: input framing, echo, dispatch, ordered output, power.

Who calls what:

- The host side calls ``receive(bytes)`` from any thread, in any chunking. Commands run in the
  caller's thread, so the response has been written to ``output`` by the time ``receive``
  returns; the exceptions are the commands that wait for the host's network (SOCKON, PING):
  they run on a worker thread and the input that follows is held until they have answered, as
  the real console is busy meanwhile.
- Internal threads (boot script, socket readers) only *post* WINDs. One pump thread writes them,
  and only while no command is in progress (from the CR of its line, through any data phase, to
  its final line), so a WIND never lands inside a response or a binary payload.
- Every ``output`` call happens under one lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable

from spwf_tui.emulator import status
from spwf_tui.emulator.boot import (
    STATE_IDLE,
    STATE_TERMINATED_BY_USER,
    Radio,
    Step,
    boot_script,
    join_script,
)
from spwf_tui.emulator.clock import ModuleClock
from spwf_tui.emulator.config import ConfigStore
from spwf_tui.emulator.dispatch import (
    GENERIC,
    Call,
    Handler,
    build_registry,
    check_arg_count,
    parse_line,
)
from spwf_tui.emulator.faults import Timeline
from spwf_tui.emulator.filesystem import RamDisk
from spwf_tui.emulator.framing import PAUSE, InputFramer, Paused
from spwf_tui.emulator.gpio import Peripherals
from spwf_tui.emulator.mqtt import MqttTable
from spwf_tui.emulator.netsock import SocketTable
from spwf_tui.emulator.replies import (
    CRLF,
    TEXT_ENCODING,
    CommandError,
    Reply,
    error_line,
    ok_line,
    wind_line,
)
from spwf_tui.emulator.serversock import ServerTable
from spwf_tui.emulator.tlsstore import TlsStore
from spwf_tui.emulator.websocket import WebSocketTable
from spwf_tui.emulator.world import World
from spwf_tui.emulator.error_codes import ERR_INVALID, ERR_LINE_TOO_LONG

_log = logging.getLogger(__name__)

JOIN_RETRY_SECONDS = 2.0
"""Pause between two failed join attempts (the emulator's choice)."""
_WIND_MASKS = ("console_wind_off_low", "console_wind_off_medium", "console_wind_off_high")


@dataclass
class _QueuedWind:
    number: int
    line: bytes
    epoch: int | None
    """Radio/power epoch the line belongs to; lines of an older epoch are dropped."""
    step: Step | None
    """Boot or join step to apply once the line is out."""
    after: Callable[[], None] | None = None
    """Called (outside the output lock) once the line is out: a reboot after a hard fault."""


class EmulatedModule:
    """An SPWF04SA (firmware 1.1.0) UART console, byte for byte. See the package docstring."""

    def __init__(self, output: Callable[[bytes], None], *,
                 clock: Callable[[], float] = time.time,
                 boot_delay: float = 0.02, model: str | None = None,
                 world: World | None = None) -> None:
        self.world = world or World.default()
        self.model = model or self.world.model
        self.boot_delay = boot_delay
        self.config = ConfigStore()
        self.clock = ModuleClock(clock)
        self.disk = RamDisk()
        self.tls = TlsStore()
        """TLS objects (flash: they survive RESET and FCFG)."""
        self.wpae = TlsStore()
        """WPA-Enterprise objects (``WPAECERT``), same rules."""
        self.radio = Radio()
        self.sockets = SocketTable()
        self.servers = ServerTable()
        """Server sockets (SOCKDON), listening on host ports."""
        self.mqtt = MqttTable()
        """MQTT broker connections (MQTTCONN)."""
        self.websockets = WebSocketTable()
        """WebSocket clients (WSOCKON)."""
        self.peripherals = Peripherals(self.world.gpio_inputs)
        """GPIO pins, DAC, PWM (state only)."""
        self.software_resets = 0
        self.watchdog_resets = 0
        self._output = output
        self._handlers = build_registry()
        self._framer = InputFramer(self._on_line, self._on_payload)
        # Output side: the condition's lock is the one output lock.
        self._gate = threading.Condition()
        self._command_active = False
        self._winds: deque[_QueuedWind] = deque()
        self._epoch = 0
        # Input side.
        self._input_lock = threading.Lock()
        self._inbox = bytearray()
        self._processing = False
        self._console_up = False
        self._pending: tuple[Call, Handler] | None = None
        self._deferred: tuple[Call, Handler] | None = None
        # Lifecycle.
        self._stop = threading.Event()
        self._started = False
        self._closed = False
        self._threads: list[threading.Thread] = []
        self._pump = threading.Thread(target=self._pump_loop, daemon=True,
                                      name="spwf-emu-winds")
        self._timeline = Timeline(self, self.world.faults, self._stop)
        self._first_boot_factory_reset = self.world.factory_reset
        self._next_boot_config_updated = False
        if self.world.factory_reset:
            self.config.wipe_flash()
        else:
            self.config.preload_flash(self.world.saved_config)

    # ------------------------------------------------------------------ public interface

    def start(self) -> None:
        """Power on: the boot WINDs (and the emulated Wi-Fi join) follow from a thread."""
        with self._input_lock:
            if self._started or self._closed:
                return
            self._started = True
        self._pump.start()
        self._boot()
        self._timeline.start()

    def receive(self, data: bytes) -> None:
        """Bytes from the host. While the console is not up they are held until ``Console
        active`` (default world) or lost, as on the real UART (a world file)."""
        if not data:
            return
        with self._input_lock:
            if self._closed or (not self._console_up and self.world.drop_input_while_booting):
                return
            self._inbox += data
            if self._processing:
                return
            self._processing = True
        self._process_inbox()

    def close(self) -> None:
        """Stop the threads and close the host sockets; idempotent."""
        with self._input_lock:
            if self._closed:
                return
            self._closed = True
        self._stop.set()
        with self._gate:
            self._gate.notify_all()
        self.sockets.close_all()
        self.servers.close_all()
        self.websockets.close_all()
        self.mqtt.close_all()
        self._timeline.join(timeout=2.0)
        if self._pump.is_alive() and self._pump is not threading.current_thread():
            self._pump.join(timeout=2.0)
        for thread in list(self._threads):
            if thread is not threading.current_thread():
                thread.join(timeout=2.0)

    # ------------------------------------------------------------------ for the handlers

    def post_wind(self, number: int, *fields: object) -> None:
        """Queue ``+WIND:<number>:<text>[:fields]``; it goes out between responses."""
        self._queue_wind(number, fields, epoch=None, step=None)

    def post_wind_then(self, after: Callable[[], None], number: int, *fields: object) -> None:
        """Queue a WIND; ``after`` runs once it has gone out (a hard fault, then the reboot)."""
        with self._gate:
            self._winds.append(_QueuedWind(number, wind_line(number, *fields), None, None,
                                           after))
            self._gate.notify_all()

    def power_cycle(self, factory_reset: bool = False) -> None:
        """``AT+S.RESET`` (and the reboots of faults): RAM is lost (config back to flash, RAM
        disk, sockets, clock at 1970); flash (saved config, TLS objects) stays, unless
        ``factory_reset`` (WIND 65 in the banner, configuration back to factory). The boot
        script follows the current response."""
        with self._input_lock:
            self._console_up = False
            if self.world.drop_input_while_booting:
                self._inbox.clear()
        self.sockets.close_all()
        self.servers.close_all()
        self.websockets.close_all()
        self.mqtt.close_all()
        self.peripherals.power_on()
        self.disk.clear()
        if factory_reset:
            self.config.wipe_flash()
            self._first_boot_factory_reset = True
        self.config.load_saved()
        self.clock.power_on()
        self.radio = Radio()
        self._pending = None
        self._framer.reset()
        self.software_resets += 1
        with self._gate:
            self._winds.clear()
        self._boot()

    def install_firmware(self, version: str) -> None:
        """FWUPDATE's end: the new release is in flash and the module reboots into it after
        the current response; another release updates the configuration (WIND 73)."""
        if version != self.world.firmware:
            self.world.firmware = version
            self._next_boot_config_updated = True
        self.power_cycle()

    def radio_off(self, steps: list[tuple[int, tuple[str, ...]]]) -> None:
        """``WIFI=0``: the link is down now; the given WINDs follow."""
        epoch = self._new_epoch()
        self.radio = Radio(state=STATE_TERMINATED_BY_USER)
        for number, fields in steps:
            self._queue_wind(number, fields, epoch=epoch, step=None)

    def drive_gpio(self, num: int, level: int) -> None:
        """The outside world sets input pin ``num`` to ``level``; an armed interrupt edge
        answers ``+WIND:52:GPIO Interrupt:<num>:<level>``."""
        fired = self.peripherals.drive_input(num, level)
        if fired is not None:
            self.post_wind(52, num, fired)

    def network_lost(self, back_after: float = 0.0) -> None:
        """The AP is gone: ``+WIND:33:WiFi Network Lost``, no address; with ``back_after`` > 0
        the module finds it again (scan and join) that many seconds later."""
        epoch = self._new_epoch()
        self.radio = Radio(state=STATE_IDLE)
        self._queue_wind(33, (), epoch=epoch, step=None)
        if back_after > 0:
            self._spawn(self._network_back_later, epoch, back_after)

    def network_back(self) -> None:
        """The AP is back: scan and join again (unless the radio is off)."""
        if self.radio.state == STATE_TERMINATED_BY_USER:
            return
        epoch = self._new_epoch()
        self._spawn(self._join_loop, epoch)

    def _network_back_later(self, epoch: int, seconds: float) -> None:
        if not self._stop.wait(seconds) and epoch == self._epoch:
            self.network_back()

    def radio_on(self) -> None:
        """``WIFI=1``: hardware start and the join script, paced like the boot."""
        epoch = self._new_epoch()
        self.radio = Radio()
        self._spawn(self._run_radio_on, epoch)

    # ------------------------------------------------------------------ input

    def _process_inbox(self) -> None:
        """Feed held input to the framer; the calling thread owns processing until it returns."""
        while True:
            with self._input_lock:
                if not self._console_up and self.world.drop_input_while_booting:
                    self._inbox.clear()  # the UART of a rebooting module hears nothing
                if self._closed or not self._console_up or not self._inbox:
                    self._processing = False
                    return
                chunk = bytes(self._inbox)
                self._inbox.clear()
            used = self._framer.feed(chunk)
            if used < len(chunk):
                with self._input_lock:
                    self._inbox[:0] = chunk[used:]
            if self._deferred is not None:
                call, handler = self._deferred
                self._deferred = None
                self._spawn(self._run_deferred, call, handler)
                return  # processing now belongs to the worker

    def _resume_input(self) -> None:
        with self._input_lock:
            if self._processing or not self._console_up or not self._inbox:
                return
            self._processing = True
        self._process_inbox()

    def _on_line(self, raw: bytes, overflowed: bool) -> int | Paused | None:
        if not raw and not overflowed:
            return None  # a bare CR (or CR LF) is ignored
        self._begin_command(raw if self.config.get_int("console_echo") else None)
        try:
            if overflowed:
                raise CommandError(ERR_LINE_TOO_LONG)
            call = parse_line(raw.decode(TEXT_ENCODING), self.config.get("console_delimiter"))
            handler = self._handlers.get(call.name, GENERIC)
            if not handler.own_arg_check:
                check_arg_count(call)
            length = handler.payload_length(self, call) if handler.payload_length else 0
        except CommandError as exc:
            self._finish_command(Reply(), exc)
            return None
        if length > 0:
            self._pending = (call, handler)
            return length
        return self._execute(call, handler)

    def _on_payload(self, data: bytes) -> Paused | None:
        if self._pending is None:
            return None
        call, handler = self._pending
        self._pending = None
        call.payload = data
        return self._execute(call, handler)

    def _execute(self, call: Call, handler: Handler) -> Paused | None:
        if handler.deferred:
            self._deferred = (call, handler)
            return PAUSE
        self._run(call, handler)
        return None if self._console_up else PAUSE

    def _run(self, call: Call, handler: Handler) -> None:
        reply = Reply()
        error: CommandError | None = None
        try:
            handler.run(self, call, reply)
        except CommandError as exc:
            error = exc
        except Exception:  # an emulator bug must not kill the host's thread
            _log.exception("emulated command failed: %r", call.typed)
            error = CommandError(ERR_INVALID)
        self._finish_command(reply, error)

    def _run_deferred(self, call: Call, handler: Handler) -> None:
        self._run(call, handler)
        self._process_inbox()

    # ------------------------------------------------------------------ output

    def _emit(self, data: bytes) -> None:
        """Write to the host; the caller holds ``_gate``."""
        if self._closed or not data:
            return
        try:
            self._output(data)
        except Exception:
            _log.exception("emulator output callback failed")

    def _begin_command(self, echo: bytes | None) -> None:
        with self._gate:
            self._command_active = True
            if echo is not None:
                self._emit(echo + CRLF)

    def _finish_command(self, reply: Reply, error: CommandError | None) -> None:
        with self._gate:
            if error is not None:
                tail = error_line(error.code, self.config.get_int("console_errs"))
            else:
                tail = ok_line(self.config.get_int("console_verbose"),
                               status.free_heap(self), self.radio.state)
            if self.world.winds_inside_answers and self._winds:
                body = reply.with_lines_between(self._take_winds(reply.line_gaps()))
            else:
                body = reply.to_bytes()
            self._emit(body + tail)
            self._command_active = False
            self._gate.notify_all()

    def _take_winds(self, most: int) -> list[bytes]:
        """Up to ``most`` queued plain WIND lines (no boot step, no follow-up) from the front
        of the queue, for a world whose WINDs may land between the lines of an answer. The
        caller holds ``_gate``."""
        taken: list[bytes] = []
        while len(taken) < most and self._winds:
            item = self._winds[0]
            if item.step is not None or item.after is not None:
                break  # boot and join steps keep their place and their effect
            self._winds.popleft()
            if item.epoch is not None and item.epoch != self._epoch:
                continue
            if not self._wind_muted(item.number):
                taken.append(item.line)
        return taken

    def _queue_wind(self, number: int, fields: tuple[object, ...], *, epoch: int | None,
                    step: Step | None) -> None:
        with self._gate:
            self._winds.append(_QueuedWind(number, wind_line(number, *fields), epoch, step))
            self._gate.notify_all()

    def _pump_loop(self) -> None:
        while True:
            with self._gate:
                while not self._stop.is_set() and (self._command_active or not self._winds):
                    self._gate.wait()
                if self._stop.is_set():
                    return
                item = self._winds.popleft()
                if item.epoch is not None and item.epoch != self._epoch:
                    continue
                if item.step is not None and item.step.console_up:
                    # Up before the line goes out: a host that answers ``Console active`` at
                    # once must not find the console still down (its bytes would be lost).
                    with self._input_lock:
                        self._console_up = True
                if not self._wind_muted(item.number):
                    self._emit(item.line)
                if item.step is not None:
                    self._apply_step(item.step)
            if item.step is not None and item.step.console_up:
                self._resume_input()
            if item.after is not None:
                item.after()

    def _wind_muted(self, number: int) -> bool:
        """``console_wind_off_low/medium/high``: bit n mod 32 of bank n // 32 mutes WIND n."""
        bank = number // 32
        if bank >= len(_WIND_MASKS):
            return False
        return bool((self.config.get_int(_WIND_MASKS[bank]) >> (number % 32)) & 1)

    def _apply_step(self, step: Step) -> None:
        """The effect of a boot/join WIND, applied as the line goes out (caller holds _gate)."""
        if step.state is not None:
            self.radio.state = step.state
        if step.network is not None:
            (self.radio.address, self.radio.netmask, self.radio.gateway,
             self.radio.dns) = step.network
            self.radio.ap = step.ap
        if step.console_up:
            with self._input_lock:
                self._console_up = True

    # ------------------------------------------------------------------ power and scripts

    def _new_epoch(self) -> int:
        with self._gate:
            self._epoch += 1
            return self._epoch

    def _boot(self) -> None:
        epoch = self._new_epoch()
        self._spawn(self._run_boot, epoch)

    def _run_boot(self, epoch: int) -> None:
        factory_reset, self._first_boot_factory_reset = self._first_boot_factory_reset, False
        updated, self._next_boot_config_updated = self._next_boot_config_updated, False
        if self._play(boot_script(self.model, self.world.build, factory_reset, updated), epoch,
                      False):
            self._join_loop(epoch)

    def _run_radio_on(self, epoch: int) -> None:
        if self._play([Step(32, state=STATE_IDLE)], epoch, True):
            self._join_loop(epoch)

    def _join_loop(self, epoch: int) -> None:
        """Join; a failed attempt (no such AP, wrong passphrase) is retried every
        ``JOIN_RETRY_SECONDS`` until it works or the radio/power epoch changes."""
        while True:
            steps, failed = join_script(self.config, self.world)
            if not self._play(steps, epoch, True) or not failed:
                return
            if self._stop.wait(JOIN_RETRY_SECONDS) or epoch != self._epoch:
                return

    def _play(self, steps: list[Step], epoch: int, pause_first: bool) -> bool:
        """Post ``steps`` with ``boot_delay`` between them; False when superseded or closed."""
        for index, step in enumerate(steps):
            if (index or pause_first) and self.boot_delay > 0:
                self._stop.wait(self.boot_delay)
            if self._stop.is_set() or epoch != self._epoch:
                return False
            self._queue_wind(step.wind, step.fields, epoch=epoch, step=step)
        return True

    def _spawn(self, target: Callable[..., object], *args: object) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=target, args=args, daemon=True, name="spwf-emu-work")
        self._threads.append(thread)
        thread.start()
