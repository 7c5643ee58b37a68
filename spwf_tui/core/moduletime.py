"""The module's clock as the certificate tools see it: parse what the user types, print it back.

The SPWF04 checks certificate validity against its own clock (docs/protocol.md §6.5), which starts in 1970
after power-up until ``AT+S.TIME=<seconds since 1970>``. The ``cert`` commands take that clock as
``--module-time``: an ISO 8601 date-time (a missing zone means UTC, as the module has no zones) or
the plain epoch number that ``AT+S.TIME`` takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from spwf_tui.core.digits import U32_MAX, ascii_int, is_ascii_number

MAX_EPOCH = U32_MAX
"""``AT+S.TIME`` takes an unsigned 32-bit number of seconds."""


class ModuleTimeError(ValueError):
    """A ``--module-time`` value that is neither ISO 8601 nor an epoch number."""


@dataclass(frozen=True)
class ModuleClock:
    """The time certificates are checked against, and where it came from."""

    at: datetime
    """Aware UTC."""
    given: bool
    """True when the user gave the module's time; False when it is the host's clock."""

    @property
    def source(self) -> str:
        """``module time`` or ``host clock``: said next to every validity verdict."""
        return "module time" if self.given else "host clock"

    @property
    def epoch(self) -> int:
        """Seconds since 1970, the value for ``AT+S.TIME``."""
        return int(self.at.timestamp())

    def describe(self) -> str:
        """``2026-11-27 14:08:00 UTC (host clock)``."""
        return f"{format_utc(self.at)} ({self.source})"


def parse_module_time(text: str) -> datetime:
    """``2026-11-27T14:08:00Z``, ``2026-11-27 14:08``, ``2026-11-27`` or ``1504170338`` → aware UTC.

    Raises:
        ModuleTimeError: anything else, or an epoch outside what ``AT+S.TIME`` accepts.
    """
    value = text.strip()
    if is_ascii_number(value):
        # Bounded before int(): 5000 digits are refused here, not by Python's digit limit.
        seconds = ascii_int(value, MAX_EPOCH)
        if seconds is None:
            raise ModuleTimeError(f"module time {value[:20]}{'...' if len(value) > 20 else ''}: "
                                  f"AT+S.TIME takes at most {MAX_EPOCH} seconds")
        return datetime.fromtimestamp(seconds, timezone.utc)
    # Python 3.10's fromisoformat does not take a trailing Z; 3.11's does.
    iso = value[:-1] + "+00:00" if value[-1:] in ("Z", "z") else value
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        raise ModuleTimeError(
            f"module time {text!r}: give ISO 8601 (2026-11-27T14:08:00Z) or seconds since 1970"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        in_utc: datetime | None = parsed.astimezone(timezone.utc)
    except OverflowError:  # year 1 or 9999 pushed past the calendar by its zone
        in_utc = None
    if in_utc is None or not 0 <= in_utc.timestamp() <= MAX_EPOCH:
        raise ModuleTimeError(f"module time {text!r}: the module clock runs from 1970 to 2106")
    return in_utc


def format_utc(moment: datetime) -> str:
    """``2026-05-13 09:21:45 UTC``: how every certificate date is shown."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def iso_utc(moment: datetime) -> str:
    """``2026-05-13T09:21:45Z``: how dates go into JSON."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
