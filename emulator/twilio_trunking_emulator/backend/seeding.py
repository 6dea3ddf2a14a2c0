"""Applying a validated seed (:mod:`.seed`) to the store, idempotently, in one transaction.

Seeding is idempotent, so a persisted ``--db`` with the same ``--seed`` on every start
neither duplicates nor loses anything.  An entry is matched to an existing row by

* trunks: ``sid``, else ``domain_name``, else ``friendly_name``;
* numbers: ``sid``, else ``phone_number``;

and then only the keys present in the entry are updated.  Unmatched entries are created
(with a random SID unless one is given).  Trunks are applied before numbers, so a number
may name a trunk of the same seed in ``trunk_sid``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .exceptions import PhoneNumberTakenError
from .records import PhoneNumberRecord, TrunkRecord
from .rows import Rows, new_sid, number_row
from .schema import INSERT_NUMBER, number_from_row, trunk_from_row
from .seed import SeedDocument

_BATCH_SIZE = 5_000


def apply_seed(rows: Rows, seed: SeedDocument, *, summary: bool = False) -> dict[str, Any]:
    """Apply ``seed`` in the transaction of ``rows``.

    Returns the resulting records as JSON, or with ``summary`` only how many of each
    were applied (a 50,000-number seed would otherwise answer with tens of megabytes).
    New numbers that conflict with nothing are inserted in batches with ``executemany``.
    """
    trunks: list[TrunkRecord] = []
    number_sids: list[str] = []
    for entry in seed.trunks:
        fields = {k: v for k, v in entry.items() if k != "sid"}
        existing = _match_trunk(rows, entry)
        if existing is None:
            trunks.append(rows.insert_trunk(fields, entry.get("sid")))
        else:
            trunks.append(rows.update_trunk(existing, fields))
    batch = _NumberBatch(rows)
    for entry in seed.phone_numbers:
        if batch.accepts(entry):
            number_sids.append(batch.add(entry))
            continue
        batch.flush()
        fields = {k: v for k, v in entry.items() if k != "sid"}
        existing_number = _match_number(rows, entry)
        if existing_number is None:
            record = rows.insert_number(fields, entry.get("sid"))
        else:
            record = rows.update_number(existing_number, fields)
        batch.remember(record)
        number_sids.append(record.sid)
    batch.flush()
    if summary:
        return {"trunks": len(trunks), "phone_numbers": len(number_sids)}
    numbers = [rows.number(sid) for sid in number_sids]
    return {
        "trunks": [t.to_json() for t in trunks],
        "phone_numbers": [n.to_json() for n in numbers if n is not None],
    }


def _match_trunk(rows: Rows, entry: Mapping[str, Any]) -> TrunkRecord | None:
    if entry.get("sid"):
        return rows.trunk(entry["sid"])
    for column in ("domain_name", "friendly_name"):
        value = entry.get(column)
        if value is not None:
            row = rows.conn.execute(
                f"SELECT * FROM trunks WHERE {column} = ? ORDER BY date_created, sid",  # noqa: S608
                (value,),
            ).fetchone()
            return None if row is None else trunk_from_row(row)
    return None


def _match_number(rows: Rows, entry: Mapping[str, Any]) -> PhoneNumberRecord | None:
    by_phone = rows.conn.execute(
        "SELECT * FROM phone_numbers WHERE phone_number = ?", (entry["phone_number"],)
    ).fetchone()
    if entry.get("sid"):
        if by_phone is not None and by_phone["sid"] != entry["sid"]:
            raise PhoneNumberTakenError(entry["phone_number"])
        return rows.number(entry["sid"])
    return None if by_phone is None else number_from_row(by_phone)


class _NumberBatch:
    """New seed numbers that clash with nothing, inserted together with ``executemany``.

    It knows every SID and phone number in the table (read once), so an entry it accepts can
    neither match an existing number nor break a unique constraint; anything else goes through
    the per-entry path after a :meth:`flush`.
    """

    def __init__(self, rows: Rows) -> None:
        conn = rows.conn
        self._conn = conn
        self._now = rows.clock()
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
        self._rows.append(number_row(fields, sid, self._now))
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
            self._conn.executemany(INSERT_NUMBER, self._rows)
            self._rows = []
