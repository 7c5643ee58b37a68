"""Ghost completion of file paths for path inputs (accepted with →), from ``pathnames``."""

from __future__ import annotations

from textual.suggester import Suggester

from spwf_tui.pathnames import complete_path


class PathSuggester(Suggester):
    """Suggests the first existing file or directory that extends the typed path."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        found = complete_path(value)
        return value + found.names[0][len(found.stem):] if found.names else None
