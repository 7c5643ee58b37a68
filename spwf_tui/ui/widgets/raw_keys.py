"""Raw mode's key catcher: shown in place of the command builder, it sends every key as typed.

It holds the focus while raw mode is on and stops every key that sends something, so no binding
below the app's priority ones (Tab focus, Esc, Ctrl+C copy) takes a key meant for the device;
function keys send nothing and reach the app (F2-F4 panes, F5, F9). F6 (or the
reserved Ctrl+], an app binding) leaves raw mode. What a key sends is ``core.rawmode``'s table.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.message import Message
from textual.widgets import Static

from spwf_tui.core.rawmode import RESERVED_KEY, TOGGLE_KEY, LineEnds, key_bytes


class RawKeys(Static, can_focus=True):
    """One line saying raw mode is on; its keys and pastes go to the port."""

    class Typed(Message):
        """Bytes of one key to send as they are."""

        def __init__(self, data: bytes) -> None:
            super().__init__()
            self.data = data

    class Pasted(Message):
        """Text pasted in raw mode (sent line by line, ``paste_delay_ms`` apart)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class LeaveRequested(Message):
        """F6 (or Ctrl+]) in raw mode."""

    def __init__(self, ends: Callable[[], LineEnds], id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._ends = ends

    def on_focus(self) -> None:
        ends = self._ends()
        self.update(f"RAW: keys go to the port as typed · Enter sends {ends.eol.upper()} · "
                    "Ctrl+] or F6 leaves · Ctrl+P palette is off")

    async def _on_key(self, event: events.Key) -> None:
        if event.key in (TOGGLE_KEY, RESERVED_KEY):
            event.stop()
            event.prevent_default()
            self.post_message(self.LeaveRequested())
            return
        data = key_bytes(event.key, event.character, self._ends())
        if data:
            event.stop()
            event.prevent_default()
            self.post_message(self.Typed(data))
        # Keys that send nothing (F2-F5, F9) go on to the app's bindings.

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        if event.text:
            self.post_message(self.Pasted(event.text))
