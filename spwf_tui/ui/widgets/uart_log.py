"""The raw UART pane: every TX, RX and note of the session, coloured by kind.

A ScrollView that makes rows only for what it shows (docs/architecture.md §6.1). Entries are kept in a
bounded deque (the recording keeps the whole history), each with the number of rows it gives
(``log_rows.measure``: counted from the bytes, so a flood of binary payloads costs no text);
a row's text is made when the row comes into view, and its rendered strip is cached while it
stays there. New entries arrive in batches through ``add_entries`` and are shown at most
``REPAINT_INTERVAL`` apart while they keep coming (``FLOOD_REPAINT_INTERVAL`` while each repaint
brings in panes of rows). Follow mode keeps the end in view; it pauses when the user scrolls
up, and the border says how many rows wait below. Rows are coloured by kind through the CSS
component classes ``uart-log--<style>``; the pane owns its find bar (``LogFindBar``).
"""

from __future__ import annotations

import time
from math import ceil
from bisect import bisect_left, bisect_right
from collections import deque
from dataclasses import replace
from functools import partial
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple, TypedDict

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widgets import Input

from spwf_tui.core.events import DATA
from spwf_tui.core.present import styles
from spwf_tui.session.log import RX, LogEntry
from spwf_tui.ui.focusing import focus_now
from spwf_tui.ui.log_rows import TIMESTAMP_MODES, Row, ViewOptions, measure, one_cell_each, rows_for

if TYPE_CHECKING:
    from typing_extensions import Unpack  # (typing's own from Python 3.11)

MAX_ENTRIES = 20_000
MAX_ROWS = 60_000
"""Oldest entries are forgotten once more rows than this are kept (the last entry stays)."""
MAX_WIDTH = 1000
CACHED_ENTRIES = 512
"""Entries whose rows are kept made (the ones in view, and around)."""
REPAINT_INTERVAL = 0.1
"""Seconds between two repaints of a pane that new rows keep arriving in (10 a second): a flood
scrolls too fast to read at any rate, and each repaint of a following pane draws every row anew."""
FLOOD_REPAINT_INTERVAL = 0.5
"""Seconds between two repaints while the last two each brought in more than ``FLOOD_PANES``
panes of rows: nothing can be read at that pace, each view replaces every row in view, and
Textual draws every row anew at each (most of what a flood costs the TUI). A burst of replies
(``AT+S.STS``, a pasted script) makes one such repaint and keeps ``REPAINT_INTERVAL``."""
FLOOD_PANES = 2
MEASURED_LINES = 4096
"""Sizes of received lines kept by their text (``UartLog._append``)."""
CACHED_STRIPS = 1024
"""Rendered rows kept for the next frames (a following log moves its rows up a frame)."""

ROW_STYLES = tuple(styles.LOOKS)
"""The style names rows carry (``core/present/styles.py``); each is the component class
``uart-log--NAME``, whose default CSS is the name's look in ``styles.LOOKS``."""
MATCH = "uart-log--match"
"""The component class of a search match."""


def _look_css(name: str, look: styles.Look) -> str:
    """The CSS rule that draws ``name``'s rows in its look (ANSI colours, as the REPL draws them)."""
    rules = [f"color: ansi_{look.colour};"] if look.colour else []
    attributes = [word for word, on in (("bold", look.bold), ("dim", look.dim), ("italic", look.italic)) if on]
    rules += [f"text-style: {' '.join(attributes)};"] if attributes else []
    return f"UartLog > .uart-log--{name} {{ {' '.join(rules)} }}" if rules else ""


class _OptionChanges(TypedDict, total=False):
    """``ViewOptions`` fields ``_set_options`` changes."""

    timestamps: str
    show_controls: bool
    hex_payloads: bool
    width: int
    wrap: bool


class _Shown(NamedTuple):
    """One entry in the pane: where its rows start (a row number that only grows) and how many."""

    start: int
    count: int  # type: ignore[assignment]  # (the field shadows tuple.count, which nothing here calls)
    entry: LogEntry
    previous_time: float | None
    """The time of the entry before it, for delta timestamps."""


_START = itemgetter(0)
_new_shown = partial(tuple.__new__, _Shown)
"""``_Shown(...)`` from one tuple, without the named tuple's Python-level constructor."""


class UartLog(ScrollView, can_focus=True):
    """The UART log pane."""

    # The looks of ``core/present/styles.py`` (one table for every front end) as component
    # classes: the pane's own background on every row, and CSS may restyle any of them.
    COMPONENT_CLASSES = {f"uart-log--{name}" for name in ROW_STYLES} | {MATCH}
    DEFAULT_CSS = "\n".join(filter(None, (_look_css(name, look) for name, look in styles.LOOKS.items()))) + """
    UartLog > .uart-log--match { text-style: reverse; }
    """

    BINDINGS = [
        Binding("t", "cycle_timestamps", "Time", id="log.timestamps"),
        Binding("c", "toggle_controls", "Ctrl chars", id="log.controls"),
        Binding("x", "toggle_hex", "Hex", id="log.hex"),
        Binding("n", "next_match", "Next match", show=False, id="log.next"),
        Binding("N", "previous_match", "Prev match", show=False, id="log.previous"),
        Binding("w", "toggle_wrap", "Wrap", id="log.wrap"),
        Binding("y", "copy_view", "Copy rows in view", show=False, id="log.copy"),
        Binding("end", "follow", "Follow", show=False, id="log.follow"),
    ]

    follow: reactive[bool] = reactive(True)
    """Keep the newest row in view."""
    options: reactive[ViewOptions] = reactive(ViewOptions, always_update=True)

    def __init__(self, *, id: str | None = None, timestamps: str = "off") -> None:
        # Before the widget's own set-up, which may already report a style update.
        self._strips: dict[tuple[int, int, int, Style], Strip] = {}
        self._row_styles: dict[str, Style] = {}
        """Row style name -> Rich style (``_styles_for``), made for ``_row_styles_key``."""
        self._row_styles_key: tuple[object, ...] = ()
        super().__init__(id=id)
        self._shown: deque[_Shown] = deque()
        self._end = 0
        """Row number after the last row (rows are numbered from the first entry ever shown)."""
        self._width = 0
        self._waiting_below = 0
        self._search = ""
        self._last_time: float | None = None
        self._rows_cache: dict[int, list[Row]] = {}
        self._measured: dict[tuple[str, str, bool, str | None], tuple[int, int]] = {}
        """(text, kind, continued, explanation) -> (rows, width) of received lines."""
        self._base_style: Style | None = None
        self._frame_styles: dict[str, Style] = {}
        """``_styles_for(_base_style)``, looked up once a frame (``render_lines``)."""
        self._view_pending = False
        self._view_shown_at = 0.0
        self._viewed_end = 0
        """``_end`` at the last repaint."""
        self._flooding = False
        self._panes_last_view = False
        """The last two repaints each brought in ``FLOOD_PANES`` panes of rows (``FLOOD_REPAINT_INTERVAL``)."""
        self._all_rows: tuple[int, int, list[Row]] | None = None
        """``rows()`` as last made: (first row, end row, the rows)."""
        self.set_reactive(UartLog.options, ViewOptions(timestamps=timestamps))
        self._partial: LogEntry | None = None
        """The line still arriving, shown as the last entry until ``show_partial`` takes it back."""
        self.find_bar = LogFindBar(self, id=f"{id}-find" if id else None)
        """This pane's find bar (the screen places it: a ScrollView has no room for children)."""

    # -- feeding ----------------------------------------------------------------------------

    def add_entries(self, entries: list[LogEntry]) -> None:
        """Append a batch of session entries (shown at the next repaint, see ``_schedule_view``)."""
        if not entries:
            return
        if len(entries) > MAX_ENTRIES:
            # Only the newest can stay: measuring the others would be wasted.
            self._last_time = entries[-MAX_ENTRIES - 1].time
            entries = entries[-MAX_ENTRIES:]
        before = self._end
        self._append(entries)
        self._trim()
        if not self.follow:
            self._waiting_below += self._end - before
        self._schedule_view()

    @property
    def flooding(self) -> bool:
        """Rows arrive faster than anyone reads them: the pane repaints every
        ``FLOOD_REPAINT_INTERVAL`` (the panes beside it may slow down too)."""
        return self._flooding

    def show_partial(self, entry: LogEntry | None) -> None:
        """Show ``entry`` (a line still arriving, docs/protocol.md §2.9) after the last entry,
        provisionally: the next call takes it back first, so the app calls ``show_partial(None)``
        before a batch and the batch's own line after it; the complete line takes its place."""
        old = self._partial
        self._partial = None
        if old is not None and self._shown and self._shown[-1].entry is old:
            last = self._shown.pop()
            self._end, self._last_time = last.start, last.previous_time
            self._rows_cache.pop(last.start, None)
            self._all_rows = None
        if entry is not None:
            self._append([entry])
            self._partial = entry
        if entry is not None or old is not None:
            self._schedule_view()

    def _schedule_view(self) -> None:
        """Show the new rows now, or once ``REPAINT_INTERVAL`` has passed since the last time.

        A flood would otherwise repaint the pane every frame, and every frame the keyboard's
        echo waits for would cost a whole pane of new rows; a reply after a quiet spell still
        shows at once.
        """
        if self._view_pending:
            return
        interval = FLOOD_REPAINT_INTERVAL if self._flooding else REPAINT_INTERVAL
        wait = self._view_shown_at + interval - time.monotonic()
        if wait <= 0:
            self._update_view()
        else:
            self._view_pending = True
            self.set_timer(wait, self._update_view)

    def _update_view(self) -> None:
        self._view_pending = False
        self._view_shown_at = time.monotonic()
        # Panes of new rows at two repaints in a row, not one burst of replies: a flood.
        panes = self.follow and self._end - self._viewed_end > FLOOD_PANES * self.size.height
        self._flooding = panes and self._panes_last_view
        self._panes_last_view = panes
        self._viewed_end = self._end
        laid_out = self._resize(Size(self._width, self._end - self._first_row))
        if self.follow:
            self._follow_end(after_layout=laid_out)
        else:
            self._update_subtitle()
        self.refresh()

    def _follow_end(self, *, after_layout: bool) -> None:
        """Bring the last row into view; again after the coming layout when one is due.

        When the log first overflows, the scroll bar appears only at the next layout, and until
        then the pane cannot scroll: scrolling now alone would leave the newest rows below.
        """
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        if after_layout:
            self.call_after_refresh(self._still_following)

    def _still_following(self) -> None:
        if self.follow:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def clear(self) -> None:
        """Forget every entry (a replay that starts over, or the user's "clear": the session's
        recording keeps everything)."""
        self._all_rows = None
        self._shown.clear()
        self._rows_cache.clear()
        self._strips.clear()
        self._last_time = None
        self._waiting_below = 0
        self._width = 0
        self.virtual_size = Size(0, 0)
        self.follow = True
        self._update_subtitle()
        self.refresh()

    def last_row(self) -> Row | None:
        """The newest row (None when the log is empty)."""
        if not self._shown:
            return None
        return self._rows_of(self._shown[-1])[-1]

    def rows(self) -> list[Row]:
        """The rows as shown (for tests and search): made on the first call, then kept and
        extended by later calls while the log only grows (search moves through them)."""
        first = self._first_row
        kept = self._all_rows
        if kept is None or kept[0] != first:
            kept = (first, first, [])
        _, upto, rows = kept
        if upto < self._end:
            new = islice(self._shown, bisect_left(self._shown, upto, key=_START), None)
            rows = rows + [row for shown in new for row in rows_for(shown.entry, self.options, shown.previous_time)]
        self._all_rows = (first, self._end, rows)
        return rows

    def _append(self, entries: list[LogEntry]) -> None:
        options, previous, end, width = self.options, self._last_time, self._end, self._width
        add = self._shown.append
        # A received line's size depends on its text alone while every stamp is as wide (off,
        # absolute) and controls are not shown: a flood's lines repeat (OK, WINDs, Reading), and
        # an explained one is wrapped to be measured.
        measured = self._measured if options.timestamps != "delta" and not options.show_controls else None
        for entry in entries:
            event = entry.event
            if measured is not None and event is not None and event.kind != DATA and entry.direction == RX:
                key = (entry.text, event.kind, event.continued, entry.explain)
                size = measured.get(key)
                if size is None:
                    if len(measured) >= MEASURED_LINES:
                        measured.clear()
                    size = measured[key] = measure(entry, options, previous)
                count, entry_width = size
            else:
                count, entry_width = measure(entry, options, previous)
            add(_new_shown((end, count, entry, previous)))
            end += count
            if entry_width > width:
                width = min(MAX_WIDTH, entry_width)
            previous = entry.time
        self._end, self._last_time, self._width = end, previous, width

    def _trim(self) -> None:
        shown = self._shown
        while len(shown) > 1 and (len(shown) > MAX_ENTRIES or self._end - shown[0].start > MAX_ROWS):
            self._rows_cache.pop(shown.popleft().start, None)

    def _resize(self, size: Size) -> bool:
        """Set the virtual size; without a screen layout when no scroll bar appears or goes
        (True when a layout is coming).

        ``virtual_size`` is a layout reactive: setting it re-arranges the whole screen, which a
        flood would do every frame. Growth that leaves the scroll bars as they are only needs the
        bars' extents and a repaint of this pane.
        """
        old = self.virtual_size
        view = self.container_size
        same_bars = (old.height > view.height) == (size.height > view.height) and (
            old.width > view.width) == (size.width > view.width)
        if not same_bars or not view:
            self.virtual_size = size
            return True
        self.set_reactive(UartLog.virtual_size, size)
        # What a layout would tell the bars; only a bar whose extent changed repaints.
        if size.height != old.height and self.show_vertical_scrollbar:
            # Following, the position moves with the extent: one change of the thumb, not two.
            _set_bar(self.vertical_scrollbar, virtual=size.height, position=self.max_scroll_y if self.follow else None)
        if size.width != old.width and self.show_horizontal_scrollbar:
            _set_bar(self.horizontal_scrollbar, virtual=size.width)
        self.scroll_y = self.validate_scroll_y(self.scroll_y)
        return False

    @property
    def _first_row(self) -> int:
        return self._shown[0].start if self._shown else self._end

    def _rows_of(self, shown: _Shown) -> list[Row]:
        rows = self._rows_cache.get(shown.start)
        if rows is None:
            if len(self._rows_cache) >= CACHED_ENTRIES:
                self._rows_cache.clear()
            rows = self._rows_cache[shown.start] = rows_for(shown.entry, self.options, shown.previous_time)
        return rows

    def _row(self, index: int) -> tuple[Row, _Shown] | None:
        """The row at ``index`` counted from the first row kept, and its entry; None past the end."""
        number = self._first_row + index
        if number >= self._end or index < 0:
            return None
        shown = self._shown[bisect_right(self._shown, number, key=_START) - 1]
        return self._rows_of(shown)[number - shown.start], shown

    # -- search -----------------------------------------------------------------------------

    def open_find(self) -> None:
        """Show the find bar and give it the focus (Ctrl+F)."""
        self.find_bar.add_class("-visible")
        focus_now(self.find_bar)  # before the next key: what is typed right after Ctrl+F is the text

    def close_find(self) -> None:
        self.find_bar.remove_class("-visible")

    def search(self, text: str) -> bool:
        """Highlight ``text`` and jump to its last occurrence; False when it is not found."""
        self._search = text
        self._strips.clear()
        self.refresh()
        return self._jump(backwards=True, start=self._end - self._first_row)

    def action_next_match(self) -> None:
        self._jump(backwards=False, start=int(self.scroll_y) + 1)

    def action_previous_match(self) -> None:
        self._jump(backwards=True, start=int(self.scroll_y))

    def _jump(self, *, backwards: bool, start: int) -> bool:
        if not self._search:
            return False
        if self._view_pending:
            self._update_view()  # the rows searched are all in the view's extent, or a jump falls short
        needle = self._search.lower()
        rows = self.rows()
        order = range(min(start, len(rows)) - 1, -1, -1) if backwards else range(start, len(rows))
        for index in order:
            if needle in rows[index].text.lower():
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

    def action_toggle_wrap(self) -> None:
        self._set_options(wrap=not self.options.wrap)

    def visible_rows(self) -> list[Row]:
        """The rows on screen now, top to bottom."""
        top = int(self.scroll_y)
        rows = (self._row(top + y) for y in range(self.scrollable_content_region.height))
        return [found[0] for found in rows if found is not None]

    def action_copy_view(self) -> None:
        """Copy the rows on screen (scroll, or search, to choose them)."""
        rows = self.visible_rows()
        if not rows:
            self.notify("nothing in view to copy", severity="warning")
            return
        self.app.copy_lines([row.text for row in rows], "the rows in view")  # type: ignore[attr-defined]

    # Home, Page Up and Up stop following at once, before their scroll moves the view. Textual
    # starts a key's scroll only after the next refresh (Home's is animated too): rows arriving
    # in between found the log still following, and its scroll to the end stopped Home's (which
    # jumps to the top) and jumped back to the end, where the log follows again: Home undone.
    def action_scroll_home(self) -> None:
        self._leave_the_end()
        super().action_scroll_home()

    def action_page_up(self) -> None:
        self._leave_the_end()
        super().action_page_up()

    def action_scroll_up(self) -> None:
        self._leave_the_end()
        super().action_scroll_up()

    def _leave_the_end(self) -> None:
        if self.allow_vertical_scroll and self.scroll_y > 0:
            self.follow = False

    def action_follow(self) -> None:
        """End: follow again, and show the end now (also when following already), from column 0."""
        self.follow = True
        self.scroll_to(x=0, animate=False, immediate=True)
        self._follow_end(after_layout=True)

    def on_resize(self) -> None:
        # Rows wrap to the pane: a new width re-measures them (the scroll bar's columns kept aside,
        # so a bar that comes or goes does not re-wrap everything).
        width = max(0, self.size.width - self.styles.scrollbar_size_vertical)
        if width != self.options.width:
            self._set_options(width=width)
        elif self.follow:
            self._follow_end(after_layout=True)

    def _set_options(self, **changes: Unpack[_OptionChanges]) -> None:
        self.options = replace(self.options, **changes)

    def watch_options(self) -> None:
        self._all_rows = None
        self._measured.clear()
        entries = [shown.entry for shown in self._shown]
        first = self._shown[0] if self._shown else None
        self._shown.clear()
        self._rows_cache.clear()
        self._strips.clear()
        self._end = self._width = 0
        self._last_time = first.previous_time if first else None
        self._append(entries)
        self._trim()
        self.virtual_size = Size(self._width, self._end - self._first_row)
        if self.follow:
            self._follow_end(after_layout=True)
        self._update_subtitle()
        self.refresh()

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self._waiting_below = 0
            self.scroll_end(animate=False, x_axis=False)
        self._update_subtitle()

    def watch_scroll_x(self, old: float, new: float) -> None:
        if self.show_horizontal_scrollbar:
            _set_bar(self.horizontal_scrollbar, position=new)
        if round(old) != round(new):
            self.refresh(self.size.region)

    def watch_scroll_y(self, old: float, new: float) -> None:
        # ScrollView's, but the bar repaints only when its thumb moves (following a flood, the
        # thumb sits at the bottom while the position changes every repaint).
        if self.show_vertical_scrollbar:
            _set_bar(self.vertical_scrollbar, position=new)
        if round(old) != round(new):
            self.refresh(self.size.region)
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
        flags += ["wrap"] if opts.wrap else []
        waiting = f"paused, +{self._waiting_below} rows below (End follows)" if not self.follow else ""
        self.border_subtitle = "  ".join(part for part in (waiting, " ".join(flags)) if part)

    # -- rendering --------------------------------------------------------------------------
    #
    # A following pane in a flood draws every row anew at each repaint (they all moved up), so a
    # row costs little: an ASCII row (nearly all of them) is one segment cut to the columns in
    # view; only other text goes through Rich for its cell widths. Strips are kept by row number
    # for the frames in which the rows only move.

    def _styles_for(self, base: Style) -> dict[str, Style]:
        """Each row style name's Rich style on the pane's ``base``, from the CSS component
        classes; made again only for a new base style or new component styles (the stylesheet
        gives the pane new ones when a theme or the CSS changes), not per row or per frame."""
        source = self.get_component_styles(MATCH)
        if self._row_styles_key != (base, source):
            styles = {name: base + self.get_component_rich_style(f"uart-log--{name}", partial=True)
                      for name in ROW_STYLES}
            styles[MATCH] = self.get_component_rich_style(MATCH, partial=True)
            self._row_styles, self._row_styles_key = styles, (base, source)
            self._strips.clear()
        return self._row_styles

    def render_lines(self, crop: Region) -> list[Strip]:
        # One look-up of the base style and the row styles per frame, not per row.
        self._base_style = self.rich_style
        self._frame_styles = self._styles_for(self._base_style)
        if self.follow and self.scroll_y < self.max_scroll_y:
            # A following log paints its end. The first overflow's layout can land after both of
            # _follow_end's tries on a loaded machine (seen: follow on, the view at row 0 with 60
            # rows below); catch it at the paint and scroll once more.
            self.call_later(self._still_following)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self._base_style or self.rich_style
        index = scroll_y + y
        number = self._first_row + index
        key = (number, scroll_x, width, base)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        found = self._row(index)
        if found is None:
            return Strip.blank(width, base)
        row, shown = found
        styles = self._frame_styles if base is self._base_style else self._styles_for(base)
        style = styles.get(row.style, base)
        text = row.text
        if not self._search and one_cell_each(text[:scroll_x + width]):
            # One cell a character (rows are made through ``visible``: no controls in them).
            piece = text[scroll_x:scroll_x + width]
            segments = [Segment(piece, style)] if piece else []
            if len(piece) < width:
                segments.append(Segment(" " * (width - len(piece)), base))
            strip = Strip(segments, width)
        else:
            strip = self._rich_strip(text, style, styles[MATCH], base, scroll_x, width)
        if shown.entry is not self._partial:  # the line still arriving changes under its row number
            if len(self._strips) >= CACHED_STRIPS:
                self._strips.clear()
            self._strips[key] = strip
        return strip

    def _rich_strip(self, text: str, style: Style, match: Style, base: Style, scroll_x: int, width: int) -> Strip:
        """A row through Rich: wide characters take two cells, zero-width ones none; matches of
        the search are highlighted."""
        # Only the columns in view are rendered: a payload row can be thousands of columns wide.
        shown = _covering(text, scroll_x + width + len(self._search))
        # The pane's style under the row's: its background on the text too (no band behind it).
        # A span, not ``Text(style=)``: ``Text.render`` drops the text's own style when it has none.
        rich_text = Text(shown, no_wrap=True, end="")
        rich_text.stylize(style)
        if self._search:
            rich_text.highlight_words([self._search], match, case_sensitive=False)
        segments = list(rich_text.render(self.app.console))
        if scroll_x:
            # A row shorter than the scroll offset has nothing in view (crop, unlike divide, says so).
            segments = list(Strip(segments).crop(scroll_x, scroll_x + width))
        # One Strip per row (each one costs its caches): cut and pad the segments first.
        return Strip(Segment.adjust_line_length(segments, width, style=base), width)


class LogFindBar(Input):
    """A UART log's find bar: Enter finds the text in the log (its last occurrence; n and N in
    the log go to the next and the previous), then the bar closes and the log has the focus."""

    DEFAULT_CSS = """
    LogFindBar { display: none; }
    LogFindBar.-visible { display: block; }
    """

    def __init__(self, log: UartLog, *, id: str | None = None) -> None:
        super().__init__(placeholder="find in log (Enter; n/N in the log for next/previous)", id=id)
        self._log = log

    @on(Input.Submitted)
    def _find(self, event: Input.Submitted) -> None:
        event.stop()
        found = self._log.search(event.value)
        self._log.close_find()
        if not found:
            self.notify(f"not found: {event.value}", severity="warning")  # the app shows it as text
        focus_now(self._log)


def _set_bar(bar: ScrollBar, *, virtual: int | None = None, position: float | None = None) -> None:
    """Give ``bar`` a new extent or position; it repaints only when its thumb is drawn elsewhere."""
    new_virtual = bar.window_virtual_size if virtual is None else virtual
    new_position = bar.position if position is None else bar.validate_position(position)
    if _thumb(bar, new_virtual, new_position) == _thumb(bar, bar.window_virtual_size, bar.position) is not None:
        bar.set_reactive(ScrollBar.window_virtual_size, new_virtual)
        bar.set_reactive(ScrollBar.position, new_position)
    else:
        bar.window_virtual_size = new_virtual
        bar.position = new_position


def _thumb(bar: ScrollBar, virtual: int, position: float) -> tuple[int, int] | None:
    """Where ``bar`` draws its thumb, in eighths of a cell (``ScrollBarRender.render_bar``'s
    arithmetic); None when the bar has no size yet."""
    size = bar.size.height if bar.vertical else bar.size.width
    if not size:
        return None
    window = ceil(bar.window_size if bar.window_size < virtual else 0)
    virtual = ceil(virtual)
    if not (window and virtual and size != virtual):
        return (0, 0)
    thumb = max(1, window / (virtual / size))
    start = int((size - thumb) * (position / (virtual - window)) * 8)
    return start, start + ceil(thumb * 8)


def _covering(text: str, cells: int) -> str:
    """The shortest prefix of ``text`` worth rendering to fill ``cells`` columns (all of it when
    it is shorter): zero-width characters may need more characters than columns."""
    cut = max(cells, 1)
    while cut < len(text) and cell_len(text[:cut]) < cells:
        cut *= 2
    return text[:cut]
