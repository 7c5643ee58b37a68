"""Waiting for a freshly opened module to fall quiet, shared by ``run`` and the plain REPL.

A module that has just been powered (``sim://`` boots on open, a real one after a reset) prints
its boot WINDs for a moment; a first command sent into them would have its echo and reply mixed
with them. The session counts received bytes, so "quiet" is no new byte for ``QUIET_BEFORE_START``.
"""

from __future__ import annotations

import time
from typing import Protocol

QUIET_BEFORE_START = 0.2
"""Seconds without module output that mean "booted and idle" before the first command."""
MAX_BOOT_WAIT = 5.0
"""Seconds after which a module that never stops talking is talked to anyway."""


class _CountsBytes(Protocol):
    @property
    def rx_bytes(self) -> int: ...


def wait_until_idle(session: _CountsBytes) -> None:
    """Return once the module has sent nothing for ``QUIET_BEFORE_START`` (at most ``MAX_BOOT_WAIT``)."""
    deadline = time.monotonic() + MAX_BOOT_WAIT
    seen = -1
    while time.monotonic() < deadline:
        count = session.rx_bytes
        if count == seen:
            return
        seen = count
        time.sleep(QUIET_BEFORE_START)
