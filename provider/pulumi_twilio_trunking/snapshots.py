"""Short-lived copies of Twilio list endpoints, shared by the calls of one operation wave.

The Pulumi engine calls the provider once per resource, up to four at a time, in one process.
When many calls of a wave touch the same trunk (or the account's numbers), reading the list
answers them with fewer requests than one GET each; when few do, the list costs more than it
saves. A real account holds tens of thousands of numbers (50 pages of 1,000) over dozens of
trunks, while one stack may declare ten bindings.

Cost rule (per scope: one trunk's bindings, or the account's numbers):

* A call that the snapshot cannot answer costs one direct request: a GET by SID, or, for an E.164
  number, IncomingPhoneNumbers filtered by ``PhoneNumber`` (Twilio's spec lets that list filter by
  ``PhoneNumber``, ``FriendlyName``, ``Beta`` and ``Origin``; a trunk's PhoneNumbers list takes no
  filter). A list page costs one request for up to 1,000 items, the largest page Twilio serves:
  with latency on every request, fewer requests beat smaller pages.
* Twilio reports no list size (v1 ``meta`` and 2010 paging carry no total), so the size is learnt
  by reading, a page at a time, and a page is read only while
  ``pages read in the wave < (calls seen in the wave - head_start) * pages_per_call``. A wave of
  ``head_start`` calls or fewer reads no page at all, so a small stack never pays for a big
  account; beyond that, list requests stay within ``pages_per_call`` per call, and once the list
  is read a wave of *n* calls costs about *n* plus the list's pages (plus the misses while its
  pages arrive).
* The parameters are the list's expected cost before anything is known about it (set in
  ``bindings``). A trunk's bindings: head start 1, 4 pages per call, and callers wait for pages in
  flight: a trunk is a few pages at most, so the second call of a wave reads it (a wave of 1,000
  reads on one trunk costs 2 requests; a trunk of 5,000 costs 1 + 5), reading on only until its
  item turns up. The account's numbers: head start 5, a page per 4 calls, and callers never wait
  for a page in flight (they go direct): the list is usually many pages, each slower to serve and
  parse, and heavier to hold, than a direct lookup.
* The pages read so far answer the calls whose item they hold; a miss goes to Twilio directly,
  since the item may be on a page not read yet. Only a complete pass (every page read) answers
  "absent".

Freshness bound (kept by the rule): an answer served from a snapshot reflects Twilio at most
``ttl`` seconds ago, counted from the start of the request that read the item (for "absent", of
the complete pass that did not list it), plus every write this process made since (writes are
applied to the snapshot and win over pages requested before them). Items age one by one, so a
slow multi-page pass is not wasted, and a wave longer than ``ttl`` reads pages again as they age.
The first call of a wave never uses a snapshot: it goes straight to Twilio, so a lone call costs
what it always did. ``ttl = 0`` turns snapshots off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

V = TypeVar("V")

# One page of a list: its items by key, and whether more pages follow.
Page = tuple[Mapping[str, V], bool]
PageSource = Callable[[], Iterator[Page[V]]]


@dataclass
class _Entry(Generic[V]):
    # key -> (value, when the request that produced it started); None: removed by this process.
    items: dict[str, tuple[V | None, float]] = field(default_factory=dict)
    pages: Iterator[Page[V]] | None = None  # the pass under way
    pass_started: float = 0.0
    complete_at: float | None = None  # start of the last pass that read every page


@dataclass
class _Wave:
    last_call: float
    calls: int = 0
    pages: int = 0


@dataclass(frozen=True)
class Lookup(Generic[V]):
    """What a snapshot says about one key: ``answered`` False means "ask Twilio directly"."""

    answered: bool
    value: V | None = None


class _FreshView(Mapping[str, V]):
    """The fresh items of an entry, as a read-only mapping."""

    def __init__(self, cache: SnapshotCache[V], entry: _Entry[V]) -> None:
        self._cache, self._entry = cache, entry

    def __getitem__(self, key: str) -> V:
        found = self._cache._answer(self._entry, key, self._cache._clock())
        if found is None or found.value is None:
            raise KeyError(key)
        return found.value

    def __iter__(self) -> Iterator[str]:
        return (k for k in list(self._entry.items) if k in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class SnapshotCache(Generic[V]):
    """Snapshots keyed by scope (a trunk SID, the account), read page by page as the wave grows."""

    def __init__(
        self,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        head_start: int = 1,
        pages_per_call: float = 1.0,
        wait_for_pages: bool = True,
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._head_start = max(1, head_start)
        self._pages_per_call = pages_per_call
        self._wait_for_pages = wait_for_pages
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self._entries: dict[str, _Entry[V]] = {}
        self._waves: dict[str, _Wave] = {}

    def _answer(self, entry: _Entry[V] | None, key: str, now: float) -> Lookup[V] | None:
        if entry is None:
            return None
        found = entry.items.get(key)
        if found is not None and now - found[1] <= self._ttl:
            return Lookup(True, found[0])
        # Absent from a fresh complete pass (an older item was not seen again by it): gone.
        complete = entry.complete_at is not None and now - entry.complete_at <= self._ttl
        if complete and (found is None or found[1] < (entry.complete_at or 0.0)):
            return Lookup(True, None)
        return None

    def _may_read_page(self, wave: _Wave) -> bool:
        return wave.pages < (wave.calls - self._head_start) * self._pages_per_call

    def lookup(self, scope: str, key: str, pages: PageSource[V]) -> Lookup[V]:
        """What the wave's snapshot of ``scope`` says about ``key``, reading pages if the rule allows."""
        if self._ttl <= 0:
            return Lookup(False)
        with self._lock:
            now = self._clock()
            wave = self._waves.get(scope)
            if wave is None or now - wave.last_call > self._ttl:
                wave = self._waves[scope] = _Wave(now)
            wave.last_call = now
            wave.calls += 1
            entry = self._entries.get(scope)
            answer = self._answer(entry, key, now)
            if answer is not None:
                return answer
            if not self._may_read_page(wave):
                return Lookup(False)
            loading = self._loading.setdefault(scope, threading.Lock())
            # Wait for pages in flight when the scope's pages are cheap, or when nothing has been
            # read yet (the first page is usually the whole list); else never queue behind a read.
            wait = self._wait_for_pages or entry is None or not entry.items
        if not loading.acquire(blocking=wait):
            return Lookup(False)
        try:
            while True:
                with self._lock:
                    now = self._clock()
                    entry = self._entries.setdefault(scope, _Entry())
                    answer = self._answer(entry, key, now)
                    if answer is not None:
                        return answer
                    if not self._may_read_page(wave):
                        return Lookup(False)
                    wave.pages += 1
                    if entry.pages is None:
                        entry.pages, entry.pass_started = pages(), now
                    source = entry.pages
                try:
                    items, more = next(source, ({}, False))
                except BaseException:
                    with self._lock:
                        entry.pages = None
                    raise
                with self._lock:
                    for item_key, value in items.items():
                        # Stamped with the start of the page's request: the data is at least that old.
                        current = entry.items.get(item_key)
                        if current is None or current[1] < now:  # this process's later writes win
                            entry.items[item_key] = (value, now)
                    if not more:
                        entry.pages, entry.complete_at = None, entry.pass_started
        finally:
            loading.release()

    def peek(self, scope: str) -> Mapping[str, V] | None:
        """The fresh items of ``scope`` (maybe a part of the list); never loads, never counts as a call."""
        with self._lock:
            entry = self._entries.get(scope) if self._ttl > 0 else None
            return _FreshView(self, entry) if entry is not None else None

    def apply(self, scope: str, key: str, value: V | None) -> None:
        """Record this process's own write (``None`` removes the item) in a snapshot that exists."""
        with self._lock:
            entry = self._entries.get(scope)
            if entry is not None:
                entry.items[key] = (value, self._clock())
