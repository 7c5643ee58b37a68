"""Modem lines and BREAK as the user asks for them (REPL, scripts, TUI): parsing only.

``dtr on|off|pulse [MS]``, ``rts on|off|pulse [MS]`` and ``break [MS]``. On is "asserted" in
pyserial's sense (``port.dtr = True``); boards wire DTR and RTS to the module's reset and boot
pins, hence the pulse: on, wait, off. The transport carries them out (``SerialTransport``).
"""

from __future__ import annotations

from dataclasses import dataclass

from spwf_tui.transport.settings import SettingsError

OUTPUT_LINES = ("dtr", "rts")
INPUT_LINES = ("cts", "dsr", "ri", "cd")
"""The lines the port reports (shown where the port has them)."""
DEFAULT_PULSE_MS = 100
DEFAULT_BREAK_MS = 250
MAX_MS = 60_000


@dataclass(frozen=True)
class LineAction:
    """One thing to do with a line: ``dtr`` on/off/pulse, ``rts`` likewise, or ``break``."""

    line: str
    """``dtr``, ``rts`` or ``break``."""
    action: str
    """``on``, ``off`` or ``pulse`` (``break`` is always ``pulse``)."""
    ms: int = 0
    """For ``pulse`` and ``break``: how long."""

    def describe(self) -> str:
        if self.line == "break":
            return f"BREAK for {self.ms} ms"
        if self.action == "pulse":
            return f"{self.line.upper()} pulse of {self.ms} ms"
        return f"{self.line.upper()} {self.action}"


def parse_line_action(line: str, argument: str) -> LineAction:
    """``parse_line_action("dtr", "pulse 100")``; ``parse_line_action("break", "")``.

    Raises:
        SettingsError: an unknown line, action or duration (the message shows the forms).
    """
    line = line.strip().lower().lstrip(":")
    words = argument.split()
    if line == "break":
        if len(words) > 1:
            raise SettingsError(f"break wants at most a duration in ms (e.g. break {DEFAULT_BREAK_MS})")
        return LineAction("break", "pulse", _ms(words[0], "break") if words else DEFAULT_BREAK_MS)
    if line not in OUTPUT_LINES:
        raise SettingsError(f"{line!r} is not a line the host drives (dtr, rts, break)")
    usage = f"{line} wants on, off or pulse [MS] (e.g. {line} pulse {DEFAULT_PULSE_MS})"
    if not words or words[0].lower() not in ("on", "off", "pulse") or len(words) > 2:
        raise SettingsError(usage)
    action = words[0].lower()
    if action != "pulse":
        if len(words) > 1:
            raise SettingsError(usage)
        return LineAction(line, action)
    return LineAction(line, "pulse", _ms(words[1], line) if len(words) > 1 else DEFAULT_PULSE_MS)


def _ms(text: str, what: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= MAX_MS:
        raise SettingsError(f"{what}: {text!r} is not a duration: give milliseconds from 1 to {MAX_MS}")
    return int(text)

