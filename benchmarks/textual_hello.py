"""The first-frame baseline of benchmark 4: Textual's smallest app (one ``Static``).

Its first frame is what the framework alone costs on this machine: the floor under
``spwf-tui``'s own (``first_frame_textual_hello_s`` next to ``first_frame_s``).
"""

from textual.app import App, ComposeResult
from textual.widgets import Static

WORD = "textual-hello-frame"
"""What the frame shows (the benchmark waits for it)."""


class Hello(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(WORD)


if __name__ == "__main__":
    Hello().run()
