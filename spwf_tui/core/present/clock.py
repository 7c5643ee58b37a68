"""The module clock in words, and the advice when it is unknown or was never set: one wording
for the TUI's status line and module summary, the REPL's ``:time`` and the Markdown export.

The SPWF04 checks certificates against its own clock, which starts in 1970 after power-up until
``AT+S.TIME`` sets it (docs/protocol.md §6.5): a clock unknown or in the 1970s is worth a word
wherever the clock is shown.
"""

from __future__ import annotations

import datetime as dt

CLOCK_ADVICE = "AT+S.TIME reads it; set it before TLS"
"""What to do about a clock not known (short: it fits the TUI's sockets pane on one line)."""
NEVER_SET_BEFORE = 1_000_000_000
"""A module clock before 2001 was never set since the module's last power-up or reset (it starts
in 1970); no certificate is valid then."""


def utc_text(seconds: float) -> str:
    """``2026-12-07 08:00:00 UTC``, or the seconds when no calendar holds them (hostile replies)."""
    try:
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return f"{seconds:.0f} s since 1970 (out of the calendar's range)"


def clock_text(module_time: float | None) -> str:
    """The module's clock now, with the advice when it is unknown or was never set."""
    if module_time is None:
        return f"unknown ({CLOCK_ADVICE})"
    shown = utc_text(module_time)
    if module_time < NEVER_SET_BEFORE:
        return f"{shown} — not set (1970s): TLS will fail"
    return shown


def offset_text(delta: float) -> str:
    """How far the module's clock is from the host's: ``12 s ahead of the host``."""
    seconds = round(delta)
    if abs(seconds) < 2:
        return "in step with the host"
    return f"{abs(seconds)} s {'ahead of' if seconds > 0 else 'behind'} the host"
