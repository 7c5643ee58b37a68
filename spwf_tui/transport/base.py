"""``Transport``: what a session needs of the thing that carries its bytes.

``SerialTransport`` (a port by name or URL, with its reader thread) is the real one; replays use
``session.recording.replay.NullTransport``, and tests a recording fake. The incoming side is the
``TransportListener`` the transport was made with (``serial_transport``): bytes and link changes
are pushed to it, never pulled.

A transport subclasses ``Transport`` (a protocol with two plain defaults, ``hurry`` and
``write_pieces``), so the session calls both without asking whether they are there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from spwf_tui.transport.errors import PortWriteError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spwf_tui.transport.settings import PortSettings


class Transport(Protocol):
    """Opens, writes whole buffers, reopens on the user's word, closes."""

    @property
    def route(self) -> str | None:
        """Where the port really is when that is not its name (a labgrid place's endpoint and
        whose hold it is), for the "opened" note; None otherwise."""

    def open(self) -> None:
        """Open and start delivering to the listener; raises ``PortError`` with a message for the user."""

    def write(self, data: bytes) -> int:
        """Write all of ``data`` and return the count; raises ``PortWriteError`` with the count that left."""

    def write_pieces(self, pieces: Iterator[bytes], total: int) -> int:
        """Write what ``pieces`` yields, in order, as one write of ``total`` bytes; returns the
        count. The plain way: each piece with ``write`` (``SerialTransport`` asks for the next
        piece while the port drains the one before). Raises ``PortWriteError`` whose ``sent``
        counts every piece's bytes that left."""
        sent = 0
        for piece in pieces:
            try:
                sent += self.write(piece)
            except PortWriteError as exc:
                raise PortWriteError(str(exc), sent + exc.sent) from exc
        return sent

    def hurry(self) -> None:
        """A reply is awaited: a reader pausing in a stream reads at once. Plain: no pauses."""
        return  # (a body: the default, not an abstract method)

    def reopen(self) -> str:
        """Open again after a loss the transport does not recover from by itself; returns the
        reason given with the ``connected`` change. Raises ``PortError`` when there is nothing
        to reopen or it cannot be opened."""

    def close(self) -> None:
        """Stop delivering and release the port; safe to call twice."""


@runtime_checkable
class PortLines(Protocol):
    """What a real port adds: line settings, modem lines and BREAK while open (a replay's
    transport has none of these; docs/protocol.md §9.1, §9.2)."""

    def apply_settings(self, settings: PortSettings) -> None:
        """Change speed, framing and flow control of the open port; raises ``PortError``."""

    def set_line(self, line: str, on: bool) -> None:
        """Assert (``on``) or release DTR or RTS; raises ``PortError``."""

    def send_break(self, seconds: float) -> None:
        """Hold TX in BREAK for ``seconds``; raises ``PortError``."""

    def modem_lines(self) -> dict[str, bool] | None:
        """CTS, DSR, RI and CD where the port reports them, else None."""
