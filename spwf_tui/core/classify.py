"""Tell what one line of module output is: echo, OK, ERROR, WIND, an ``AT-S.`` info line, other.

``classify`` works on a line as the module sent it. ``strip_host_prefix`` is for captured logs,
where a host program added timestamps or tags (``>>``, ``<<``, ``UART TX buffer:``) or ate the
leading ``AT`` of every line (``-S.OK``): it recovers the module's line first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spwf_tui.core import catalog
from spwf_tui.core.digits import ascii_int
from spwf_tui.core.events import ECHO, ERROR, INFO, OK, OTHER, WIND

# Labels of AT-S. lines that report a failure without ending the command.
FAILURE_LABELS = ("Certificate Error", "Http Client Error", "Http Server Error")

MAX_WIND = 999
"""The largest WIND number taken as one (firmware 1.x numbers them below 100)."""

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


Parts = tuple[str, "int | None", "str | None", "tuple[str, ...]"]
"""``(kind, code, label, fields)``: a ``LineClass`` as a plain tuple, for the RX hot path."""

ECHO_PARTS: Parts = (ECHO, None, None, ())
_OTHER_PARTS: Parts = (OTHER, None, None, ())


def classify(line: str) -> LineClass:
    """Classify one module line (no terminator)."""
    return LineClass(*classify_parts(line))


def classify_parts(line: str) -> Parts:
    """``classify`` as a tuple ``(kind, code, label, fields)``: what the decoder calls per line."""
    if line.startswith("AT-S."):
        return classify_module_line(line[5:])
    if line.startswith("+WIND:"):
        return classify_wind(line[6:])
    upper = line[:6].upper()
    if upper.startswith("AT-S."):
        return classify_module_line(line[5:])
    if upper.startswith("AT") and _is_command(line):
        return ECHO_PARTS
    return _OTHER_PARTS


_COMMAND = re.compile(r"AT(?:[+&#$%]|[A-Z]?\d*\s*$|\s*$)", re.IGNORECASE)
"""An echoed command: ``AT``, ``AT+S.<name>...``, ``ATE0``; not prose that starts with "at"."""


def _is_command(line: str) -> bool:
    return _COMMAND.match(line) is not None


def strip_host_prefix(line: str) -> str:
    """The module line inside a host log line.

    Removes timestamps and direction tags, and restores the ``AT`` that debug printers eat:
    ``-S.OK`` becomes ``AT-S.OK``, ``+S.TIME`` becomes ``AT+S.TIME``.
    """
    first = line[:1]
    if first == "A" or (first == "+" and not line.startswith("+S.")):
        return line  # no host decoration starts so (the module's own AT-S. and +WIND lines)
    previous = None
    while previous != line:
        previous = line
        line = _HOST_PREFIXES.sub("", line, count=1)
    if line.startswith(("-S.", "+S.")):
        line = "AT" + line
    return line


def classify_module_line(rest: str) -> Parts:
    label, _, tail = rest.partition(":")
    fields = tuple(tail.split(":")) if tail else ()
    if label == "OK":
        return (OK, None, label, fields)
    if label == "ERROR":
        # ASCII digits only, bounded (``core.digits``): a code the module cannot print stays text.
        code = ascii_int(fields[0]) if fields else None
        # The text may itself contain ':'; keep it whole as the second field.
        text = tail.partition(":")[2] if code is not None else tail
        return (ERROR, code, label, (fields[0], text) if fields else ())
    if label in FAILURE_LABELS:
        code = ascii_int(fields[0]) if fields else None
        return (ERROR, code, label, fields)
    return (INFO, None, label, fields)


def classify_wind(rest: str) -> Parts:
    """A ``+WIND:`` line's parts, from what follows ``+WIND:``."""
    number_text, _, tail = rest.partition(":")
    # The numbers as the module prints them, looked up (a flood's new lines are mostly WINDs);
    # anything else (leading zeros, too large, not ASCII) is read by ``ascii_int``.
    number = _WIND_NUMBERS.get(number_text)
    if number is None:
        number = ascii_int(number_text, MAX_WIND)
        if number is None:
            return _OTHER_PARTS  # not a WIND the module could send: shown as a plain line
    known_text = _WIND_TEXTS.get(number)
    # WIND texts may contain ':' in principle; when the firmware text is known, split after it.
    if known_text and tail.startswith(known_text):
        after = tail[len(known_text):]
        fields = (known_text, *after[1:].split(":")) if after.startswith(":") else (tail,)
    else:
        fields = tuple(tail.split(":")) if tail else ()
    return (WIND, number, None, fields)


_WIND_NUMBERS = {str(number): number for number in range(MAX_WIND + 1)}
"""``ascii_int(text, MAX_WIND)`` for the texts without leading zeros."""


_WIND_TEXTS = {wind.number: wind.text for wind in catalog.WINDS}
"""WIND number -> the firmware's text for it (``catalog.wind(number).text``)."""
