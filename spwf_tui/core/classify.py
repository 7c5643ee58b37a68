"""Tell what one line of module output is: echo, OK, ERROR, WIND, an ``AT-S.`` info line, other.

``classify`` works on a line as the module sent it. ``strip_host_prefix`` is for captured logs,
where a host program added timestamps or tags (``>>``, ``<<``, ``UART TX buffer:``) or ate the
leading ``AT`` of every line (``-S.OK``): it recovers the module's line first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spwf_tui.core import catalog
from spwf_tui.core.events import ECHO, ERROR, INFO, OK, OTHER, WIND

# Labels of AT-S. lines that report a failure without ending the command.
FAILURE_LABELS = ("Certificate Error", "Http Client Error", "Http Server Error")

_INT = re.compile(r"\d+")

# Host-logger decorations seen in the wild, tried repeatedly at the start of a line.
_HOST_PREFIXES = re.compile(
    r"""^(?:
        \s+
      | \[[^\]]{1,40}\]\s*                                   # [12:00:01.123] [RX] [INFO]
      | \d{4}-\d{2}-\d{2}[T\ ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\s*
      | \d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\s+
      | \d+\.\d+\s+                                           # 12.345 relative seconds
      | (?:>>|<<|->|<-|>|<)\s*
      | (?:UART\ )?(?:TX|RX)(?:\ buffer)?\s*[:>]\s*
    )""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class LineClass:
    """The classification of one line: kind plus the parsed pieces."""

    kind: str
    code: int | None = None
    label: str | None = None
    fields: tuple[str, ...] = ()


def classify(line: str) -> LineClass:
    """Classify one module line (no terminator)."""
    upper = line[:6].upper()
    if upper.startswith("AT-S."):
        return _classify_module_line(line[5:])
    if line.startswith("+WIND:"):
        return _classify_wind(line[6:])
    if upper.startswith("AT"):
        return LineClass(ECHO)
    return LineClass(OTHER)


def strip_host_prefix(line: str) -> str:
    """The module line inside a host log line.

    Removes timestamps and direction tags, and restores the ``AT`` that debug printers eat:
    ``-S.OK`` becomes ``AT-S.OK``, ``+S.TIME`` becomes ``AT+S.TIME``.
    """
    previous = None
    while previous != line:
        previous = line
        line = _HOST_PREFIXES.sub("", line, count=1)
    if line.startswith(("-S.", "+S.")):
        line = "AT" + line
    return line


def _classify_module_line(rest: str) -> LineClass:
    label, _, tail = rest.partition(":")
    fields = tuple(tail.split(":")) if tail else ()
    if label == "OK":
        return LineClass(OK, label=label, fields=fields)
    if label == "ERROR":
        code = int(fields[0]) if fields and _INT.fullmatch(fields[0]) else None
        # The text may itself contain ':'; keep it whole as the second field.
        text = tail.partition(":")[2] if code is not None else tail
        return LineClass(ERROR, code=code, label=label, fields=(fields[0], text) if fields else ())
    if label in FAILURE_LABELS:
        code = int(fields[0]) if fields and _INT.fullmatch(fields[0]) else None
        return LineClass(ERROR, code=code, label=label, fields=fields)
    return LineClass(INFO, label=label, fields=fields)


def _classify_wind(rest: str) -> LineClass:
    number_text, _, tail = rest.partition(":")
    if not _INT.fullmatch(number_text):
        return LineClass(OTHER)
    number = int(number_text)
    known = catalog.wind(number)
    # WIND texts may contain ':' in principle; when the firmware text is known, split after it.
    if known and known.text and tail.startswith(known.text):
        after = tail[len(known.text):]
        fields = (known.text, *after[1:].split(":")) if after.startswith(":") else (tail,)
    else:
        fields = tuple(tail.split(":")) if tail else ()
    return LineClass(WIND, code=number, fields=fields)
