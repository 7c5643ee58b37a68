"""Facts a status line, ``:port`` or a summary says about an open port, in one wording for the
TUI's status line and the REPL (what differs is only the key or command that acts on them)."""

from __future__ import annotations

MODEM_INPUTS = ("cts", "dsr", "ri", "cd")
"""The modem input lines, in the order they are shown."""
NO_MODEM_LINES = ("not reported by this port (a pseudo-terminal or socket:// has none; an RFC 2217 server "
                  "reports them from their first change)")


def modem_lines_text(lines: dict[str, bool] | None) -> str:
    """``CTS on  DSR off  RI off  CD on``, or why there is nothing to show."""
    if lines is None:
        return NO_MODEM_LINES
    return "  ".join(f"{name.upper()} {'on' if lines[name] else 'off'}" for name in MODEM_INPUTS if name in lines)


def modem_lines_marks(lines: dict[str, bool]) -> str:
    """The same in a status line's few columns: ``CTS● DSR○ RI○ CD●``."""
    return " ".join(f"{name.upper()}{'●' if lines[name] else '○'}" for name in MODEM_INPUTS if name in lines)


def speed_offer_text(speed: int, follow: str) -> str:
    """The module answers at another speed than the port's; ``follow`` is how the user follows
    it (``F7``, ``:port baud=115200``)."""
    return f"the module talks at {speed} baud now: {follow} follows"
