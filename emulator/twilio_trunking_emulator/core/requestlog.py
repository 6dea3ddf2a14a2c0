"""In-memory log of the Twilio requests the emulator served (control requests excluded)."""

from __future__ import annotations

import threading
from collections import Counter, deque

from ..jsontypes import RequestLogEntryJson, RequestLogJson

MAX_ENTRIES = 10_000


def count_key(entry: RequestLogEntryJson) -> str:
    """The key an entry is counted under: its method and route (its path when no route matched)."""
    return f"{entry['method']} {entry['route'] or entry['path']}"


class RequestLog:
    """Thread-safe, bounded request log with per-route counts."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: deque[RequestLogEntryJson] = deque(maxlen=max_entries)
        self._counts: Counter[str] = Counter()
        self._total = 0

    def add(self, entry: RequestLogEntryJson) -> None:
        with self._lock:
            self._entries.append(entry)
            self._counts[count_key(entry)] += 1
            self._total += 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counts.clear()
            self._total = 0

    def to_json(self) -> RequestLogJson:
        with self._lock:
            return {
                "requests": [e.copy() for e in self._entries],
                "counts": dict(self._counts),
                "total": self._total,
            }
