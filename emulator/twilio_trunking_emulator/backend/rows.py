"""Reading and writing single trunks and numbers inside one transaction, keeping the invariants.

* Putting a number on a trunk clears its ``voice_application_sid``; setting a
  ``voice_application_sid`` takes it off its trunk (Twilio documents both directions).
* A number's ``trunk_sid`` names an existing trunk.
* ``phone_number`` (E.164), a non-null ``domain_name`` and every SID are unique.
* ``date_updated`` changes only when a value does.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar

from .exceptions import (
    DomainTakenError,
    DuplicateSidError,
    PhoneNumberTakenError,
    UnknownTrunkReferenceError,
)
from .records import (
    PHONE_NUMBER_COLUMNS,
    PHONE_NUMBER_DEFAULTS,
    TRUNK_COLUMNS,
    TRUNK_DEFAULTS,
    PhoneNumberRecord,
    TrunkRecord,
)
from .schema import number_from_row, trunk_from_row

_R = TypeVar("_R")


def new_sid(prefix: str) -> str:
    """A random Twilio-style SID: the two-letter prefix and 32 lowercase hex digits."""
    return prefix + uuid.uuid4().hex


def default_friendly_name(phone_number: str) -> str:
    """Twilio's default friendly name: ``(415) 555-0100`` for NANP, else the E.164 itself."""
    if phone_number.startswith("+1") and len(phone_number) == 12:
        d = phone_number[2:]
        return f"({d[:3]}) {d[3:6]}-{d[6:]}"
    return phone_number


def number_row(fields: Mapping[str, Any], sid: str, now: str) -> tuple[Any, ...]:
    """The column values of a new number, defaults and binding side effects applied."""
    values = _new_number_values(fields)
    values.update(sid=sid, date_created=now, date_updated=now)
    return tuple(values[c] for c in PHONE_NUMBER_COLUMNS)


def found(record: _R | None, missing: Callable[[str], Exception], sid: str) -> _R:
    """``record``, or the ``missing(sid)`` error when it is ``None`` (there is no row ``sid``)."""
    if record is None:
        raise missing(sid)
    return record


class Rows:
    """The rows of one transaction (or one read) on ``conn``; ``clock`` stamps every write."""

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], str]) -> None:
        self.conn = conn
        self.clock = clock

    # ------------------------------------------------------------------ reads
    def trunk(self, sid: str) -> TrunkRecord | None:
        row = self.conn.execute("SELECT * FROM trunks WHERE sid = ?", (sid,)).fetchone()
        return None if row is None else trunk_from_row(row)

    def number(self, sid: str) -> PhoneNumberRecord | None:
        row = self.conn.execute("SELECT * FROM phone_numbers WHERE sid = ?", (sid,)).fetchone()
        return None if row is None else number_from_row(row)

    def number_by_phone(self, phone_number: str) -> PhoneNumberRecord | None:
        row = self.conn.execute(
            "SELECT * FROM phone_numbers WHERE phone_number = ?", (phone_number,)
        ).fetchone()
        return None if row is None else number_from_row(row)

    # ------------------------------------------------------------------ writes
    def insert_trunk(self, fields: Mapping[str, Any], sid: str | None) -> TrunkRecord:
        sid = self._unused_sid(sid, "TK", self.trunk)
        self._check_domain_free(fields.get("domain_name"), sid)
        now = self.clock()
        values = {**TRUNK_DEFAULTS, **fields, "sid": sid, "date_created": now, "date_updated": now}
        self._insert("trunks", TRUNK_COLUMNS, values)
        return _written(self.trunk(sid))

    def update_trunk(self, current: TrunkRecord, changes: Mapping[str, Any]) -> TrunkRecord:
        if "domain_name" in changes:
            self._check_domain_free(changes["domain_name"], current.sid)
        self._apply_changes("trunks", current.to_json(), changes, TRUNK_COLUMNS)
        return _written(self.trunk(current.sid))

    def insert_number(self, fields: Mapping[str, Any], sid: str | None) -> PhoneNumberRecord:
        sid = self._unused_sid(sid, "PN", self.number)
        self._check_phone_free(fields["phone_number"])
        values = _new_number_values(fields)
        self._check_trunk_exists(values.get("trunk_sid"))
        now = self.clock()
        values.update(sid=sid, date_created=now, date_updated=now)
        self._insert("phone_numbers", PHONE_NUMBER_COLUMNS, values)
        return _written(self.number(sid))

    def update_number(self, current: PhoneNumberRecord, changes: Mapping[str, Any]) -> PhoneNumberRecord:
        """Update columns of a number, keeping the trunk/application invariant."""
        merged = {**changes, **_binding_side_effects(changes)}
        if "trunk_sid" in merged:
            self._check_trunk_exists(merged["trunk_sid"])
        if "phone_number" in merged and merged["phone_number"] != current.phone_number:
            self._check_phone_free(merged["phone_number"])
        self._apply_changes("phone_numbers", current.to_json(), merged, PHONE_NUMBER_COLUMNS)
        return _written(self.number(current.sid))

    # ------------------------------------------------------------------ internals
    def _apply_changes(
        self,
        table: Literal["trunks", "phone_numbers"],
        current: Mapping[str, Any],
        changes: Mapping[str, Any],
        columns: tuple[str, ...],
    ) -> None:
        diff = {
            k: v
            for k, v in changes.items()
            if k in columns and k not in ("sid", "date_created", "date_updated") and current[k] != v
        }
        if not diff:
            return
        diff["date_updated"] = self.clock()
        assignments = ", ".join(f"{k} = ?" for k in diff)
        self.conn.execute(
            f"UPDATE {table} SET {assignments} WHERE sid = ?",  # noqa: S608 - fixed column names
            (*diff.values(), current["sid"]),
        )

    def _insert(self, table: str, columns: tuple[str, ...], values: Mapping[str, Any]) -> None:
        placeholders = ", ".join("?" for _ in columns)
        self.conn.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
            tuple(values[c] for c in columns),
        )

    @staticmethod
    def _unused_sid(sid: str | None, prefix: str, get: Callable[[str], object]) -> str:
        """``sid``, or a new random one with ``prefix``; :class:`DuplicateSidError` if ``get`` finds a row."""
        sid = sid or new_sid(prefix)
        if get(sid) is not None:
            raise DuplicateSidError(sid)
        return sid

    def _check_trunk_exists(self, trunk_sid: str | None) -> None:
        if trunk_sid is not None and self.trunk(trunk_sid) is None:
            raise UnknownTrunkReferenceError(trunk_sid)

    def _check_phone_free(self, phone_number: str) -> None:
        taken = self.conn.execute(
            "SELECT 1 FROM phone_numbers WHERE phone_number = ?", (phone_number,)
        ).fetchone()
        if taken:
            raise PhoneNumberTakenError(phone_number)

    def _check_domain_free(self, domain: str | None, own_sid: str) -> None:
        if domain is None:
            return
        row = self.conn.execute("SELECT sid FROM trunks WHERE domain_name = ?", (domain,)).fetchone()
        if row is not None and row["sid"] != own_sid:
            raise DomainTakenError(domain)


def _new_number_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A new number's columns from ``fields``: defaults, friendly name and binding side effects."""
    values = {**PHONE_NUMBER_DEFAULTS, **fields}
    if values.get("friendly_name") is None:
        values["friendly_name"] = default_friendly_name(values["phone_number"])
    values.update(_binding_side_effects(fields))
    return values


def _binding_side_effects(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Setting a trunk clears the voice application and vice versa."""
    if changes.get("trunk_sid") is not None:
        return {"voice_application_sid": None}
    if changes.get("voice_application_sid") is not None:
        return {"trunk_sid": None}
    return {}


def _written(record: _R | None) -> _R:
    """A row this transaction has just inserted or updated, read back (so never ``None``)."""
    assert record is not None
    return record
