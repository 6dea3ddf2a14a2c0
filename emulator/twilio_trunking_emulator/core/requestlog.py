"""In-memory log of the Twilio requests the emulator served (control requests excluded)."""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any

MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class RequestLogEntry:
    method: str
    path: str
    route: str | None
    """The matched route template, e.g. ``/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}``."""
    query: str
    status: int | None
    """Status the emulator produced; ``None`` when the connection was dropped first."""
    duration_ms: float
    fault: str | None
    """``status``/``drop``/``drop_after``/``latency``/``concurrency`` when one applied."""

    @property
    def count_key(self) -> str:
        return f"{self.method} {self.route or self.path}"


class RequestLog:
    """Thread-safe, bounded request log with per-route counts."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: deque[RequestLogEntry] = deque(maxlen=max_entries)
        self._counts: Counter[str] = Counter()
        self._total = 0

    def add(self, entry: RequestLogEntry) -> None:
        with self._lock:
            self._entries.append(entry)
            self._counts[entry.count_key] += 1
            self._total += 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counts.clear()
            self._total = 0

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": [asdict(e) for e in self._entries],
                "counts": dict(self._counts),
                "total": self._total,
            }
