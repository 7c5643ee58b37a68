"""The escape sequence of each style's look on the REPL's terminal, as prompt-toolkit writes it.

``repl/rendered.py`` writes a batch of lines as one string with the looks in it, instead of
handing prompt-toolkit a list of fragments to walk (per fragment a style look-up, three
replacements and a buffered write). The sequences are prompt-toolkit's own for the style and
the terminal's colour depth (``NO_COLOR``, ``PROMPT_TOOLKIT_COLOR_DEPTH``), asked for once through
its public output API on a throw-away output that writes to a string: the REPL looks the same
either way.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from prompt_toolkit.data_structures import Size
from prompt_toolkit.output.vt100 import Vt100_Output
from prompt_toolkit.styles import BaseStyle

from spwf_tui.core.present import styles


def terminal_looks(output: Vt100_Output, style: BaseStyle) -> tuple[dict[str, str], str]:
    """For every style name (``core/present/styles.LOOKS``) the sequence that starts its look
    (each one complete: it resets the look before it), and the sequence that resets the look."""
    depth = output.get_default_color_depth()

    def written(act: Callable[[Vt100_Output], object]) -> str:
        text = io.StringIO()
        capture = Vt100_Output(text, lambda: Size(rows=24, columns=80), default_color_depth=depth)
        act(capture)
        capture.flush()
        return text.getvalue()

    def start(name: str) -> str:
        return written(lambda out: out.set_attributes(style.get_attrs_for_style_str(f"class:{name}"), depth))

    starts = {name: start(name) for name in styles.LOOKS}
    return starts, written(lambda out: out.reset_attributes())
