"""The module's real-time clock: an offset on the host's clock.

At power-on the module's clock reads 1970-01-01 00:00:00 and runs from there (so ``AT+S.TIME``
shows 70.01.01 plus the uptime) until ``AT+S.TIME=<epoch>`` sets it. TLS checks certificate
validity against this clock, which is why an unset clock breaks TLS.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Callable


class ModuleClock:
    """Module time = host time + offset; uptime counted from the last power-on."""

    def __init__(self, host_clock: Callable[[], float] = time.time) -> None:
        self._host_clock = host_clock
        self._offset = 0.0
        self._powered_at = 0.0
        self.power_on()

    def power_on(self) -> None:
        """Back to 1970-01-01 00:00:00, uptime 0."""
        now = self._host_clock()
        self._powered_at = now
        self._offset = -now

    def set(self, epoch: int) -> None:
        """``AT+S.TIME=<epoch>``: the module's clock reads ``epoch`` now."""
        self._offset = epoch - self._host_clock()

    def sync_to_host(self) -> None:
        """Take the host's time (the emulated NTP answer)."""
        self._offset = 0.0

    def epoch(self) -> int:
        """Whole seconds since 1970 by the module's clock."""
        return int(self._host_clock() + self._offset)

    def datetime(self) -> datetime:
        """The module's clock as an aware UTC datetime."""
        return datetime.fromtimestamp(self.epoch(), tz=timezone.utc)

    def uptime(self) -> int:
        """Whole seconds since power-on."""
        return int(self._host_clock() - self._powered_at)
