"""Payload bytes shown: the one hex dump and the one preview of a sent payload.

Both take raw bytes and give printable ASCII (hex digits, the ASCII column with ``.`` for every
other byte) or, for a text preview, text escaped by ``core.display.visible_bytes``: nothing in
their output can reach a terminal as a control.
"""

from __future__ import annotations

from spwf_tui.core.display import visible_bytes

HEX_PER_ROW = 16
"""Bytes in a hex row; 8 where 16 would not fit (the TUI on a narrow pane)."""
OFFSET_DIGITS = 6
"""Hex digits of a row's offset: up to 16 MiB, the most a payload source may hold, stays aligned."""
PREVIEW_COLUMNS = 200
"""What a sent payload's preview may take: 200 bytes of text, or 66 bytes as hex (3 columns each)."""


def hex_rows(data: bytes, per_row: int = HEX_PER_ROW) -> list[str]:
    """``000010  48 54 54 50 …  HTTP…`` rows: offset, bytes, the printable ASCII ones as text."""
    rows = []
    width = per_row * 3 - 1
    for offset in range(0, len(data), per_row):
        chunk = data[offset:offset + per_row]
        digits = chunk.hex(" ")
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        rows.append(f"{offset:0{OFFSET_DIGITS}x}  {digits:<{width}}  {text}")
    return rows


def hex_row_width(per_row: int, count: int) -> int:
    """Columns of a hex row of ``count`` bytes (what ``hex_rows`` makes), without measuring it."""
    return OFFSET_DIGITS + 2 + per_row * 3 - 1 + 2 + count


_TEXT_CONTROLS = frozenset("\r\n\t")


def payload_preview(payload: bytes, columns: int = PREVIEW_COLUMNS) -> str:
    """A sent payload on one line, in about ``columns`` columns, `` …`` when there is more.

    As text when it is printable UTF-8 and mostly ASCII (line ends escaped, backslashes doubled,
    so ``\\x1b`` in it is always the byte ESC), else as hex bytes prefixed ``hex``: a
    certificate's DER or a binary blob must not turn into letters (d5 a4 is not one character).
    """
    head = payload[:columns]
    try:
        text: str | None = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut by the preview's end is still text; anything else is binary.
        cut = exc.start >= len(head) - 3 and len(payload) > len(head)
        text = head[:exc.start].decode("utf-8") if cut else None
    # Mostly ASCII too: random binary decodes as UTF-8 now and then (d5 a4 is a letter).
    if (text is not None and all(char.isprintable() or char in _TEXT_CONTROLS for char in text)
            and 2 * sum(char.isascii() for char in text) >= len(text)):
        shown = visible_bytes(head)
        more = len(payload) > len(head) or len(shown) > columns
        return shown[:columns] + (" …" if more else "")
    count = max(1, columns // 3)
    return "hex " + payload[:count].hex(" ") + (" …" if len(payload) > count else "")
