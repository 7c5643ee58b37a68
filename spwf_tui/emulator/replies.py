"""What a command sends back: intermediate lines, raw payload, and the final OK / ERROR line.

Handlers append to a ``Reply`` and raise ``CommandError`` to fail; the engine writes the reply
and the final line in one output call, so nothing (no WIND) can land in between.
"""

from __future__ import annotations

from typing import Final

from spwf_tui.core import catalog

CRLF: Final = b"\r\n"
TEXT_ENCODING: Final = "latin-1"
"""Lines are decoded and encoded as latin-1 so that any byte the host typed round-trips."""


EMULATOR_ERRORS: Final = {120: "Not emulated"}
"""Error texts the emulator adds to the firmware's table (see ``dispatch.ERR_NOT_EMULATED``)."""


class CommandError(Exception):
    """The command fails with ``AT-S.ERROR:<code>:<text>`` (text from the catalog)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class Reply:
    """The lines and raw bytes a command sends before its final OK or ERROR line."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._is_line: list[bool] = []

    def line(self, label: str, *fields: object) -> None:
        """Add ``AT-S.<label>[:<field>...]`` and CR LF."""
        text = ":".join([f"AT-S.{label}", *(str(field) for field in fields)])
        self.text(text)

    def text(self, text: str) -> None:
        """Add a line exactly as given (scan lists do not start with ``AT-S.``), and CR LF."""
        self._chunks.append(text.encode(TEXT_ENCODING, "replace") + CRLF)
        self._is_line.append(True)

    def raw(self, data: bytes) -> None:
        """Add payload bytes with no framing (FSP, SOCKR); the final line follows directly."""
        self._chunks.append(bytes(data))
        self._is_line.append(False)

    def to_bytes(self) -> bytes:
        """Everything added so far, in order."""
        return b"".join(self._chunks)

    def with_lines_between(self, extra: list[bytes]) -> bytes:
        """Everything, with the ``extra`` lines put one each into the first gaps between two
        text lines (never next to raw payload); pass at most ``line_gaps()`` of them."""
        out: list[bytes] = []
        pending = list(extra)
        for index, chunk in enumerate(self._chunks):
            out.append(chunk)
            nxt = index + 1
            if (pending and self._is_line[index] and nxt < len(self._chunks)
                    and self._is_line[nxt]):
                out.append(pending.pop(0))
        return b"".join(out)

    def line_gaps(self) -> int:
        """How many places lie between two consecutive text lines."""
        return sum(1 for a, b in zip(self._is_line, self._is_line[1:]) if a and b)


def ok_line(verbose: int, free_heap: int, wifi_state: int) -> bytes:
    """The final success line for ``console_verbose``: 2 adds heap and Wi-Fi state, else plain."""
    if verbose == 2:
        return f"AT-S.OK:{free_heap}:{wifi_state}".encode() + CRLF
    return b"AT-S.OK" + CRLF


def error_line(code: int, errs: int) -> bytes:
    """The final failure line for ``console_errs``: 2 code and text, 1 code only, 0 bare."""
    if errs <= 0:
        return b"AT-S.ERROR" + CRLF
    if errs == 1:
        return f"AT-S.ERROR:{code}".encode() + CRLF
    entry = catalog.error(code)
    text = entry.text if entry is not None else EMULATOR_ERRORS.get(code, "Unknown error")
    return f"AT-S.ERROR:{code}:{text}".encode(TEXT_ENCODING, "replace") + CRLF


def wind_line(number: int, *fields: object) -> bytes:
    """``+WIND:<n>:<catalog text>[:<field>...]`` and CR LF; an empty field gives ``::``."""
    entry = catalog.wind(number)
    text = entry.text if entry is not None else ""
    parts = [f"+WIND:{number}:{text}", *(str(field) for field in fields)]
    return ":".join(parts).encode(TEXT_ENCODING, "replace") + CRLF
