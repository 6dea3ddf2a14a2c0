"""SQL for the IncomingPhoneNumbers list filters, so paging never scans rows in Python."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NumberFilter:
    """Which numbers a list request selects; ``None`` means "no condition"."""

    trunk_sid: str | None = None
    phone_number: str | None = None
    """Twilio's partial-number filter: ``*`` stands for any one digit."""
    friendly_name: str | None = None
    exclude_beta: bool = False
    origin: str | None = None


def phone_number_glob(raw: str) -> str:
    """A ``GLOB`` pattern for Twilio's ``PhoneNumber`` filter (a substring match).

    A ``+`` sent unencoded arrives as a space, so surrounding blanks are ignored.  Stored numbers
    are E.164 and only ever hold ``+`` first, so a filter starting with ``+`` is a prefix match,
    which SQLite answers from the ``phone_number`` index instead of a table scan.
    """
    value = raw.strip()
    body = "".join("[0-9]" if c == "*" else f"[{c}]" if c in "?[" else c for c in value)
    return f"{body}*" if value.startswith("+") else f"*{body}*"


def number_where(where: NumberFilter) -> tuple[str, tuple[Any, ...]]:
    """``(sql condition, parameters)`` for ``WHERE``; ``"1"`` selects every number."""
    clauses: list[str] = []
    params: list[Any] = []
    if where.trunk_sid is not None:
        clauses.append("trunk_sid = ?")
        params.append(where.trunk_sid)
    if where.phone_number is not None and where.phone_number.strip():
        clauses.append("phone_number GLOB ?")
        params.append(phone_number_glob(where.phone_number))
    if where.friendly_name is not None:
        clauses.append("friendly_name = ?")
        params.append(where.friendly_name)
    if where.exclude_beta:
        clauses.append("beta = 0")
    if where.origin is not None:
        clauses.append("origin = ?")
        params.append(where.origin)
    return (" AND ".join(clauses) or "1", tuple(params))
