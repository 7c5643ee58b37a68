"""Pick a file (Tera Term's File > Send): the builder gets ``@PATH`` with the length computed later."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Label


class FilePicker(ModalScreen[Path | None]):
    """A directory tree from the current directory; Enter on a file picks it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(self, start: Path | None = None, title: str = "Pick a file (Esc cancels)") -> None:
        super().__init__()
        self._start = start or Path.cwd()
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="file-picker"):
            yield Label(self._title, markup=False)
            yield DirectoryTree(self._start, id="file-tree")

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        if self.is_current:  # a second Enter queued before the picker closed: nothing more to pick
            self.dismiss(event.path)

    def action_cancel(self) -> None:
        if self.is_current:
            self.dismiss(None)
