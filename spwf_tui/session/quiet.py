"""Waiting until a freshly opened module is ready for a first command, shared by ``run`` and
the plain REPL (docs/architecture.md §6.3).

A module that has just been powered (``sim://`` boots on open, a real one after a reset) prints
its boot WINDs for a moment; a first command sent into them would have its echo and reply mixed
with them. A module already booted says nothing when the port opens.
"""

from __future__ import annotations

import time

from spwf_tui.core.events import WIND, Event
from spwf_tui.session.session import Session

FIRST_LOOK = 0.05
"""Seconds to look for output already on its way before the first command: a booted module
says nothing when its port opens, so the command goes out after this look."""
QUIET_BEFORE_START = 0.2
"""Seconds without module output that mean "idle" when output other than a boot was coming."""
MAX_BOOT_WAIT = 5.0
"""Seconds after which a module that never stops talking is talked to anyway."""


def wait_until_ready(session: Session) -> None:
    """Before the first command: let a module that is talking finish.

    A module already booted says nothing when the port opens: after ``FIRST_LOOK`` the command
    goes out. A module that is booting (``sim://``, or a reset as the port opened) is ready once
    it prints ``+WIND:0:Console active``; the WINDs of its Wi-Fi join may follow the command's
    replies, as on any live module. Other output (a stream from an earlier command) is waited
    out as ``wait_until_idle`` does.
    """
    deadline = time.monotonic() + MAX_BOOT_WAIT
    if session.wait_for_event(_console_active, FIRST_LOOK, 0) is not None or session.rx_bytes == 0:
        return
    if session.wait_for_event(_boot_line, 0, 0) is not None:
        if session.wait_for_event(_console_active, max(0.0, deadline - time.monotonic()), 0) is not None:
            return
    wait_until_idle(session, deadline)


def wait_until_idle(session: Session, deadline: float | None = None) -> None:
    """Wait until ``QUIET_BEFORE_START`` passes without a byte from the module (at most until
    ``deadline``, else ``MAX_BOOT_WAIT`` from now)."""
    deadline = deadline if deadline is not None else time.monotonic() + MAX_BOOT_WAIT
    seen = -1
    while time.monotonic() < deadline:
        count = session.rx_bytes
        if count == seen:
            return
        seen = count
        time.sleep(QUIET_BEFORE_START)


def _console_active(event: Event) -> bool:
    return event.kind == WIND and event.code == 0


def _boot_line(event: Event) -> bool:
    """The first lines of a boot (Poweron, the copyright banner, a factory reset)."""
    return event.kind == WIND and event.code in (1, 13, 65)
