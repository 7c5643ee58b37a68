"""The key help overlay (``?`` or F1): every key the focused pane and the app answer to, at any size.

The footer has room for a few keys (none for the replay's at 80 columns); this lists all of them,
the hidden ones too, grouped by who answers them (the focused pane first), in a scrolling box
that fits any terminal. Esc, ``?``, F1 or ``q`` close it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class KeysHelp(ModalScreen[None]):
    """A modal list of ``(group, [(key, what it does)])``."""

    BINDINGS = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, groups: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self._groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="keys-help"):
            yield Static(self._text(), id="keys-help-text")

    def on_mount(self) -> None:
        box = self.query_one("#keys-help")
        box.border_title = "Keys (Esc closes)"
        box.focus()

    def _text(self) -> Text:
        # Built as Text, never markup: descriptions come from the app, but a keymap is the user's.
        text = Text()
        for title, keys in self._groups:
            if text:
                text.append("\n")
            text.append(title + "\n", style="bold")
            width = max((len(key) for key, _ in keys), default=0)
            for key, description in keys:
                text.append(f"  {key:<{width}}  ", style="bold")
                text.append(description + "\n")
        return text

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
