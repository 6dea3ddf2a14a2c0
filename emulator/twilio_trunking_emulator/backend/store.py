"""The SQLite-backed state of the emulated account: trunks and incoming phone numbers.

:class:`Store` is what the rest of the emulator calls; each of its methods is one read or one
transaction.  One :class:`sqlite3.Connection` is shared by every thread and guarded by a lock.
The database is either ``:memory:`` (the default) or a file given with ``--db``, which keeps
the state across restarts.

Invariants (kept by :mod:`.rows`, which every write goes through)
-----------------------------------------------------------------
* A phone number is on at most one trunk (``phone_numbers.trunk_sid``).
* Putting a number on a trunk clears its ``voice_application_sid``; setting a
  ``voice_application_sid`` takes it off its trunk (Twilio documents both directions).
* Deleting a trunk takes its numbers off it; deleting (releasing) a number drops it.
* ``phone_number`` (E.164) and a non-null ``domain_name`` are unique.
* Lists are ordered by SID, so keyset paging (``PageToken=PA<sid>``) is stable.

The other jobs have their own modules: the schema (:mod:`.schema`), number pages in SQL
(:mod:`.queries`), seeding (:mod:`.seed` validates, :mod:`.seeding` applies) and bulk
generation (:mod:`.bulk`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from ..constants import BoundNumberPolicy
from ..errors import ALREADY_BOUND_ERROR_CODE, ALREADY_BOUND_HTTP_STATUS
from . import bulk, queries, seeding
from .bulk import GenerateSpec
from .exceptions import AlreadyBoundError, UnknownPhoneNumberError, UnknownTrunkError
from .paging import PageRequest, PageResult
from .queries import NumberFilter
from .records import PhoneNumberRecord, TrunkRecord
from .rows import Rows, found
from .schema import connect, number_from_row, trunk_from_row
from .seed import SeedDocument
from .timefmt import utc_now_iso

_R = TypeVar("_R")


class Store:
    """Thread-safe SQLite store of trunks and phone numbers."""

    def __init__(self, path: str = ":memory:", *, clock: Callable[[], str] = utc_now_iso) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.RLock()
        self._conn = connect(path)

    # ------------------------------------------------------------------ plumbing
    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[Rows]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Rows(self._conn, self._clock)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _read(self, fn: Callable[[Rows], _R]) -> _R:
        with self._lock:
            return fn(Rows(self._conn, self._clock))

    def reset(self) -> None:
        """Delete every trunk and number."""
        with self._tx() as rows:
            rows.conn.execute("DELETE FROM phone_numbers")
            rows.conn.execute("DELETE FROM trunks")

    # ------------------------------------------------------------------ trunks
    def create_trunk(self, fields: Mapping[str, Any], *, sid: str | None = None) -> TrunkRecord:
        with self._tx() as rows:
            return rows.insert_trunk(fields, sid)

    def get_trunk(self, sid: str) -> TrunkRecord | None:
        return self._read(lambda rows: rows.trunk(sid))

    def list_trunks(self) -> list[TrunkRecord]:
        return [trunk_from_row(r) for r in self._select("SELECT * FROM trunks ORDER BY sid", ())]

    def update_trunk(self, sid: str, changes: Mapping[str, Any]) -> TrunkRecord:
        with self._tx() as rows:
            return rows.update_trunk(found(rows.trunk(sid), UnknownTrunkError, sid), changes)

    def delete_trunk(self, sid: str) -> None:
        """Delete a trunk; its numbers stay in the account, unbound."""
        with self._tx() as rows:
            found(rows.trunk(sid), UnknownTrunkError, sid)
            rows.conn.execute(
                "UPDATE phone_numbers SET trunk_sid = NULL, date_updated = ? WHERE trunk_sid = ?",
                (rows.clock(), sid),
            )
            rows.conn.execute("DELETE FROM trunks WHERE sid = ?", (sid,))

    # ------------------------------------------------------------------ numbers
    def create_number(self, fields: Mapping[str, Any], *, sid: str | None = None) -> PhoneNumberRecord:
        with self._tx() as rows:
            return rows.insert_number(fields, sid)

    def get_number(self, sid: str) -> PhoneNumberRecord | None:
        return self._read(lambda rows: rows.number(sid))

    def find_number(self, phone_number: str) -> PhoneNumberRecord | None:
        return self._read(lambda rows: rows.number_by_phone(phone_number))

    def list_numbers(self, *, trunk_sid: str | None = None) -> list[PhoneNumberRecord]:
        """All numbers ordered by SID, or only those on ``trunk_sid``."""
        if trunk_sid is None:
            selected = self._select("SELECT * FROM phone_numbers ORDER BY sid", ())
        else:
            selected = self._select(
                "SELECT * FROM phone_numbers WHERE trunk_sid = ? ORDER BY sid", (trunk_sid,)
            )
        return [number_from_row(r) for r in selected]

    def page_numbers(self, where: NumberFilter, request: PageRequest) -> PageResult[PhoneNumberRecord]:
        """One page of the numbers matching ``where``, ordered by SID, cut in SQL (keyset/offset)."""
        return self._read(lambda rows: queries.page_numbers(rows.conn, where, request))

    def update_number(self, sid: str, changes: Mapping[str, Any]) -> PhoneNumberRecord:
        """Update columns of a number, keeping the trunk/application invariant."""
        with self._tx() as rows:
            return rows.update_number(found(rows.number(sid), UnknownPhoneNumberError, sid), changes)

    def delete_number(self, sid: str) -> None:
        """Release a number (which also removes it from its trunk)."""
        with self._tx() as rows:
            if rows.conn.execute("DELETE FROM phone_numbers WHERE sid = ?", (sid,)).rowcount == 0:
                raise UnknownPhoneNumberError(sid)

    # ------------------------------------------------------------------ binding
    def bind_number(
        self,
        trunk_sid: str,
        number_sid: str,
        policy: BoundNumberPolicy,
        *,
        conflict_status: int = ALREADY_BOUND_HTTP_STATUS,
        conflict_code: int = ALREADY_BOUND_ERROR_CODE,
    ) -> PhoneNumberRecord:
        """Put a number on a trunk (``POST /v1/Trunks/{TK}/PhoneNumbers``).

        With ``policy="reject"`` a number that is already on any trunk (this one included)
        raises :class:`AlreadyBoundError` (answered with ``conflict_status``/``conflict_code``);
        with ``"move"`` it is moved (or left in place).
        """
        with self._tx() as rows:
            found(rows.trunk(trunk_sid), UnknownTrunkError, trunk_sid)
            number = found(rows.number(number_sid), UnknownPhoneNumberError, number_sid)
            if number.trunk_sid is not None and policy == "reject":
                raise AlreadyBoundError(
                    number_sid, number.trunk_sid, status=conflict_status, code=conflict_code
                )
            return rows.update_number(number, {"trunk_sid": trunk_sid})

    def unbind_number(self, trunk_sid: str, number_sid: str) -> None:
        """Take a number off a trunk; :class:`UnknownPhoneNumberError` if it is not on it."""
        with self._tx() as rows:
            number = rows.number(number_sid)
            if number is None or number.trunk_sid != trunk_sid:
                raise UnknownPhoneNumberError(number_sid, f"/Trunks/{trunk_sid}/PhoneNumbers/{number_sid}")
            rows.update_number(number, {"trunk_sid": None})

    # ------------------------------------------------------------------ seeding and bulk data
    def apply_seed(self, seed: SeedDocument, *, summary: bool = False) -> dict[str, Any]:
        """Apply a validated seed idempotently, in one transaction (see :mod:`.seeding`)."""
        with self._tx() as rows:
            return seeding.apply_seed(rows, seed, summary=summary)

    def generate(self, spec: GenerateSpec) -> dict[str, Any]:
        """Create the trunks and numbers of ``spec`` in one transaction (see :mod:`.bulk`)."""
        with self._tx() as rows:
            return bulk.generate(rows, spec)

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Every record, as plain JSON (for ``GET /_emulator/state``)."""
        return {
            "trunks": [t.to_json() for t in self.list_trunks()],
            "phone_numbers": [n.to_json() for n in self.list_numbers()],
        }

    def _select(self, sql: str, params: tuple[str, ...]) -> list[sqlite3.Row]:
        return self._read(lambda rows: rows.conn.execute(sql, params).fetchall())
