"""Moving the focus at once, for actions bound to keys.

Textual's ``Widget.focus()`` only schedules the change for after the messages already queued, so
keys that arrive right behind F4, F6 or Ctrl+F (a fast typist, a paste, typeahead over SSH) would
still go to the widget that had the focus: a certificate path typed after F4 was sent to the
module as a command. ``Screen.set_focus`` changes it before the next key is handled.
"""

from __future__ import annotations

from textual.widget import Widget


def focus_now(widget: Widget) -> None:
    """Give ``widget`` the focus before the next queued key is dispatched."""
    widget.screen.set_focus(widget)
