"""``sim://``: the emulated SPWF04SA as a pyserial port, in this process.

Options: ``sim://?boot_delay=0.05`` sets the pause between boot lines (seconds);
``sim://?world=lab.toml`` loads a world file (access points, faults; see
``spwf_tui.emulator.world``).
"""

from __future__ import annotations

import threading
import time
import urllib.parse

from serial.serialutil import PortNotOpenError, SerialBase, SerialException

from spwf_tui.emulator import EmulatedModule


class Serial(SerialBase):
    """A pyserial port whose other end is an ``EmulatedModule``."""

    def __init__(self, *args, **kwargs) -> None:
        self._module: EmulatedModule | None = None
        self._rx = bytearray()
        self._rx_ready = threading.Condition()
        self._cancelled = False
        self._boot_delay = 0.02
        self._world = None
        super().__init__(*args, **kwargs)

    def open(self) -> None:
        if self.is_open:
            raise SerialException("Port is already open.")
        if self._port is None:
            raise SerialException("Port must be configured before it can be used.")
        self._parse_url(self.port)
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

    def _reconfigure_port(self, *args, **kwargs) -> None:
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

    def write(self, data: bytes) -> int:
        if not self.is_open or self._module is None:
            raise PortNotOpenError()
        data = bytes(data)
        self._module.receive(data)
        return len(data)

    def flush(self) -> None:
        """Writes reach the emulator synchronously."""

    def reset_input_buffer(self) -> None:
        with self._rx_ready:
            self._rx.clear()

    def reset_output_buffer(self) -> None:
        """Nothing is buffered on the way out."""

    def _module_output(self, data: bytes) -> None:
        with self._rx_ready:
            self._rx += data
            self._rx_ready.notify_all()

    def _parse_url(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "sim":
            raise SerialException(f"expected sim://[?boot_delay=SECONDS][&world=FILE], got {url!r}")
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
            else:
                raise SerialException(f"sim://: unknown option {option!r} (known: boot_delay, world)")
