"""The ``run`` script format.

One step per line; blank lines and ``# comments`` are skipped:

* ``AT...``: a command, with payload sources (``@FILE``, ``hex:``, ``ski:FILE``, ``"text"``);
* ``wait WIND:<n> [SECONDS]``: wait for that indication (default 10 s), counting those that
  arrived since the previous command was sent;
* ``sleep SECONDS``: pause.

Every line is checked (payload sources resolved) before the first byte is sent, so a script
with a mistake sends nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from spwf_tui.core.payload import Outgoing, PayloadError, encode
from spwf_tui.errors import UserError

DEFAULT_WAIT = 10.0

_WAIT = re.compile(r"wait\s+WIND:(\d+)(?:\s+(\d+(?:\.\d+)?))?", re.IGNORECASE)
_SLEEP = re.compile(r"sleep\s+(\d+(?:\.\d+)?)", re.IGNORECASE)


@dataclass(frozen=True)
class Step:
    """One step of a run."""

    origin: str
    """Where it came from: ``script.at:3`` or ``-c #1``."""
    text: str
    """The line as written."""
    outgoing: Outgoing | None = None
    """For a command: what to send."""
    wind: int | None = None
    """For ``wait``: the WIND number."""
    seconds: float = 0.0
    """For ``wait`` (timeout) and ``sleep``."""


def load_steps(script: str | None, commands: list[str], read_file) -> list[Step]:
    """All steps of a run: the script file's lines, then the ``-c`` lines.

    Raises:
        UserError: missing or unreadable script, or a line that cannot be run (named by
            file and line number).
    """
    sources: list[tuple[str, str]] = []
    if script is not None:
        for number, line in enumerate(_read_script(script).splitlines(), start=1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                sources.append((f"{script}:{number}", stripped))
    sources += [(f"-c #{n}", line.strip()) for n, line in enumerate(commands, start=1)]
    if not sources:
        raise UserError("nothing to run: give a script file or -c LINE")
    return [_step(origin, line, read_file) for origin, line in sources]


def _read_script(script: str) -> str:
    try:
        return Path(script).expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{script}: no such script file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{script}: cannot read the script ({getattr(exc, 'strerror', None) or exc})") from None


def _step(origin: str, line: str, read_file) -> Step:
    if match := _WAIT.fullmatch(line):
        return Step(origin, line, wind=int(match.group(1)), seconds=float(match.group(2) or DEFAULT_WAIT))
    if match := _SLEEP.fullmatch(line):
        return Step(origin, line, seconds=float(match.group(1)))
    if not line.upper().startswith("AT"):
        raise UserError(f"{origin}: {line!r} is not a step (an AT command, wait WIND:<n> [SECONDS] or sleep SECONDS)")
    try:
        outgoing = encode(line, read_file)
    except PayloadError as exc:
        raise UserError(f"{origin}: {exc}") from None
    if outgoing.awaiting_payload is not None:
        raise UserError(
            f"{origin}: {line} announces {outgoing.awaiting_payload} payload bytes but a script cannot "
            "type them: put a source in place of the length (@FILE, hex:.., ski:FILE or \"text\")"
        )
    return Step(origin, line, outgoing)
