"""SQLite-backed state of the emulated account: trunks and incoming phone numbers.

One :class:`sqlite3.Connection` is shared by every thread and guarded by a lock.  The
database is either ``:memory:`` (the default) or a file given with ``--db``, which keeps
the state across restarts.

Invariants
----------
* A phone number is on at most one trunk (``phone_numbers.trunk_sid``).
* Putting a number on a trunk clears its ``voice_application_sid``; setting a
  ``voice_application_sid`` takes it off its trunk (Twilio documents both directions).
* Deleting a trunk takes its numbers off it; deleting (releasing) a number drops it.
* ``phone_number`` (E.164) and a non-null ``domain_name`` are unique.
* Lists are ordered by SID, so keyset paging (``PageToken=PA<sid>``) is stable.

Seed format
-----------
A seed (the ``--seed FILE.json`` option, or the JSON body of ``POST /_emulator/seed``)
looks like this; every key except ``phone_numbers[].phone_number`` is optional::

    {
      "trunks": [
        {"sid": "TK0123456789abcdef0123456789abcdef",
         "friendly_name": "Main trunk", "domain_name": "main.pstn.twilio.com",
         "secure": false, "transfer_mode": "disable-all"}
      ],
      "phone_numbers": [
        {"sid": "PN0123456789abcdef0123456789abcdef",
         "phone_number": "+14155550100", "friendly_name": "Front desk",
         "trunk_sid": "TK0123456789abcdef0123456789abcdef",
         "voice_application_sid": null, "voice_url": null, "sms_url": null,
         "capabilities": {"voice": true, "sms": true, "mms": true, "fax": false}}
      ]
    }

Trunk keys are the columns of :class:`.records.TrunkRecord` (``friendly_name``,
``domain_name``, ``disaster_recovery_url``, ``disaster_recovery_method``, ``transfer_mode``,
``transfer_caller_id``, ``secure``, ``cnam_lookup_enabled``, ``symmetric_rtp_enabled``,
``recording_mode``, ``recording_trim``).  Number keys are the columns of
:class:`.records.PhoneNumberRecord` except the dates and ``cap_*``, plus ``capabilities``.

Seeding is idempotent, so a persisted ``--db`` with the same ``--seed`` on every start
neither duplicates nor loses anything.  An entry is matched to an existing row by

* trunks: ``sid``, else ``domain_name``, else ``friendly_name``;
* numbers: ``sid``, else ``phone_number``;

and then only the keys present in the entry are updated.  Unmatched entries are created
(with a random SID unless one is given).  Trunks are applied before numbers, so a number
may name a trunk of the same seed in ``trunk_sid``.  The whole seed is one transaction.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal, TypeVar

from ..constants import BoundNumberPolicy
from ..core.exceptions import ALREADY_BOUND_ERROR_CODE, ALREADY_BOUND_HTTP_STATUS
from ..core.paging import PageRequest, PageResult, build_page
from .bulk import GenerateSpec, free_phone_numbers, trunk_assignments, trunk_fields
from .exceptions import (
    AlreadyBoundError,
    DomainTakenError,
    DuplicateSidError,
    PhoneNumberTakenError,
    UnknownPhoneNumberError,
    UnknownTrunkError,
    UnknownTrunkReferenceError,
)
from .queries import NumberFilter, number_where
from .records import (
    PHONE_NUMBER_BOOL_COLUMNS,
    PHONE_NUMBER_COLUMNS,
    PHONE_NUMBER_DEFAULTS,
    TRUNK_BOOL_COLUMNS,
    TRUNK_COLUMNS,
    TRUNK_DEFAULTS,
    PhoneNumberRecord,
    TrunkRecord,
)
from .seed import SeedDocument
from .timefmt import utc_now_iso

_SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS trunks (
    sid TEXT PRIMARY KEY,
    friendly_name TEXT,
    domain_name TEXT UNIQUE,
    disaster_recovery_url TEXT,
    disaster_recovery_method TEXT,
    transfer_mode TEXT NOT NULL,
    transfer_caller_id TEXT NOT NULL,
    secure INTEGER NOT NULL,
    cnam_lookup_enabled INTEGER NOT NULL,
    symmetric_rtp_enabled INTEGER NOT NULL,
    recording_mode TEXT NOT NULL,
    recording_trim TEXT NOT NULL,
    date_created TEXT NOT NULL,
    date_updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS phone_numbers (
    sid TEXT PRIMARY KEY,
    phone_number TEXT NOT NULL UNIQUE,
    friendly_name TEXT,
    trunk_sid TEXT REFERENCES trunks(sid) ON DELETE SET NULL,
    voice_application_sid TEXT,
    voice_url TEXT,
    voice_method TEXT,
    voice_fallback_url TEXT,
    voice_fallback_method TEXT,
    voice_caller_id_lookup INTEGER NOT NULL,
    voice_receive_mode TEXT NOT NULL,
    sms_application_sid TEXT,
    sms_url TEXT,
    sms_method TEXT,
    sms_fallback_url TEXT,
    sms_fallback_method TEXT,
    status_callback TEXT,
    status_callback_method TEXT,
    api_version TEXT NOT NULL,
    beta INTEGER NOT NULL,
    cap_voice INTEGER NOT NULL,
    cap_sms INTEGER NOT NULL,
    cap_mms INTEGER NOT NULL,
    cap_fax INTEGER NOT NULL,
    address_requirements TEXT NOT NULL,
    address_sid TEXT,
    identity_sid TEXT,
    bundle_sid TEXT,
    emergency_status TEXT NOT NULL,
    emergency_address_sid TEXT,
    emergency_address_status TEXT NOT NULL,
    origin TEXT NOT NULL,
    status TEXT NOT NULL,
    type TEXT NOT NULL,
    date_created TEXT NOT NULL,
    date_updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS phone_numbers_trunk ON phone_numbers(trunk_sid, sid);
"""

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


class Store:
    """Thread-safe SQLite store of trunks and phone numbers."""

    def __init__(self, path: str = ":memory:", *, clock: Callable[[], str] = utc_now_iso) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        with self._lock:
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.executescript(_SCHEMA)
            self._conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")

    # ------------------------------------------------------------------ plumbing
    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _read(self, fn: Callable[[sqlite3.Connection], _R]) -> _R:
        with self._lock:
            return fn(self._conn)

    def _update(
        self,
        sid: str,
        changes: Mapping[str, Any],
        get: Callable[[sqlite3.Connection, str], _R | None],
        missing: Callable[[str], Exception],
        update: Callable[[sqlite3.Connection, _R, Mapping[str, Any]], _R],
    ) -> _R:
        """In one transaction: read row ``sid`` (``missing(sid)`` if there is none), apply ``changes``."""
        with self._tx() as conn:
            return update(conn, _found(get(conn, sid), missing, sid), changes)

    def reset(self) -> None:
        """Delete every trunk and number."""
        with self._tx() as conn:
            conn.execute("DELETE FROM phone_numbers")
            conn.execute("DELETE FROM trunks")

    # ------------------------------------------------------------------ trunks
    def create_trunk(self, fields: Mapping[str, Any], *, sid: str | None = None) -> TrunkRecord:
        with self._tx() as conn:
            return self._insert_trunk(conn, fields, sid)

    def get_trunk(self, sid: str) -> TrunkRecord | None:
        return self._read(lambda conn: _get_trunk(conn, sid))

    def list_trunks(self) -> list[TrunkRecord]:
        rows = self._read(lambda c: c.execute("SELECT * FROM trunks ORDER BY sid").fetchall())
        return [_trunk(r) for r in rows]

    def update_trunk(self, sid: str, changes: Mapping[str, Any]) -> TrunkRecord:
        return self._update(sid, changes, _get_trunk, UnknownTrunkError, self._update_trunk)

    def delete_trunk(self, sid: str) -> None:
        """Delete a trunk; its numbers stay in the account, unbound."""
        with self._tx() as conn:
            _found(_get_trunk(conn, sid), UnknownTrunkError, sid)
            now = self._clock()
            conn.execute(
                "UPDATE phone_numbers SET trunk_sid = NULL, date_updated = ? WHERE trunk_sid = ?",
                (now, sid),
            )
            conn.execute("DELETE FROM trunks WHERE sid = ?", (sid,))

    # ------------------------------------------------------------------ numbers
    def create_number(self, fields: Mapping[str, Any], *, sid: str | None = None) -> PhoneNumberRecord:
        with self._tx() as conn:
            return self._insert_number(conn, fields, sid)

    def get_number(self, sid: str) -> PhoneNumberRecord | None:
        return self._read(lambda conn: _get_number(conn, sid))

    def find_number(self, phone_number: str) -> PhoneNumberRecord | None:
        row = self._read(
            lambda c: c.execute(
                "SELECT * FROM phone_numbers WHERE phone_number = ?", (phone_number,)
            ).fetchone()
        )
        return None if row is None else _number(row)

    def list_numbers(self, *, trunk_sid: str | None = None) -> list[PhoneNumberRecord]:
        """All numbers ordered by SID, or only those on ``trunk_sid``."""
        params: tuple[str, ...] = ()
        if trunk_sid is None:
            sql = "SELECT * FROM phone_numbers ORDER BY sid"
        else:
            sql = "SELECT * FROM phone_numbers WHERE trunk_sid = ? ORDER BY sid"
            params = (trunk_sid,)
        rows = self._read(lambda c: c.execute(sql, params).fetchall())
        return [_number(r) for r in rows]

    def page_numbers(self, where: NumberFilter, request: PageRequest) -> PageResult[PhoneNumberRecord]:
        """One page of the numbers matching ``where``, ordered by SID, cut in SQL (keyset/offset)."""
        sql, params = number_where(where)
        size = request.page_size
        token = request.token

        def read(conn: sqlite3.Connection) -> PageResult[PhoneNumberRecord]:
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
            return build_page([_number(r) for r in rows], _sid, request, start=start, has_more=has_more)

        return self._read(read)

    def count_numbers(self) -> int:
        return self._read(lambda conn: _count(conn, "1", ()))

    def update_number(self, sid: str, changes: Mapping[str, Any]) -> PhoneNumberRecord:
        """Update columns of a number, keeping the trunk/application invariant."""
        return self._update(sid, changes, _get_number, UnknownPhoneNumberError, self._update_number)

    def delete_number(self, sid: str) -> None:
        """Release a number (which also removes it from its trunk)."""
        with self._tx() as conn:
            if conn.execute("DELETE FROM phone_numbers WHERE sid = ?", (sid,)).rowcount == 0:
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
        with self._tx() as conn:
            _found(_get_trunk(conn, trunk_sid), UnknownTrunkError, trunk_sid)
            number = _found(_get_number(conn, number_sid), UnknownPhoneNumberError, number_sid)
            if number.trunk_sid is not None and policy == "reject":
                raise AlreadyBoundError(
                    number_sid, number.trunk_sid, status=conflict_status, code=conflict_code
                )
            return self._update_number(conn, number, {"trunk_sid": trunk_sid})

    def unbind_number(self, trunk_sid: str, number_sid: str) -> None:
        """Take a number off a trunk; :class:`UnknownPhoneNumberError` if it is not on it."""
        with self._tx() as conn:
            number = _get_number(conn, number_sid)
            if number is None or number.trunk_sid != trunk_sid:
                raise UnknownPhoneNumberError(number_sid, f"/Trunks/{trunk_sid}/PhoneNumbers/{number_sid}")
            self._update_number(conn, number, {"trunk_sid": None})

    # ------------------------------------------------------------------ seeding
    def apply_seed(self, seed: SeedDocument, *, summary: bool = False) -> dict[str, Any]:
        """Apply a validated seed idempotently, in one transaction.

        Returns the resulting records as JSON, or with ``summary`` only how many of each
        were applied (a 50,000-number seed would otherwise answer with tens of megabytes).
        New numbers that conflict with nothing are inserted in batches with ``executemany``.
        """
        trunks: list[TrunkRecord] = []
        number_sids: list[str] = []
        with self._tx() as conn:
            for entry in seed.trunks:
                fields = {k: v for k, v in entry.items() if k != "sid"}
                existing = self._match_trunk(conn, entry)
                if existing is None:
                    trunks.append(self._insert_trunk(conn, fields, entry.get("sid")))
                else:
                    trunks.append(self._update_trunk(conn, existing, fields))
            batch = _NumberBatch(conn, self._clock())
            for entry in seed.phone_numbers:
                if batch.accepts(entry):
                    number_sids.append(batch.add(entry))
                    continue
                batch.flush()
                fields = {k: v for k, v in entry.items() if k != "sid"}
                existing_number = self._match_number(conn, entry)
                if existing_number is None:
                    record = self._insert_number(conn, fields, entry.get("sid"))
                else:
                    record = self._update_number(conn, existing_number, fields)
                batch.remember(record)
                number_sids.append(record.sid)
            batch.flush()
            if summary:
                return {"trunks": len(trunks), "phone_numbers": len(number_sids)}
            numbers = [_get_number(conn, sid) for sid in number_sids]
        return {
            "trunks": [t.to_json() for t in trunks],
            "phone_numbers": [n.to_json() for n in numbers if n is not None],
        }

    def generate(self, spec: GenerateSpec) -> dict[str, Any]:
        """Create ``spec.trunks`` trunks and ``spec.numbers`` numbers in one transaction.

        Returns the new trunks as JSON and the number counts (see :mod:`.bulk`).
        """
        with self._tx() as conn:
            trunk_sids = [
                self._insert_trunk(conn, trunk_fields(spec, i), None).sid for i in range(spec.trunks)
            ]
            taken = {row[0] for row in conn.execute("SELECT phone_number FROM phone_numbers")}
            now = self._clock()
            rows = (
                _number_row({"phone_number": phone, "trunk_sid": trunk}, new_sid("PN"), now)
                for phone, trunk in zip(
                    free_phone_numbers(spec.first_number, spec.numbers, taken),
                    trunk_assignments(spec, trunk_sids),
                    strict=True,
                )
            )
            conn.executemany(_INSERT_NUMBER, rows)
            trunks = [_get_trunk(conn, sid) for sid in trunk_sids]
        return {
            "trunks": [t.to_json() for t in trunks if t is not None],
            "phone_numbers": spec.numbers,
            "bound": sum(spec.bound),
        }

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Every record, as plain JSON (for ``GET /_emulator/state``)."""
        return {
            "trunks": [t.to_json() for t in self.list_trunks()],
            "phone_numbers": [n.to_json() for n in self.list_numbers()],
        }

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _match_trunk(conn: sqlite3.Connection, entry: Mapping[str, Any]) -> TrunkRecord | None:
        if entry.get("sid"):
            return _get_trunk(conn, entry["sid"])
        for column in ("domain_name", "friendly_name"):
            value = entry.get(column)
            if value is not None:
                row = conn.execute(
                    f"SELECT * FROM trunks WHERE {column} = ? ORDER BY date_created, sid",  # noqa: S608
                    (value,),
                ).fetchone()
                return None if row is None else _trunk(row)
        return None

    @staticmethod
    def _match_number(conn: sqlite3.Connection, entry: Mapping[str, Any]) -> PhoneNumberRecord | None:
        by_phone = conn.execute(
            "SELECT * FROM phone_numbers WHERE phone_number = ?", (entry["phone_number"],)
        ).fetchone()
        if entry.get("sid"):
            if by_phone is not None and by_phone["sid"] != entry["sid"]:
                raise PhoneNumberTakenError(entry["phone_number"])
            return _get_number(conn, entry["sid"])
        return None if by_phone is None else _number(by_phone)

    def _insert_trunk(
        self, conn: sqlite3.Connection, fields: Mapping[str, Any], sid: str | None
    ) -> TrunkRecord:
        sid = _unused_sid(conn, sid, "TK", _get_trunk)
        _check_domain_free(conn, fields.get("domain_name"), sid)
        now = self._clock()
        values = {**TRUNK_DEFAULTS, **fields, "sid": sid, "date_created": now, "date_updated": now}
        _insert(conn, "trunks", TRUNK_COLUMNS, values)
        return _written(_get_trunk(conn, sid))

    def _update_trunk(
        self, conn: sqlite3.Connection, current: TrunkRecord, changes: Mapping[str, Any]
    ) -> TrunkRecord:
        if "domain_name" in changes:
            _check_domain_free(conn, changes["domain_name"], current.sid)
        self._apply_changes(conn, "trunks", current.to_json(), changes, TRUNK_COLUMNS)
        return _written(_get_trunk(conn, current.sid))

    def _insert_number(
        self, conn: sqlite3.Connection, fields: Mapping[str, Any], sid: str | None
    ) -> PhoneNumberRecord:
        sid = _unused_sid(conn, sid, "PN", _get_number)
        phone = fields["phone_number"]
        if conn.execute("SELECT 1 FROM phone_numbers WHERE phone_number = ?", (phone,)).fetchone():
            raise PhoneNumberTakenError(phone)
        values = {**PHONE_NUMBER_DEFAULTS, **fields}
        if values.get("friendly_name") is None:
            values["friendly_name"] = default_friendly_name(phone)
        values.update(_binding_side_effects(fields))
        _check_trunk_exists(conn, values.get("trunk_sid"))
        now = self._clock()
        values.update(sid=sid, date_created=now, date_updated=now)
        _insert(conn, "phone_numbers", PHONE_NUMBER_COLUMNS, values)
        return _written(_get_number(conn, sid))

    def _update_number(
        self, conn: sqlite3.Connection, current: PhoneNumberRecord, changes: Mapping[str, Any]
    ) -> PhoneNumberRecord:
        merged = {**changes, **_binding_side_effects(changes)}
        if "trunk_sid" in merged:
            _check_trunk_exists(conn, merged["trunk_sid"])
        if "phone_number" in merged and merged["phone_number"] != current.phone_number:
            taken = conn.execute(
                "SELECT 1 FROM phone_numbers WHERE phone_number = ?", (merged["phone_number"],)
            ).fetchone()
            if taken:
                raise PhoneNumberTakenError(merged["phone_number"])
        self._apply_changes(conn, "phone_numbers", current.to_json(), merged, PHONE_NUMBER_COLUMNS)
        return _written(_get_number(conn, current.sid))

    def _apply_changes(
        self,
        conn: sqlite3.Connection,
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
        diff["date_updated"] = self._clock()
        assignments = ", ".join(f"{k} = ?" for k in diff)
        conn.execute(
            f"UPDATE {table} SET {assignments} WHERE sid = ?",  # noqa: S608 - fixed column names
            (*diff.values(), current["sid"]),
        )


_INSERT_NUMBER = (
    f"INSERT INTO phone_numbers ({', '.join(PHONE_NUMBER_COLUMNS)}) "  # noqa: S608 - fixed column names
    f"VALUES ({', '.join('?' for _ in PHONE_NUMBER_COLUMNS)})"
)
_BATCH_SIZE = 5_000
_MAX_OFFSET = 2**62  # SQLite integers are 64-bit; a larger Page simply selects nothing


def _number_row(fields: Mapping[str, Any], sid: str, now: str) -> tuple[Any, ...]:
    """The column values of a new number, defaults and binding side effects applied."""
    values = {**PHONE_NUMBER_DEFAULTS, **fields}
    if values.get("friendly_name") is None:
        values["friendly_name"] = default_friendly_name(values["phone_number"])
    values.update(_binding_side_effects(fields))
    values.update(sid=sid, date_created=now, date_updated=now)
    return tuple(values[c] for c in PHONE_NUMBER_COLUMNS)


class _NumberBatch:
    """New seed numbers that clash with nothing, inserted together with ``executemany``.

    It knows every SID and phone number in the table (read once), so an entry it accepts can
    neither match an existing number nor break a unique constraint; anything else goes through
    the per-entry path after a :meth:`flush`.
    """

    def __init__(self, conn: sqlite3.Connection, now: str) -> None:
        self._conn = conn
        self._now = now
        self._rows: list[tuple[Any, ...]] = []
        self._sids: set[str] = set()
        self._phones: set[str] = set()
        for sid, phone in conn.execute("SELECT sid, phone_number FROM phone_numbers"):
            self._sids.add(sid)
            self._phones.add(phone)
        self._trunks = {row[0] for row in conn.execute("SELECT sid FROM trunks")}

    def accepts(self, entry: Mapping[str, Any]) -> bool:
        trunk = entry.get("trunk_sid")
        return (
            entry["phone_number"] not in self._phones
            and entry.get("sid") not in self._sids
            and (trunk is None or trunk in self._trunks)
        )

    def add(self, entry: Mapping[str, Any]) -> str:
        sid = entry.get("sid") or new_sid("PN")
        fields = {k: v for k, v in entry.items() if k != "sid"}
        self._rows.append(_number_row(fields, sid, self._now))
        self._sids.add(sid)
        self._phones.add(entry["phone_number"])
        if len(self._rows) >= _BATCH_SIZE:
            self.flush()
        return sid

    def remember(self, record: PhoneNumberRecord) -> None:
        self._sids.add(record.sid)
        self._phones.add(record.phone_number)

    def flush(self) -> None:
        if self._rows:
            self._conn.executemany(_INSERT_NUMBER, self._rows)
            self._rows = []


def _binding_side_effects(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Setting a trunk clears the voice application and vice versa."""
    if changes.get("trunk_sid") is not None:
        return {"voice_application_sid": None}
    if changes.get("voice_application_sid") is not None:
        return {"trunk_sid": None}
    return {}


def _check_trunk_exists(conn: sqlite3.Connection, trunk_sid: str | None) -> None:
    if trunk_sid is not None and _get_trunk(conn, trunk_sid) is None:
        raise UnknownTrunkReferenceError(trunk_sid)


def _check_domain_free(conn: sqlite3.Connection, domain: str | None, own_sid: str) -> None:
    if domain is None:
        return
    row = conn.execute("SELECT sid FROM trunks WHERE domain_name = ?", (domain,)).fetchone()
    if row is not None and row["sid"] != own_sid:
        raise DomainTakenError(domain)


def _insert(
    conn: sqlite3.Connection, table: str, columns: tuple[str, ...], values: Mapping[str, Any]
) -> None:
    placeholders = ", ".join("?" for _ in columns)
    conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
        tuple(values[c] for c in columns),
    )


def _count(conn: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> int:
    row = conn.execute(f"SELECT COUNT(*) FROM phone_numbers WHERE {where}", params).fetchone()  # noqa: S608
    return int(row[0])


def _sid(record: PhoneNumberRecord) -> str:
    return record.sid


def _unused_sid(
    conn: sqlite3.Connection, sid: str | None, prefix: str, get: Callable[[sqlite3.Connection, str], object]
) -> str:
    """``sid``, or a new random one with ``prefix``; :class:`DuplicateSidError` if ``get`` finds a row."""
    sid = sid or new_sid(prefix)
    if get(conn, sid) is not None:
        raise DuplicateSidError(sid)
    return sid


def _found(record: _R | None, missing: Callable[[str], Exception], sid: str) -> _R:
    """``record``, or the ``missing(sid)`` error when it is ``None`` (there is no row ``sid``)."""
    if record is None:
        raise missing(sid)
    return record


def _written(record: _R | None) -> _R:
    """A row this transaction has just inserted or updated, read back (so never ``None``)."""
    assert record is not None
    return record


def _get_trunk(conn: sqlite3.Connection, sid: str) -> TrunkRecord | None:
    row = conn.execute("SELECT * FROM trunks WHERE sid = ?", (sid,)).fetchone()
    return None if row is None else _trunk(row)


def _get_number(conn: sqlite3.Connection, sid: str) -> PhoneNumberRecord | None:
    row = conn.execute("SELECT * FROM phone_numbers WHERE sid = ?", (sid,)).fetchone()
    return None if row is None else _number(row)


def _row_values(row: sqlite3.Row, columns: tuple[str, ...], bool_columns: frozenset[str]) -> dict[str, Any]:
    return {c: bool(row[c]) if c in bool_columns else row[c] for c in columns}


def _trunk(row: sqlite3.Row) -> TrunkRecord:
    return TrunkRecord(**_row_values(row, TRUNK_COLUMNS, TRUNK_BOOL_COLUMNS))


def _number(row: sqlite3.Row) -> PhoneNumberRecord:
    return PhoneNumberRecord(**_row_values(row, PHONE_NUMBER_COLUMNS, PHONE_NUMBER_BOOL_COLUMNS))
