"""``labgrid://PLACE``: a board in a labgrid lab, through its coordinator (docs/architecture.md §13.1).

labgrid (PyPI ``labgrid``, an optional extra) runs the lab: a coordinator knows the places (a
board and its resources); an exporter on each host publishes the host's serial ports through
ser2net, one RFC 2217 server per port, started when a place using the port is acquired. For
``labgrid://PLACE`` the transport asks ``acquire`` for a ``PlaceLease``: it connects to the
coordinator (``--coordinator HOST:PORT``, else ``LG_COORDINATOR``, else labgrid's default
127.0.0.1:20408), acquires the place unless the user holds it already, and finds the place's
``NetworkSerialPort``. The transport then opens ``rfc2217://HOST:PORT`` like any other RFC 2217
port (the same block reader and ser2net workaround) and, when it closes, ``release`` gives the
place back only if this lease acquired it.

Every failure is a ``LabError`` (a ``PortError``) with one line for the user. labgrid is
imported here only, and only when a ``labgrid://`` port is used, so the rest of the tool does
not need it. Its client is asyncio and gRPC based; each conversation runs on a private thread
with its own event loop, so it cannot meet the Textual or prompt-toolkit loop of the caller.
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import os
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from spwf_tui.transport.errors import PortError
from spwf_tui.transport.urls import LAB_SCHEME as SCHEME
from spwf_tui.transport.urls import is_lab_port
from spwf_tui.transport.urls import is_place_pattern as is_pattern

_Client = Any
"""labgrid's ``ClientSession`` (labgrid has no type information)."""
_T = TypeVar("_T")

DEFAULT_COORDINATOR = "127.0.0.1:20408"
"""labgrid's own default when neither ``--coordinator`` nor ``LG_COORDINATOR`` names one."""
CONNECT_TIMEOUT = 10.0
"""Seconds to reach the coordinator and hear back before saying it is unreachable."""
PORT_TIMEOUT = 10.0
"""Seconds to wait, after acquiring, for the exporter to publish its ser2net port."""
INSTALL_HINT = "pip install 'spwf-tui[lab]'"
_PLACE_NAME = re.compile(r"[A-Za-z0-9_.:+*?\[\]-]{1,128}")
"""What a place name (or a pattern of names) may hold: labgrid's names plus glob characters."""


class LabError(PortError):
    """The lab cannot give the port: labgrid missing, coordinator unreachable, place unknown,
    held by someone else, or without a serial port. ``str()`` is the line for the user."""


def place_of(port: str) -> str:
    """The place (or pattern) a ``labgrid://`` port names.

    Raises:
        LabError: nothing or something that is not a place name after ``labgrid://``.
    """
    name = port[len(SCHEME):].rstrip("/")
    if not _PLACE_NAME.fullmatch(name):
        raise LabError(f"{port}: name a place after labgrid:// (e.g. labgrid://bench-1; "
                       "labgrid-client places lists them)")
    return name


def coordinator_address(explicit: str | None = None) -> str:
    """Where the coordinator is: ``--coordinator``, else ``LG_COORDINATOR``, else labgrid's default.

    Raises:
        LabError: the address is not ``HOST:PORT`` with a port number.
    """
    address = (explicit or os.environ.get("LG_COORDINATOR") or DEFAULT_COORDINATOR).strip()
    host, sep, port = address.rpartition(":")
    if not sep:
        host, port = address, "20408"  # labgrid's convention: the port may be left out
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise LabError(f"coordinator address {address!r} is not HOST:PORT (e.g. --coordinator lab:20408)")
    return f"{host}:{port}"


@dataclass(frozen=True)
class PlaceInfo:
    """A place as the coordinator lists it."""

    name: str
    acquired: str | None
    """``host/user`` of whoever holds it, None when free."""
    serial_ports: tuple[str, ...] = ()
    """``rfc2217://HOST:PORT`` of its published serial ports ("" when ser2net is not running)."""


@dataclass
class PlaceLease:
    """A place this process uses; ``release`` gives it back if this lease acquired it."""

    place: str
    coordinator: str
    url: str
    """``rfc2217://HOST:PORT`` of the place's serial port."""
    acquired_here: bool
    """True when this lease acquired the place (False: the user held it already)."""
    _released: bool = field(default=False, repr=False)

    def release(self) -> None:
        """Release the place if this lease acquired it; idempotent, never raises (the session
        is ending: a failure is reported on stderr-free terms by the place staying held)."""
        if self._released or not self.acquired_here:
            return
        self._released = True
        try:
            _converse(self.coordinator, lambda client: _release(client, self.place))
        except LabError:
            pass  # coordinator gone meanwhile: nothing here can release it any more


def acquire(port: str, coordinator: str | None = None) -> PlaceLease:
    """Acquire the place ``port`` names (or use it when the user holds it) and find its serial port.

    Raises:
        LabError: see the class; the message names the place and what to do.
    """
    place = place_of(port)
    if is_pattern(port):
        raise LabError(f"{port} names several places: only spwf-tui run takes a pattern; "
                       "name one place here (e.g. labgrid://bench-1)")
    address = coordinator_address(coordinator)
    return _converse(address, lambda client: _acquire(client, address, place))


def list_places(coordinator: str | None = None, pattern: str = "*") -> list[PlaceInfo]:
    """The places whose names match the glob ``pattern``, sorted by name.

    Raises:
        LabError: labgrid missing or the coordinator unreachable.
    """
    address = coordinator_address(coordinator)
    return _converse(address, lambda client: _places(client, pattern))


def expand(port: str, coordinator: str | None = None) -> list[str]:
    """``labgrid://bench-*`` as the ``labgrid://`` ports of the places it matches.

    Raises:
        LabError: the pattern matches no place (the message lists those there are).
    """
    pattern = place_of(port)
    address = coordinator_address(coordinator)
    everything = list_places(address)
    found = [p.name for p in everything if fnmatch.fnmatchcase(p.name, pattern)]
    if not found:
        names = ", ".join(p.name for p in everything) or "none"
        raise LabError(f"{port}: matches no place on the coordinator at {address} (places: {names})")
    return [f"{SCHEME}{name}" for name in found]


# -- the conversation with the coordinator ----------------------------------------------------


def _converse(address: str, talk: Callable[[_Client], Awaitable[_T]]) -> _T:
    """Run ``talk(client)`` (a coroutine function) against the coordinator on a private thread."""
    try:
        from labgrid.remote.client import ClientSession  # noqa: F401 - only to see it is there
    except ImportError:
        raise LabError(f"labgrid:// ports need labgrid, which is not installed: {INSTALL_HINT}") from None
    values: list[_T] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def thread_main() -> None:
        try:
            values.append(asyncio.run(_session(address, talk)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            errors.append(exc)
        finally:
            done.set()

    quiet = _Quiet()
    logging.getLogger().addHandler(quiet)  # labgrid logs a traceback when the coordinator is gone
    try:
        worker = threading.Thread(target=thread_main, name="labgrid client")
        worker.start()
        # An Event, not join: a join interrupted by a signal marks the thread as ended while it
        # still runs (CPython, bpo-45274's fix), so a second join would not wait.
        try:
            done.wait()
        except BaseException:
            # Ctrl+C or SIGTERM while the coordinator answers: let the conversation end, and
            # give back a place it acquired for a caller that will never get the lease.
            done.wait()
            for value in values:
                if isinstance(value, PlaceLease):
                    value.release()
            raise
        worker.join()
    finally:
        logging.getLogger().removeHandler(quiet)
    if errors:
        raise _as_lab_error(errors[0], address)
    return values[0]


async def _session(address: str, talk: Callable[[_Client], Awaitable[_T]]) -> _T:
    from labgrid.remote.client import ClientSession

    client = ClientSession(address, asyncio.get_running_loop())
    try:
        try:
            await asyncio.wait_for(client.start(), CONNECT_TIMEOUT)
        except (asyncio.TimeoutError, Exception) as exc:  # noqa: BLE001 - every way of not getting through
            raise LabError(f"cannot reach the labgrid coordinator at {address} "
                           f"(is labgrid-coordinator running there? set LG_COORDINATOR or --coordinator)") from exc
        return await talk(client)
    finally:
        try:
            await client.stop()
        except Exception:  # noqa: BLE001 - the stream may never have started
            pass
        await client.close()


def _as_lab_error(exc: BaseException, address: str) -> LabError:
    if isinstance(exc, LabError):
        return exc
    return LabError(f"the labgrid coordinator at {address} failed: {type(exc).__name__}: {exc}")


class _Quiet(logging.Handler):
    """Swallows labgrid's log records while it talks (a handler on root keeps Python's
    last-resort handler from printing them, tracebacks included, on the user's terminal)."""

    def emit(self, record: logging.LogRecord) -> None:
        pass


def _me(client: _Client) -> str:
    return f"{client.gethostname()}/{client.getuser()}"


async def _places(client: _Client, pattern: str) -> list[PlaceInfo]:
    return [_info(client, place) for name, place in sorted(client.places.items())
            if fnmatch.fnmatchcase(name, pattern)]


def _info(client: _Client, place: Any) -> PlaceInfo:
    ports = []
    for exporter, groups in client.resources.items():
        for group_name, group in groups.items():
            for resource_name, resource in group.items():
                if resource.cls == "NetworkSerialPort" and place.hasmatch((exporter, group_name, resource.cls,
                                                                            resource_name)):
                    ports.append(_url(resource) or "")
    return PlaceInfo(place.name, place.acquired or None, tuple(ports))


async def _acquire(client: _Client, address: str, name: str) -> PlaceLease:
    place = client.places.get(name)
    if place is None:
        names = ", ".join(sorted(client.places)) or "none"
        raise LabError(f"labgrid://{name}: no such place on the coordinator at {address} (places: {names}; "
                       f"create it with labgrid-client -p {name} create)")
    acquired_here = False
    if place.acquired and place.acquired != _me(client):
        raise LabError(f"labgrid://{name}: the place is held by {place.acquired} (ask them to release it: "
                       f"labgrid-client -p {name} release)")
    if not place.acquired:
        await _acquire_place(client, name)
        acquired_here = True
    try:
        url = await _serial_url(client, address, name)
    except BaseException:
        if acquired_here:
            await _release(client, name)  # nothing half-done: the place goes back as it was
        raise
    return PlaceLease(name, address, url, acquired_here)


async def _acquire_place(client: _Client, name: str) -> None:
    import grpc
    from labgrid.remote.generated import labgrid_coordinator_pb2 as pb

    try:
        await client.stub.AcquirePlace(pb.AcquirePlaceRequest(placename=name))
    except grpc.aio.AioRpcError as exc:
        await client.sync_with_coordinator()
        holder = client.places[name].acquired if name in client.places else None
        if holder:  # someone was quicker
            raise LabError(f"labgrid://{name}: the place is held by {holder} (ask them to release it: "
                           f"labgrid-client -p {name} release)") from None
        raise LabError(f"labgrid://{name}: the coordinator refused to acquire it: {exc.details()}") from None
    await client.sync_with_coordinator()


async def _serial_url(client: _Client, address: str, name: str) -> str:
    """The place's NetworkSerialPort, once its exporter has started ser2net for it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PORT_TIMEOUT
    while True:
        place = client.places[name]
        found = [client.resources.get(exporter, {}).get(group, {}).get(resource)
                 for exporter, group, cls, resource in place.acquired_resources if cls == "NetworkSerialPort"]
        if not place.acquired_resources or not any(r is not None for r in found):
            raise LabError(f"labgrid://{name}: the place has no serial port (NetworkSerialPort) "
                           f"(add one: labgrid-client -p {name} add-match EXPORTER/GROUP/NetworkSerialPort)")
        ready = [url for url in (_url(r) for r in found if r is not None and r.avail) if url]
        if ready:
            return ready[0]
        if loop.time() > deadline:
            raise LabError(f"labgrid://{name}: its exporter did not publish the serial port within "
                           f"{PORT_TIMEOUT:g} s (is labgrid-exporter running, with ser2net installed?)")
        await asyncio.sleep(0.2)
        await client.sync_with_coordinator()


def _url(resource: Any) -> str | None:
    params = resource.args
    host, port = params.get("host"), params.get("port")
    if not host or not isinstance(port, int) or not 0 < port < 65536:
        return None
    if params.get("protocol", "rfc2217") != "rfc2217":
        return f"socket://{host}:{port}"  # a raw TCP export: no RFC 2217 negotiation to do
    return f"rfc2217://{host}:{port}"


async def _release(client: _Client, name: str) -> None:
    from labgrid.remote.generated import labgrid_coordinator_pb2 as pb

    place = client.places.get(name)
    if place is None or place.acquired != _me(client):
        return  # released or taken over meanwhile: not ours to give back
    await client.stub.ReleasePlace(pb.ReleasePlaceRequest(placename=name))
    await client.sync_with_coordinator()
