"""The Telnet layer of an RFC 2217 stream, parsed a received block at a time.

pyserial's RFC 2217 client walks every received byte through a Python state machine and puts
each data byte into a ``queue.Queue`` on its own (one lock round trip a byte), and its reader
takes them out one by one again: about 120 KB/s through ser2net. Data between two IAC bytes is
one slice here, so the cost is per block, not per byte; what is not data (negotiation and
subnegotiation) is handed back as commands, in order, for the port to act on.

The grammar is the one pyserial implements (RFC 854 / RFC 2217): ``IAC IAC`` is a data byte
0xFF; ``IAC SB ... IAC SE`` a subnegotiation (IAC doubled inside it too); ``IAC DO|DONT|WILL|WONT
<option>`` a negotiation; ``IAC <other>`` a command. Any of them may be split across blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

IAC = 0xFF
SB = 0xFA
SE = 0xF0
NEGOTIATIONS = frozenset((0xFB, 0xFC, 0xFD, 0xFE))
"""WILL, WONT, DO, DONT: followed by one option byte."""

_DATA, _IAC_SEEN, _NEGOTIATE = range(3)


@dataclass(frozen=True)
class TelnetCommand:
    """Something in the stream that is not data.

    ``kind`` is ``"negotiate"`` (``verb`` is WILL/WONT/DO/DONT, ``value`` the option byte),
    ``"subnegotiation"`` (``value`` the bytes between ``IAC SB`` and ``IAC SE``) or ``"command"``
    (``verb`` the byte after IAC).
    """

    kind: str
    verb: bytes = b""
    value: bytes = b""


class TelnetStream:
    """Splits received Telnet blocks into data and commands; keeps state across blocks."""

    def __init__(self) -> None:
        self._mode = _DATA
        self._suboption: bytearray | None = None
        """The subnegotiation being collected (after ``IAC SB``), else None."""
        self._verb = 0

    def feed(self, block: bytes) -> tuple[bytes, list[TelnetCommand]]:
        """The data bytes of ``block`` and the commands in it, in stream order."""
        data = bytearray()
        commands: list[TelnetCommand] = []
        i, end = 0, len(block)
        while i < end:
            if self._mode == _DATA:
                stop = block.find(IAC, i)
                run_end = end if stop < 0 else stop
                if run_end > i:  # the fast path: everything up to the next IAC in one slice
                    target = data if self._suboption is None else self._suboption
                    target += block[i:run_end]
                if stop < 0:
                    break
                self._mode = _IAC_SEEN
                i = stop + 1
                continue
            byte = block[i]
            i += 1
            if self._mode == _NEGOTIATE:
                commands.append(TelnetCommand("negotiate", bytes((self._verb,)), bytes((byte,))))
                self._mode = _DATA
            elif byte == IAC:  # a doubled IAC: one 0xFF of data (or of the subnegotiation)
                (data if self._suboption is None else self._suboption).append(IAC)
                self._mode = _DATA
            elif byte == SB:
                self._suboption = bytearray()
                self._mode = _DATA
            elif byte == SE:
                commands.append(TelnetCommand("subnegotiation", value=bytes(self._suboption or b"")))
                self._suboption = None
                self._mode = _DATA
            elif byte in NEGOTIATIONS:
                self._verb = byte
                self._mode = _NEGOTIATE
            else:
                commands.append(TelnetCommand("command", bytes((byte,))))
                self._mode = _DATA
        return bytes(data), commands
