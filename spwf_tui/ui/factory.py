"""The one place a TUI is built from a session and the user's configuration.

The CLI (``spwf-tui PORT``), ``spwf-tui replay`` and the snapshot tests all build the app here, so
a setting (the ``[keys]`` keymap, ``timestamps``, ``paste_delay_ms``) reaches a replay exactly as
it reaches a live session.
"""

from __future__ import annotations

from spwf_tui.config import Config
from spwf_tui.session.frontend import FrontSession
from spwf_tui.ui.app import SpwfApp


def build_app(session: FrontSession, config: Config, *, steady_gc: bool = False) -> SpwfApp:
    """The app on ``session`` (live or a replay), set up as ``config`` says.

    ``steady_gc``: tune the process's collector once mounted; the CLI asks for it, tests (many
    apps in one process) do not.
    """
    return SpwfApp(session, timestamps=config.timestamps, keymap=config.keys, steady_gc=steady_gc,
                   paste_delay_ms=config.paste_delay_ms)


def run_app(session: FrontSession, config: Config) -> int:
    """Run the TUI on ``session`` until the user quits; the exit status.

    Textual reports an exception in the app (after printing it) as return code 1: a crash must
    not look like a clean quit to the shell or a script.
    """
    app = build_app(session, config, steady_gc=True)
    app.run()
    return app.return_code or 0
