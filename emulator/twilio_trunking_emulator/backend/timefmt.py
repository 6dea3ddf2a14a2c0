"""Timestamps: stored as ISO-8601 UTC (``2015-07-30T23:19:04Z``), rendered per API version."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

_ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now_iso() -> str:
    """The current time, ISO-8601 UTC with a ``Z`` suffix and whole seconds."""
    return datetime.now(UTC).strftime(_ISO_FORMAT)


def parse_iso(value: str) -> datetime:
    return datetime.strptime(value, _ISO_FORMAT).replace(tzinfo=UTC)


def iso_to_rfc2822(value: str) -> str:
    """``2015-07-30T23:19:04Z`` → ``Thu, 30 Jul 2015 23:19:04 +0000`` (the 2010 API format)."""
    return format_datetime(parse_iso(value))
