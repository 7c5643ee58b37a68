"""The socket status pane: the module's client sockets and its state, live.

Rebuilt from ``ModuleState`` after each batch of entries. The table fits the side pane (38 columns
at 120x40): each socket takes two rows, its id, kind and state above its peer, beside the byte
counts under short headers. Peer names come from the module: shown through ``visible``, as Text
(a DataTable parses a plain string cell as markup). Actions on the selected socket (read its
pending bytes, write to it, close it) become command lines the app sends or puts in the builder.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from spwf_tui.core.display import visible
from spwf_tui.core.present.clock import clock_text
from spwf_tui.session.state import ModuleState

REFRESH_COMMANDS = ("AT+S.STS", "AT+S.TLSCERT=content,1")
"""What the refresh key sends: the status variables (address, firmware) and the TLS listing."""
COLUMNS = ("socket · peer", "pend", "rd", "wr")
PENDING_COLUMN = 1
KINDS = {"t": "TCP", "u": "UDP", "s": "TLS"}
STATES = {"open": "open", "closed by peer": "peer closed"}


class SocketTable(DataTable[Text]):
    """The sockets table with its keys."""

    BINDINGS = [
        Binding("r", "read", "Read", id="sockets.read"),
        Binding("w", "write", "Write", id="sockets.write"),
        Binding("k", "close", "Close", id="sockets.close"),
        Binding("R", "refresh", "Refresh", id="sockets.refresh"),
    ]

    def selected_id(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def action_read(self) -> None:
        self._request("AT+S.SOCKR={id},", send=True)

    def action_write(self) -> None:
        # The length field is left for the user: a number opens the payload dialog, a source
        # (@FILE, "text"...) is sent as typed.
        self._request("AT+S.SOCKW={id},", send=False)

    def action_refresh(self) -> None:
        """Ask the module what the pane shows (only when the user chooses: it costs a round trip)."""
        for line in REFRESH_COMMANDS:
            self.post_message(SocketStatus.CommandRequested(line, send=True))

    def action_close(self) -> None:
        self._request("AT+S.SOCKC={id}", send=True)

    def _request(self, template: str, *, send: bool) -> None:
        sid = self.selected_id()
        if sid is None:
            self.notify("no socket selected", severity="warning")
            return
        self.post_message(SocketStatus.CommandRequested(template.format(id=sid), send=send))


class SocketStatus(Vertical):
    """Sockets table plus a summary of the module's state."""

    class CommandRequested(Message):
        """A socket action: send ``line`` now, or put it in the builder to finish."""

        def __init__(self, line: str, *, send: bool) -> None:
            super().__init__()
            self.line = line
            self.send = send

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown_summary = ""
        self._shown_rows: list[tuple[str, ...]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="module-facts", markup=False)
        table = SocketTable(id="socket-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table

    def update_from(self, state: ModuleState) -> None:
        """Show ``state``; keeps the selected row when it still exists.

        Called after every batch: it touches the widgets only when what they show changed, since a
        re-layout costs a frame (see the keystroke benchmark).
        """
        summary = module_summary(state)
        if summary != self._shown_summary:
            self._shown_summary = summary
            facts = self.query_one("#module-facts", Static)
            # Only a summary that wraps to another height needs a re-layout: the IP address in
            # it changes with every WIND 24, and a layout repaints the whole screen.
            shown_height = facts.content_size.height
            facts.update(summary, layout=False)
            width = facts.content_size.width
            if not width or facts.get_content_height(self.content_size, self.app.size, width) != shown_height:
                facts.refresh(layout=True)
        rows: list[tuple[str, ...]] = [(str(sock.id), f"{sock.id} {visible(KINDS.get(sock.kind, f'TLS {sock.kind}' if sock.kind else '?'))} "
                 f"{STATES.get(sock.status, sock.status)}\n{visible(f'{sock.peer_ip or sock.host}:{sock.port}')}",
                 str(sock.pending), str(sock.bytes_read), str(sock.bytes_written))
                for sock in sorted(state.sockets.values(), key=lambda s: s.id)]
        if rows == self._shown_rows:
            return
        self._shown_rows = rows
        table = self.query_one(SocketTable)
        selected = table.selected_id()
        table.clear()
        for key, *cells in rows:
            table.add_row(*(Text(cell, no_wrap=True, overflow="ellipsis") for cell in cells), key=key, height=2)
        if selected is not None and str(selected) in {str(s) for s in state.sockets}:
            table.move_cursor(row=table.get_row_index(str(selected)))


def module_summary(state: ModuleState) -> str:
    """Wi-Fi, clock and stored TLS objects, in three short lines."""
    if state.ip_address:
        wifi = f"Wi-Fi up, IP {visible(state.ip_address)}"
    else:
        wifi = "Wi-Fi: no IP yet" if state.link_known else "Wi-Fi: unknown (R asks the module)"
    clock = "clock: " + clock_text(state.module_time())
    labels = {"ca": "CA", "cert": "Cert", "key": "Key", "auth": "Id"}  # as TLSCERT=content,1 says
    tls = "TLS: " + "  ".join(f"{labels[name]}:{'?' if have is None else int(have)}" for name, have in state.tls.items())
    return f"{wifi}\n{clock}\n{tls}"
