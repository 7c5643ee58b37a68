"""The ``run`` script format: one command per line, ``#`` comments, blank lines ignored.

Every line is checked (payload sources resolved) before the first byte is sent, so a script
with a mistake sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spwf_tui.core.payload import Outgoing, PayloadError, encode
from spwf_tui.errors import UserError


@dataclass(frozen=True)
class Step:
    """One command of a script, encoded and ready to send."""

    origin: str
    """Where it came from: ``script.at:3`` or ``-c #1``."""
    text: str
    """The line as written."""
    outgoing: Outgoing


def load_steps(script: str | None, commands: list[str], read_file) -> list[Step]:
    """All steps of a run: the script file's lines, then the ``-c`` lines.

    Raises:
        UserError: missing or unreadable script, or a line that cannot be sent (named by
            file and line number).
    """
    sources: list[tuple[str, str]] = []
    if script is not None:
        try:
            text = Path(script).expanduser().read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UserError(f"{script}: no such script file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"{script}: cannot read the script ({getattr(exc, 'strerror', None) or exc})") from None
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                sources.append((f"{script}:{number}", stripped))
    sources += [(f"-c #{n}", line.strip()) for n, line in enumerate(commands, start=1)]
    if not sources:
        raise UserError("nothing to run: give a script file or -c LINE")
    return [_step(origin, line, read_file) for origin, line in sources]


def _step(origin: str, line: str, read_file) -> Step:
    if not line.upper().startswith("AT"):
        raise UserError(f"{origin}: {line!r} is not an AT command (commands start with AT, e.g. AT+S.STS)")
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
