"""``sim://``: the emulated SPWF04SA as a pyserial port, in this process.

Options: ``sim://?boot_delay=0.05`` sets the pause between boot lines (seconds);
``sim://?world=lab.toml`` loads a world file (access points, faults; see
``spwf_tui.emulator.world``); ``sim://?reset_line=dtr`` (or ``rts``) wires that line to the
module's reset pin, as boards do: while the host asserts it (``:dtr on``) the module is held in
reset (silent, input lost); when it releases it the module boots, so ``:dtr pulse 100`` resets it.
The line starts released whatever pyserial's opening state, so opening does not reset.
The emulator reports no input lines (CTS, DSR, RI, CD): it has none to report.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from typing import TYPE_CHECKING, Any

from serial.serialutil import PortNotOpenError, SerialBase, SerialException

from spwf_tui.emulator import EmulatedModule

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

    from spwf_tui.emulator.world import World


class Serial(SerialBase):
    """A pyserial port whose other end is an ``EmulatedModule``."""

    # pyserial's own state (not in its type stubs)
    _port: str | None
    _timeout: float | None
    _dtr_state: bool
    _rts_state: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._module: EmulatedModule | None = None
        self._rx = bytearray()
        self._rx_ready = threading.Condition()
        self._cancelled = False
        self._boot_delay = 0.02
        self._world: World | None = None
        self._reset_line: str | None = None
        self._held = False
        """The reset line is asserted: the module is held in reset."""
        super().__init__(*args, **kwargs)

    def open(self) -> None:
        if self.is_open:
            raise SerialException("Port is already open.")
        if self._port is None:
            raise SerialException("Port must be configured before it can be used.")
        self._parse_url(self._port)
        self._module = EmulatedModule(self._module_output, boot_delay=self._boot_delay,
                                      world=self._world)
        self.is_open = True
        self._module.start()

    def close(self) -> None:
        if self._module is not None:
            self._module.close()
            self._module = None
        with self._rx_ready:
            self.is_open = False
            self._rx_ready.notify_all()
        super().close()

    def _reconfigure_port(self, *args: Any, **kwargs: Any) -> None:
        """Line settings mean nothing to the emulator."""

    @property
    def in_waiting(self) -> int:
        return len(self._rx)

    def read(self, size: int = 1) -> bytes:
        if not self.is_open:
            raise PortNotOpenError()
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        with self._rx_ready:
            while len(self._rx) < size and self.is_open and not self._cancelled:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._rx_ready.wait(remaining)
            self._cancelled = False
            data = bytes(self._rx[:size])
            del self._rx[:size]
            return data

    def cancel_read(self) -> None:
        with self._rx_ready:
            self._cancelled = True
            self._rx_ready.notify_all()

    def write(self, data: ReadableBuffer, /) -> int:
        if not self.is_open or self._module is None:
            raise PortNotOpenError()
        data = bytes(data)
        if not self._held:  # a module held in reset hears nothing
            self._module.receive(data)
        return len(data)

    # -- modem lines (pyserial calls these when dtr, rts or break_condition change) -----------

    def _update_dtr_state(self) -> None:
        self._line_changed("dtr", self._dtr_state)

    def _update_rts_state(self) -> None:
        self._line_changed("rts", self._rts_state)

    def _update_break_state(self) -> None:
        """A BREAK reaches the emulated UART as nothing: the module ignores it."""

    def _line_changed(self, line: str, asserted: bool) -> None:
        if line != self._reset_line or self._module is None or asserted == self._held:
            return
        self._held = asserted
        if not asserted:
            self._module.power_cycle()  # released: the module boots

    def flush(self) -> None:
        """Writes reach the emulator synchronously."""

    def reset_input_buffer(self) -> None:
        with self._rx_ready:
            self._rx.clear()

    def reset_output_buffer(self) -> None:
        """Nothing is buffered on the way out."""

    def _module_output(self, data: bytes) -> None:
        if self._held:
            return  # boot lines of the last moment before the reset: lost, like on a wire
        with self._rx_ready:
            self._rx += data
            self._rx_ready.notify_all()

    def _parse_url(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "sim":
            raise SerialException(f"expected sim://[?boot_delay=SECONDS][&world=FILE][&reset_line=dtr|rts], got {url!r}")
        for option, values in urllib.parse.parse_qs(parts.query, keep_blank_values=True).items():
            if option == "boot_delay":
                try:
                    self._boot_delay = float(values[0])
                except ValueError:
                    raise SerialException(f"sim://: boot_delay must be seconds, not {values[0]!r}") from None
            elif option == "world":
                from spwf_tui.emulator.world import WorldError, load_world

                try:
                    self._world = load_world(values[0])
                except WorldError as exc:
                    raise SerialException(f"sim://: {exc}") from None
            elif option == "reset_line":
                if values[0].lower() not in ("dtr", "rts"):
                    raise SerialException(f"sim://: reset_line must be dtr or rts, not {values[0]!r}")
                self._reset_line = values[0].lower()
            else:
                raise SerialException(f"sim://: unknown option {option!r} (known: boot_delay, world, reset_line)")
