"""Which exceptions are user mistakes, and the one line to show for each."""

from __future__ import annotations


class UserError(Exception):
    """A mistake the user can fix; the message is the one line they see."""


def user_message(exc: BaseException) -> str | None:
    """The message for a user-facing error, or None for a bug (which keeps its traceback)."""
    from spwf_tui.config import ConfigError
    from spwf_tui.core.certs.loading import CertificateError
    from spwf_tui.core.payload import PayloadError
    from spwf_tui.transport.errors import PortError
    from spwf_tui.transport.settings import SettingsError

    if isinstance(exc, (UserError, ConfigError, PayloadError, PortError, SettingsError, CertificateError)):
        return str(exc)
    return None
