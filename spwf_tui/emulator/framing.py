"""Host -> module byte framing: command lines ended by CR, and binary data phases.

The framer is a small state machine with no threads and no knowledge of commands. The engine
feeds it whatever bytes arrived (any chunking, one byte at a time included) and answers two
callbacks:

- ``on_line(line, overflowed)`` at each CR: return ``None`` to keep parsing lines, a positive
  ``int`` to collect exactly that many payload bytes (the data phase starts with the byte right
  after the CR, so an LF there is payload), or ``PAUSE`` to stop consuming.
- ``on_payload(data)`` once the announced payload is complete: ``None`` or ``PAUSE``.

``feed`` returns how many bytes it consumed; after a ``PAUSE`` the caller keeps the rest and
feeds it again later (a deferred command is running, or the console went down for a reset).
"""

from __future__ import annotations

from typing import Callable, Final

CR: Final = 0x0D
LF: Final = 0x0A
MAX_LINE: Final = 512
"""UM2114: commands are at most 512 bytes long."""


class _Pause:
    def __repr__(self) -> str:
        return "PAUSE"


PAUSE: Final = _Pause()
Paused = _Pause
"""The type of ``PAUSE``, for the callbacks' annotations."""
"""Returned by a callback to make ``feed`` stop right after the current byte."""


class InputFramer:
    """Splits host bytes into command lines and data-phase payloads."""

    def __init__(
        self,
        on_line: Callable[[bytes, bool], int | _Pause | None],
        on_payload: Callable[[bytes], _Pause | None],
    ) -> None:
        self._on_line = on_line
        self._on_payload = on_payload
        self._line = bytearray()
        self._overflowed = False
        self._payload = bytearray()
        self._payload_left = 0

    def reset(self) -> None:
        """Forget a half-typed line and any unfinished payload (power cycle)."""
        self._line.clear()
        self._overflowed = False
        self._payload.clear()
        self._payload_left = 0

    def feed(self, data: bytes) -> int:
        """Consume ``data`` until its end or until a callback pauses; return bytes consumed."""
        pos = 0
        end = len(data)
        while pos < end:
            if self._payload_left:
                chunk = data[pos:pos + self._payload_left]
                self._payload += chunk
                self._payload_left -= len(chunk)
                pos += len(chunk)
                if self._payload_left == 0:
                    payload = bytes(self._payload)
                    self._payload.clear()
                    if self._on_payload(payload) is PAUSE:
                        return pos
                continue
            byte = data[pos]
            pos += 1
            if byte == LF:
                # Outside a data phase an LF is never part of a command: hosts that end lines
                # with CR LF must not see the LF turn into the first byte of the next command.
                continue
            if byte != CR:
                if len(self._line) < MAX_LINE:
                    self._line.append(byte)
                else:
                    self._overflowed = True
                continue
            line = bytes(self._line)
            overflowed = self._overflowed
            self._line.clear()
            self._overflowed = False
            outcome = self._on_line(line, overflowed)
            if outcome is PAUSE:
                return pos
            if isinstance(outcome, int) and outcome > 0:
                self._payload_left = outcome
        return pos
