"""JSON shapes that the server writes and its client (:mod:`.control`) reads: one definition for both."""

from __future__ import annotations

from typing import TypedDict


class RequestLogEntryJson(TypedDict):
    """One Twilio request the emulator served."""

    method: str
    path: str
    # The matched route template, e.g. ``/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}``.
    route: str | None
    query: str
    # Status the emulator produced; ``None`` when the connection was dropped first.
    status: int | None
    # When the request arrived (Unix time, seconds): with ``duration_ms``, requests in flight over time.
    started_at: float
    duration_ms: float
    # ``status``/``drop``/``drop_after``/``latency``/``concurrency`` when one applied.
    fault: str | None


class RequestLogJson(TypedDict):
    requests: list[RequestLogEntryJson]
    counts: dict[str, int]
    total: int
