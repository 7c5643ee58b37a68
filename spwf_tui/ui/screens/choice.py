"""A modal question with a few answers as buttons (Esc: the last, "cancel"-like one)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class Choice(ModalScreen[str | None]):
    """Ask ``question``; dismissed with the key of the answer picked, None on Esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel")]

    def __init__(self, question: str, answers: dict[str, str]) -> None:
        """``answers``: key -> button label, in the order shown; the first has the focus."""
        super().__init__()
        self._question = question
        self._answers = answers

    def compose(self) -> ComposeResult:
        with Vertical(id="choice"):
            yield Label(self._question, markup=False, id="choice-question")
            with Horizontal(id="choice-answers"):
                for key, label in self._answers.items():
                    yield Button(label, id=f"choice-{key}")

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self._answer((event.button.id or "").removeprefix("choice-"))

    def action_cancel(self) -> None:
        self._answer(None)

    def _answer(self, answer: str | None) -> None:
        # A second Enter or Esc queued before the dialog closed must not pop the screen below it.
        if self.is_current:
            self.dismiss(answer)
