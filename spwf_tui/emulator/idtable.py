"""A table of the module's open objects of one kind by the small id the firmware hands out.

Client sockets, server sockets, WebSockets and MQTT connections are all numbered the same way:
the lowest free id from 0, up to a fixed count. Commands look them up from the console thread
while socket threads add and remove them, hence the lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")


class IdTable(Generic[Item]):
    """Open items by id (lowest free first, at most ``capacity``); safe from any thread."""

    def __init__(self, capacity: int, id_of: Callable[[Item], int], close: Callable[[Item], None]) -> None:
        self.capacity = capacity
        self._id_of = id_of
        self._close = close
        self._lock = threading.Lock()
        self._items: dict[int, Item] = {}

    def free_id(self) -> int | None:
        """The lowest unused id, or None when all are taken."""
        with self._lock:
            return next((i for i in range(self.capacity) if i not in self._items), None)

    def add(self, item: Item) -> None:
        """Register an open item under its id."""
        with self._lock:
            self._items[self._id_of(item)] = item

    def get(self, item_id: int) -> Item | None:
        """The item with this id, or None."""
        with self._lock:
            return self._items.get(item_id)

    def remove(self, item_id: int) -> Item | None:
        """Unregister and return the item (the caller closes it)."""
        with self._lock:
            return self._items.pop(item_id, None)

    def all(self) -> list[Item]:
        """Open items by id."""
        with self._lock:
            return [self._items[i] for i in sorted(self._items)]

    def close_all(self) -> None:
        """Close everything without WINDs (reset, shutdown)."""
        with self._lock:
            items = list(self._items.values())
            self._items.clear()
        for item in items:
            self._close(item)
