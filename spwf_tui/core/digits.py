"""Numbers in text from outside (module output, host logs, typed lines): ASCII digits, bounded.

``str.isdigit`` accepts characters ``int`` refuses (a superscript two), ``int`` accepts digits the
module never prints (Arabic-Indic, fullwidth) and refuses more than 4300 of them. A line from a
broken or hostile device must not stop the receive path with one of those errors, so every place
that turns such text into a number asks here: plain ``0``-``9`` only, and a ceiling, else None.
"""

from __future__ import annotations

U32_MAX = 2**32 - 1
"""The largest number the module prints (its counters and lengths are unsigned 32-bit)."""


_MAX_DIGITS = 20
"""Digits read at most (after leading zeros): every ``maximum`` in use is far below 10**20."""


def ascii_int(text: str, maximum: int = U32_MAX) -> int | None:
    """The number ``text`` spells in ASCII digits when it is at most ``maximum``; else None.

    ``"42"`` → 42, ``"007"`` → 7; ``"²"``, ``"٣"``, ``"-1"``, ``" 1"``, ``""`` and anything above
    ``maximum`` → None. Work is linear in ``len(text)`` whatever its length.
    """
    if not (text.isascii() and text.isdigit()):
        return None  # isdigit on ASCII text is exactly 0-9
    if len(text) > _MAX_DIGITS:
        # Refused before int() sees it: no 4300-digit ValueError, no big-int work. Leading
        # zeros are no reason to refuse a small number.
        text = text.lstrip("0") or "0"
        if len(text) > _MAX_DIGITS:
            return None
    value = int(text)
    return value if value <= maximum else None


def is_ascii_number(text: str) -> bool:
    """``text`` is one or more ASCII digits (of any size): what a length or count looks like."""
    return text.isascii() and text.isdigit()
