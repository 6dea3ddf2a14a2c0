"""SQL for the IncomingPhoneNumbers list: its filters and its pages, so paging never scans rows in Python."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from .paging import PageRequest, PageResult, build_page
from .records import PhoneNumberRecord
from .schema import number_from_row

_MAX_OFFSET = 2**62  # SQLite integers are 64-bit; a larger Page simply selects nothing


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


def page_numbers(
    conn: sqlite3.Connection, where: NumberFilter, request: PageRequest
) -> PageResult[PhoneNumberRecord]:
    """One page of the numbers matching ``where``, ordered by SID, cut in SQL (keyset/offset)."""
    sql, params = number_where(where)
    size = request.page_size
    token = request.token
    select = f"SELECT * FROM phone_numbers WHERE {sql}"  # noqa: S608 - built from fixed clauses
    if token is None:
        start = (request.page or 0) * size
        rows = conn.execute(
            f"{select} ORDER BY sid LIMIT ? OFFSET ?", (*params, size + 1, min(start, _MAX_OFFSET))
        ).fetchall()
        has_more = len(rows) > size
        rows = rows[:size]
    elif token.direction == "after":
        start = _count(conn, f"{sql} AND sid <= ?", (*params, token.sid))
        rows = conn.execute(
            f"{select} AND sid > ? ORDER BY sid LIMIT ?", (*params, token.sid, size + 1)
        ).fetchall()
        has_more = len(rows) > size
        rows = rows[:size]
    else:
        end = _count(conn, f"{sql} AND sid < ?", (*params, token.sid))
        start = max(0, end - size)
        rows = conn.execute(
            f"{select} AND sid < ? ORDER BY sid DESC LIMIT ?", (*params, token.sid, size)
        ).fetchall()[::-1]
        has_more = bool(rows) and _count(conn, f"{sql} AND sid > ?", (*params, rows[-1]["sid"])) > 0
    return build_page([number_from_row(r) for r in rows], _sid, request, start=start, has_more=has_more)


def _count(conn: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> int:
    row = conn.execute(f"SELECT COUNT(*) FROM phone_numbers WHERE {where}", params).fetchone()  # noqa: S608
    return int(row[0])


def _sid(record: PhoneNumberRecord) -> str:
    return record.sid
