"""Host bytes back into commands: the framing the module applies to what the host sends.

A replay has only the bytes that went to the port; to rebuild the session it needs the
commands (line and data-phase payload) the host sent, in order. ``HostFramer`` reads them the way
the module does: a line ends at CR, an LF outside a data phase is dropped, and a line that
announces a data phase (``TLSCERT=ca,1426``) is followed by exactly that many payload bytes.
"""

from __future__ import annotations

from spwf_tui.core.catalog.schema import DATA_PHASE_CEILING
from spwf_tui.core.commandline import data_phase_length
from spwf_tui.core.payload import Outgoing

MAX_LINE = 4096
"""Longest line kept whole; the module itself keeps 512 bytes."""
MAX_PAYLOAD = DATA_PHASE_CEILING
"""Most payload bytes kept for one command: spwf-tui never sends more in one data phase. A
recording is hostile input: a line announcing 4,000,000,000 bytes followed by a file's worth
of them must not be held whole (docs/architecture.md §7); the bytes past this are counted
through (the framing stays the module's) but not kept."""


class HostFramer:
    """Splits the host's byte stream, in any chunking, into ``Outgoing`` commands."""

    def __init__(self) -> None:
        self._line = bytearray()
        self._payload = bytearray()
        self._payload_left = 0
        self._pending_line = ""

    @property
    def in_payload(self) -> bool:
        """True between a data-phase line's CR and its payload's last byte (an upload recorded
        in pieces, docs/architecture.md §7)."""
        return self._payload_left > 0

    def feed(self, data: bytes) -> list[Outgoing]:
        """Take the next bytes; return the commands they complete."""
        done: list[Outgoing] = []
        pos, size = 0, len(data)
        while pos < size:
            if self._payload_left:
                take = min(self._payload_left, size - pos)
                room = MAX_PAYLOAD - len(self._payload)
                if room > 0:
                    self._payload += data[pos:pos + min(take, room)]
                self._payload_left -= take
                pos += take
                if not self._payload_left:
                    done.append(Outgoing(self._pending_line, bytes(self._payload)))
                    self._payload.clear()
                continue
            cr = data.find(b"\r", pos)
            stop = size if cr < 0 else cr
            room = MAX_LINE - len(self._line)
            if room > 0:
                self._line += data[pos:stop].replace(b"\n", b"")[:room]
            if cr < 0:
                break
            pos = cr + 1
            self._end_line(done)
        return done

    def _end_line(self, done: list[Outgoing]) -> None:
        line = self._line.decode("utf-8", "replace")
        self._line.clear()
        if not line.strip():
            return  # the module ignores an empty line
        length = data_phase_length(line)
        if length:
            self._pending_line = line
            self._payload_left = length
        else:
            done.append(Outgoing(line))
