"""Short-lived copies of Twilio list endpoints, shared by the calls of one operation wave.

The Pulumi engine calls the provider once per resource, up to four at a time, in one process.
When many calls touch the same trunk (or the account's numbers) within ``ttl`` seconds, one
list request (1,000 items a page) answers all of them instead of one GET each.

Freshness bound: an answer served from a snapshot reflects Twilio at most ``ttl`` seconds ago,
plus every write this process made since (writes are applied to the snapshot, not discarded).
The first call of a wave never uses a snapshot: it goes straight to Twilio, so a lone call
costs what it always did. ``ttl = 0`` turns snapshots off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass
class _Entry(Generic[V]):
    taken_at: float
    items: Mapping[str, V]


class SnapshotCache(Generic[V]):
    """Snapshots keyed by scope (a trunk SID, the account), each a read-only mapping of items."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self._entries: dict[str, _Entry[V]] = {}
        self._last_call: dict[str, float] = {}

    def _fresh(self, scope: str, now: float) -> Mapping[str, V] | None:
        entry = self._entries.get(scope)
        if entry is not None and now - entry.taken_at <= self._ttl:
            return entry.items
        return None

    def lookup(self, scope: str, load: Callable[[], Mapping[str, V]]) -> Mapping[str, V] | None:
        """A fresh snapshot of ``scope``, loaded if this call is part of a wave; None: ask Twilio directly."""
        if self._ttl <= 0:
            return None
        with self._lock:
            now = self._clock()
            items = self._fresh(scope, now)
            if items is not None:
                return items
            previous = self._last_call.get(scope)
            self._last_call[scope] = now
            if previous is None or now - previous > self._ttl:
                return None
            loading = self._loading.setdefault(scope, threading.Lock())
        with loading:
            with self._lock:
                items = self._fresh(scope, self._clock())
                if items is not None:
                    return items
            # Stamp with the time the load started: the data is at least that old.
            started = self._clock()
            loaded = MappingProxyType(dict(load()))
            with self._lock:
                self._entries[scope] = _Entry(started, loaded)
            return loaded

    def peek(self, scope: str) -> Mapping[str, V] | None:
        """The fresh snapshot of ``scope`` if there is one; never loads, never counts as a call."""
        with self._lock:
            return self._fresh(scope, self._clock()) if self._ttl > 0 else None

    def apply(self, scope: str, key: str, value: V | None) -> None:
        """Record this process's own write (``None`` removes the item) in a snapshot that exists."""
        with self._lock:
            entry = self._entries.get(scope)
            if entry is None:
                return
            items = dict(entry.items)
            if value is None:
                items.pop(key, None)
            else:
                items[key] = value
            entry.items = MappingProxyType(items)
