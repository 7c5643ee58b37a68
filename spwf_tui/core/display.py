"""Small pure transforms for showing device text: control characters made visible."""

from __future__ import annotations

import re

_NAMED = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}
_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)}
_ESCAPES.update({ord(ch): name for ch, name in _NAMED.items()})
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def visible(text: str) -> str:
    """``text`` on one line with CR, LF, TAB and other control characters as escapes."""
    # str.translate does per character what a Python loop would, in C (the UART pane calls
    # this for every payload line it shows).
    return text.translate(_ESCAPES) if _CONTROL.search(text) else text
