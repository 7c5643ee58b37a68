"""The command builder: an input with AT completion, live syntax help, history and payload preview.

Completion comes from ``core.completion`` (the REPL wraps the same function). Tab completes (the
common prefix of several candidates, which are listed in the hint line); the ghost suggestion is
accepted with →. Up/Down browse the history by prefix, Ctrl+R searches it. When the line carries a
payload source, the hint line starts with the exact line and byte count that will go out (before
the syntax help, which a narrow screen cuts). A line that would repeat the seed thread's mistake
(``auth`` as hex text, ``core.authcheck``) gets a warning row above the input, naming the fix.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static

from spwf_tui.core import authcheck
from spwf_tui.core.completion import Completion, ModuleFacts, complete
from spwf_tui.core.display import preview_bytes
from spwf_tui.core.payload import Outgoing, PayloadError
from spwf_tui.pathnames import complete_path
from spwf_tui.session.paste_queue import is_multi_line
from spwf_tui.ui.history import History


class _CompletionSuggester(Suggester):
    """Ghost text: what Tab would insert (the one candidate, or the common prefix of several).

    Not the first of several: ``AT+S.SO`` showed ``AT+S.SOCKL`` in grey, which read as the
    completion Tab makes, when Tab inserts ``AT+S.SOCK`` and lists the twelve.
    """

    def __init__(self, facts: Callable[[], ModuleFacts | None]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._facts = facts

    async def get_suggestion(self, value: str) -> str | None:
        result = complete(value, facts=self._facts())
        if not result.candidates:
            return None
        suggestion = value[:result.start] + os.path.commonprefix([c.text for c in result.candidates])
        return suggestion if suggestion != value and suggestion.lower().startswith(value.lower()) else None


CURSOR_REST = 10.0
"""Seconds without a key after which the builder's cursor stops blinking (it shows steady)."""


class CommandInput(Input):
    """The input line; keys for completion and history."""

    BINDINGS = [
        Binding("tab", "complete", "Complete", priority=True, id="builder.complete"),
        Binding("up", "history_older", "History", show=False, id="builder.older"),
        Binding("down", "history_newer", "History", show=False, id="builder.newer"),
        Binding("ctrl+r", "history_search", "Search history", id="builder.search"),
    ]

    @property
    def content_width(self) -> int:
        """At least the visible width.

        ``Input`` sets its virtual size to this on every change of the value, and a new virtual
        size lays out the whole screen: every key typed repainted the log pane too (the
        keystroke benchmark's p99 under a flood). While the line fits, the size stays put and a
        key repaints only this line; a longer line scrolls.
        """
        return max(super().content_width, self.content_size.width)

    def on_mount(self) -> None:
        self._cursor_rested = False
        self._rest_timer = self.set_interval(CURSOR_REST, self._rest_cursor)

    def _rest_cursor(self) -> None:
        """Stop blinking after ``CURSOR_REST`` seconds without a key: each blink repaints the
        screen, twice a second, which is most of what an idle TUI costs."""
        if self.cursor_blink:
            self.cursor_blink = False
            self._cursor_rested = True

    def _wake_cursor(self) -> None:
        if self._cursor_rested:  # only a rest of ours ends here (a blink turned off stays off)
            self._cursor_rested = False
            self.cursor_blink = True
        self._rest_timer.reset()

    async def _on_key(self, event: events.Key) -> None:
        """Run this input's own key bindings (Ctrl+U, Enter, ←...) here, in typing order.

        Textual looks up a focused widget's non-priority bindings only once the key has bubbled
        up to the App, and by then the letters typed after it were already inserted: ``AT``,
        Ctrl+U, ``XY`` typed in one burst cleared the line after ``XY`` went in. Handled here,
        a control key acts before the keys that follow it.
        """
        self._wake_cursor()
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()  # not again in Input's handler or the App's lookup
                return

    def _on_paste(self, event: events.Paste) -> None:
        """Several lines pasted become a queue (the app sends them one reply at a time);
        Textual's Input would keep the first line and drop the rest."""
        text = self.value[:self.cursor_position] + event.text + self.value[self.cursor_position:]
        if not is_multi_line(text):
            return  # Input._on_paste (next in the MRO) inserts the line
        event.stop()
        event.prevent_default()
        self.value = ""
        self.post_message(CommandBuilder.Pasted(text))

    def _builder(self) -> CommandBuilder:
        assert isinstance(self.parent, CommandBuilder)
        return self.parent

    def action_complete(self) -> None:
        self._builder().complete_at_cursor()

    def action_history_older(self) -> None:
        self._builder().history_older()

    def action_history_newer(self) -> None:
        self._builder().history_newer()

    def action_history_search(self) -> None:
        self._builder().history_search()


class CommandBuilder(Vertical):
    """Hint line plus the command input."""

    class Submitted(Message):
        """The user pressed Enter on a command line."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class Pasted(Message):
        """Several lines were pasted into the input (what was typed before included)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, facts: Callable[[], ModuleFacts | None],
                 prepare: Callable[[str], Outgoing], history: History | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self._facts = facts
        self._prepare = prepare
        self.history = history or History()
        self._search_hit: int | None = None
        self._search_text = ""
        self._kept_hint: tuple[str, str] | None = None
        """(line, hint): a hint that the change event of ``line`` keeps (Tab's list, Ctrl+R's hit)."""
        self._shown_hint = ""
        self._shown_warning = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="builder-warning", markup=False)
        yield Static("", id="builder-hint", markup=False)
        # No select-all on focus: a line put here (a socket's SOCKW) is finished by typing after
        # it, and a selection would make the first key replace it.
        yield CommandInput(placeholder='AT command — Tab completes; payloads: @FILE hex:.. ski:FILE "text"',
                           suggester=_CompletionSuggester(self._facts), id="builder-input",
                           select_on_focus=False)

    @property
    def input(self) -> CommandInput:
        return self.query_one(CommandInput)

    def set_line(self, line: str) -> None:
        """Put ``line`` in the input, cursor at the end."""
        self.input.value = line
        self.input.cursor_position = len(line)
        self.input.focus()

    # -- completion -------------------------------------------------------------------------

    def complete_at_cursor(self) -> None:
        """Tab: complete the token at the cursor."""
        field = self.input
        if field.cursor_position == 0 and field.value:
            # Seen under load: text arrives before the cursor catches up. Completing at
            # position 0 would prepend "AT" to the line; complete at its end instead.
            field.cursor_position = len(field.value)
        result = complete(field.value, field.cursor_position, self._facts())
        if result.wants_path is not None:
            self._complete_path(result)
            return
        texts = [c.text for c in result.candidates]
        if not texts:
            self._show_hint(result)
            return
        common = os.path.commonprefix(texts) if len(texts) > 1 else texts[0]
        token = field.value[result.start:field.cursor_position]
        if len(common) >= len(token):
            new = field.value[:result.start] + common + field.value[field.cursor_position:]
            field.value = new
            field.cursor_position = result.start + len(common)
        if len(texts) > 1:
            self._keep_hint(f"{len(texts)} candidates: " + "  ".join(texts[:30]))

    def _complete_path(self, result: Completion) -> None:
        field = self.input
        partial = result.wants_path or ""
        found = complete_path(partial)
        names, stem, common = found.names, found.stem, found.common
        if not names:
            self._hint(f"no file matches {partial or './'}")
            return
        prefix_text = partial[: len(partial) - len(stem)] or "./"
        value = field.value[:field.cursor_position]
        value = value[: len(value) - len(stem)] + common
        field.value = value + field.value[field.cursor_position:]
        field.cursor_position = len(value)
        if len(names) > 1:
            self._keep_hint(f"files in {prefix_text}: " + "  ".join(names[:30]))

    # -- history ----------------------------------------------------------------------------

    def history_older(self) -> None:
        """Up: the previous history line with the typed prefix."""
        line = self.history.older(self.input.value)
        if line is not None:
            self.set_line(line)

    def history_newer(self) -> None:
        """Down: the next history line."""
        line = self.history.newer()
        if line is not None:
            self.set_line(line)

    def history_search(self) -> None:
        """Ctrl+R: the newest (then older) history line containing what was typed."""
        typed = self.input.value
        hit = self.history.search(typed if self._search_hit is None else self._search_text, self._search_hit)
        if self._search_hit is None:
            self._search_text = typed
        if hit is None:
            self._hint(f"history: nothing more contains {self._search_text!r}" if self._search_text
                       else "history: no older lines")
            return
        self._search_hit, line = hit
        self.set_line(line)
        what = f"containing {self._search_text!r}" if self._search_text else "newest first"
        self._keep_hint(f"history search {what}: Ctrl+R older, Enter sends, typing edits")

    def _keep_hint(self, text: str) -> None:
        """Show ``text`` now and keep it through the change event the current line makes: that
        event repaints the hint with the syntax help, and Ctrl+R seemed to do nothing until a
        key was typed, Tab's list of candidates vanished at once."""
        self._kept_hint = (self.input.value, text)
        self._hint(text)

    # -- events -----------------------------------------------------------------------------

    @on(Input.Changed, "#builder-input")
    def _changed(self, event: Input.Changed) -> None:
        if self.input.has_focus:
            self._search_hit = None if not event.value else self._search_hit
        if self._kept_hint is not None and event.value == self._kept_hint[0]:
            preview, warning = self._preview(event.value)
            self._hint("   ".join(filter(None, [preview, self._kept_hint[1]])))
            self._warn(warning)
            return
        self._kept_hint = None
        self._show_hint(complete(event.value, self.input.cursor_position, self._facts()))

    @on(Input.Submitted, "#builder-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        line = event.value.strip()
        if not line:
            return
        self.history.add(line)
        self._search_hit = None
        self.input.value = ""
        self.post_message(self.Submitted(line))

    def _show_hint(self, result: Completion) -> None:
        # What will go out comes first: the syntax help after it is what a narrow screen cuts.
        preview, warning = self._preview(self.input.value)
        parts = [preview] if preview else []
        if result.hint:
            parts.append(result.hint.text)
        elif result.candidates and self.input.value.strip():
            first = result.candidates[0]
            more = f"  (+{len(result.candidates) - 1} more, Tab)" if len(result.candidates) > 1 else ""
            parts.append(f"{first.text} — {first.meta}{more}")
        self._hint("   ".join(parts))
        self._warn(warning)

    @property
    def ca_file(self) -> str | None:
        """The CA file the session uploaded, named in the fix of a warning."""
        return getattr(self._facts(), "ca_file", None)

    def _preview(self, line: str) -> tuple[str, str]:
        """(the exact-bytes preview, a warning) for ``line``; either may be empty."""
        if not any(marker in line for marker in ("@", "hex:", "ski:", '"')):
            return "", authcheck.announced(line, self.ca_file) or ""
        try:
            outgoing = self._prepare(line)
        except PayloadError as exc:
            return f"✗ {exc}", ""
        if outgoing.payload is None:
            return "", authcheck.announced(outgoing.line, self.ca_file) or ""
        warning = authcheck.check(outgoing.line, outgoing.payload, self.ca_file) or ""
        return f"→ sends {outgoing.line} + {len(outgoing.payload)} bytes: {preview_bytes(outgoing.payload)}", warning

    def _warn(self, text: str) -> None:
        """The warning row: shown (wrapped, above the input) only while there is a warning."""
        shown = f"⚠ {text}" if text else ""
        if shown == self._shown_warning:
            return
        self._shown_warning = shown
        row = self.query_one("#builder-warning", Static)
        row.update(shown)
        row.set_class(bool(text), "-visible")

    def _hint(self, text: str) -> None:
        if text == self._shown_hint:
            return
        self._shown_hint = text
        # One row of fixed height: a layout would repaint the whole screen on every key typed,
        # the log pane included (the keystroke benchmark's p99).
        self.query_one("#builder-hint", Static).update(text, layout=False)
