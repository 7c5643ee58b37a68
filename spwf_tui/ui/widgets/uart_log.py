"""The raw UART pane: every TX, RX and note of the session, coloured by kind.

A ScrollView that renders only the visible rows (STYLE.md §4): entries are kept in a bounded
deque (the recording keeps the whole history), rows are rebuilt when the view options change,
and new entries arrive in batches through ``add_entries``. Follow mode keeps the end in view; it
pauses when the user scrolls up, and the border says how many rows wait below.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from spwf_tui.session.log import LogEntry
from spwf_tui.ui.log_rows import TIMESTAMP_MODES, Row, ViewOptions, rows_for

MAX_ENTRIES = 20_000
MAX_ROWS = 60_000
MAX_WIDTH = 1000

STYLES = {
    "tx": Style(color="bright_cyan", bold=True),
    "rx-ok": Style(color="green"),
    "rx-error": Style(color="bright_red", bold=True),
    "rx-wind": Style(color="yellow"),
    "rx-info": Style(color="white"),
    "rx-echo": Style(color="bright_black"),
    "rx-data": Style(color="magenta"),
    "rx-other": Style(color="white", dim=True),
    "note": Style(color="bright_blue", italic=True),
    "explain": Style(color="bright_yellow", italic=True),
}
SEARCH_STYLE = Style(reverse=True)


class UartLog(ScrollView, can_focus=True):
    """The UART log pane."""

    BINDINGS = [
        Binding("t", "cycle_timestamps", "Time", id="log.timestamps"),
        Binding("c", "toggle_controls", "Ctrl chars", id="log.controls"),
        Binding("x", "toggle_hex", "Hex", id="log.hex"),
        Binding("n", "next_match", "Next match", show=False, id="log.next"),
        Binding("N", "previous_match", "Prev match", show=False, id="log.previous"),
        Binding("end", "follow", "Follow", show=False, id="log.follow"),
    ]

    follow: reactive[bool] = reactive(True)
    """Keep the newest row in view."""
    options: reactive[ViewOptions] = reactive(ViewOptions, always_update=True)

    def __init__(self, *, id: str | None = None, timestamps: str = "off") -> None:
        super().__init__(id=id)
        self._entries: deque[LogEntry] = deque(maxlen=MAX_ENTRIES)
        self._rows: deque[Row] = deque(maxlen=MAX_ROWS)
        self._width = 0
        self._waiting_below = 0
        self._search = ""
        self._last_time: float | None = None
        self.set_reactive(UartLog.options, ViewOptions(timestamps=timestamps))

    # -- feeding ----------------------------------------------------------------------------

    def add_entries(self, entries: list[LogEntry]) -> None:
        """Append a batch of session entries (one refresh per batch)."""
        if not entries:
            return
        self._entries.extend(entries)
        new_rows = self._rows_of(entries)
        self._rows.extend(new_rows)
        self._width = min(MAX_WIDTH, max([self._width, *(len(r.text) for r in new_rows)]))
        self.virtual_size = Size(self._width, len(self._rows))
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        else:
            self._waiting_below += len(new_rows)
            self._update_subtitle()
        self.refresh()

    def clear(self) -> None:
        """Forget every entry (a replay that starts over)."""
        self._entries.clear()
        self._rows.clear()
        self._last_time = None
        self._waiting_below = 0
        self.virtual_size = Size(0, 0)
        self.refresh()

    def rows(self) -> list[Row]:
        """The rows as shown (for tests and search)."""
        return list(self._rows)

    # -- search -----------------------------------------------------------------------------

    def search(self, text: str) -> bool:
        """Highlight ``text`` and jump to its last occurrence; False when it is not found."""
        self._search = text
        self.refresh()
        return self._jump(backwards=True, start=len(self._rows))

    def action_next_match(self) -> None:
        self._jump(backwards=False, start=int(self.scroll_y) + 1)

    def action_previous_match(self) -> None:
        self._jump(backwards=True, start=int(self.scroll_y))

    def _jump(self, *, backwards: bool, start: int) -> bool:
        if not self._search:
            return False
        needle = self._search.lower()
        order = range(min(start, len(self._rows)) - 1, -1, -1) if backwards else range(start, len(self._rows))
        for index in order:
            if needle in self._rows[index].text.lower():
                self.follow = False
                self.scroll_to(y=max(0, index - self.size.height // 2), animate=False)
                return True
        return False

    # -- options ----------------------------------------------------------------------------

    def action_cycle_timestamps(self) -> None:
        current = TIMESTAMP_MODES.index(self.options.timestamps)
        self._set_options(timestamps=TIMESTAMP_MODES[(current + 1) % len(TIMESTAMP_MODES)])

    def action_toggle_controls(self) -> None:
        self._set_options(show_controls=not self.options.show_controls)

    def action_toggle_hex(self) -> None:
        self._set_options(hex_payloads=not self.options.hex_payloads)

    def action_follow(self) -> None:
        self.follow = True

    def _set_options(self, **changes) -> None:
        self.options = replace(self.options, **changes)

    def watch_options(self) -> None:
        self._last_time = None
        self._rows.clear()
        self._rows.extend(self._rows_of(list(self._entries)))
        self._width = min(MAX_WIDTH, max((len(r.text) for r in self._rows), default=0))
        self.virtual_size = Size(self._width, len(self._rows))
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self._update_subtitle()
        self.refresh()

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self._waiting_below = 0
            self.scroll_end(animate=False, x_axis=False)
        self._update_subtitle()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        at_end = new >= self.max_scroll_y
        if new < old and not at_end:
            self.follow = False
        elif at_end and not self.follow:
            self.follow = True

    def _update_subtitle(self) -> None:
        opts = self.options
        flags = [f"time:{opts.timestamps}"] if opts.timestamps != "off" else []
        flags += ["ctrl"] if opts.show_controls else []
        flags += ["hex"] if opts.hex_payloads else []
        waiting = f"paused, +{self._waiting_below} rows below (End follows)" if not self.follow else ""
        self.border_subtitle = "  ".join(part for part in (waiting, " ".join(flags)) if part)

    def _rows_of(self, entries: list[LogEntry]) -> list[Row]:
        rows: list[Row] = []
        for entry in entries:
            rows += rows_for(entry, self.options, self._last_time)
            self._last_time = entry.time
        return rows

    # -- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        text = Text(row.text, style=STYLES.get(row.style, Style()), no_wrap=True, end="")
        if self._search:
            text.highlight_words([self._search], SEARCH_STYLE, case_sensitive=False)
        strip = Strip(text.render(self.app.console), text.cell_len)
        return strip.crop_extend(scroll_x, scroll_x + width, base)
