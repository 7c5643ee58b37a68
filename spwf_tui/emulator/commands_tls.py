"""Certificate commands: TLSCERT (sockets) and WPAECERT (WPA-Enterprise), same forms.

``<kind>,<len>`` + data stores a CA / own certificate / key / CA key id; ``content,1`` lists what
is stored, ``content,2`` erases it. Keywords are case-insensitive (``Ca``, ``Auth``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spwf_tui.core.certs.loading import colon_hex
from spwf_tui.emulator.dispatch import Call, Handler, parse_uint
from spwf_tui.emulator.error_codes import ERR_INVALID, ERR_TOO_BIG, ERR_ZERO
from spwf_tui.emulator.replies import CommandError, Reply
from spwf_tui.emulator.tlsstore import KINDS, SIZE_LIMITS, TlsStore

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule


_LIST_LABELS = (("CA", "ca"), ("Cert", "cert"), ("Key", "key"), ("Id", "auth"))


def _length(module: EmulatedModule, call: Call) -> int:
    """Header check: kind known (7), length > 0 (33) and within the kind's limit (32)."""
    kind = call.arg(0).lower()
    if kind == "content":
        return 0
    if kind not in KINDS:
        raise CommandError(ERR_INVALID)
    length = parse_uint(call.arg(1))
    if length == 0:
        raise CommandError(ERR_ZERO)
    if length > SIZE_LIMITS[kind]:
        raise CommandError(ERR_TOO_BIG)
    return length


def _runner(store_of: str) -> Handler:
    def run(module: EmulatedModule, call: Call, reply: Reply) -> None:
        store: TlsStore = getattr(module, store_of)
        kind = call.arg(0).lower()
        if kind == "content":
            _content(store, call.arg(1), reply)
            return
        ski = store.put(kind, call.payload)
        if kind == "ca":
            if ski is None:
                reply.line("No SubjectKeyId")
            else:
                reply.line("SubjectKeyId", colon_hex(ski))

    return Handler(run=run, payload_length=_length)


def _content(store: TlsStore, option: str, reply: Reply) -> None:
    choice = parse_uint(option)
    if choice == 1:
        reply.line("List")
        for label, kind in _LIST_LABELS:
            reply.line(label, int(store.has(kind)))
    elif choice == 2:
        store.clean()
        reply.line("Clean")
    else:
        raise CommandError(ERR_INVALID)


HANDLERS: dict[str, Handler] = {
    "TLSCERT": _runner("tls"),
    "WPAECERT": _runner("wpae"),
}
