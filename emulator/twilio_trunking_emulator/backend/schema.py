"""The SQLite schema of the store, and rows turned into records.

Lists are ordered by SID, so keyset paging (``PageToken=PA<sid>``) is stable; the index on
``(trunk_sid, sid)`` serves the lists of one trunk.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from .records import (
    PHONE_NUMBER_BOOL_COLUMNS,
    PHONE_NUMBER_COLUMNS,
    TRUNK_BOOL_COLUMNS,
    TRUNK_COLUMNS,
    PhoneNumberRecord,
    TrunkRecord,
)

SCHEMA_VERSION = 1

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

INSERT_NUMBER = (
    f"INSERT INTO phone_numbers ({', '.join(PHONE_NUMBER_COLUMNS)}) "  # noqa: S608 - fixed column names
    f"VALUES ({', '.join('?' for _ in PHONE_NUMBER_COLUMNS)})"
)


def connect(path: str) -> sqlite3.Connection:
    """A connection to the database at ``path`` (``:memory:`` or a file), its schema created.

    It may be used from any thread (the store serialises access) and runs in autocommit mode:
    the store opens every transaction itself.
    """
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript(_SCHEMA)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return conn


def _row_values(row: sqlite3.Row, columns: tuple[str, ...], bool_columns: frozenset[str]) -> dict[str, Any]:
    return {c: bool(row[c]) if c in bool_columns else row[c] for c in columns}


def trunk_from_row(row: sqlite3.Row) -> TrunkRecord:
    return TrunkRecord(**_row_values(row, TRUNK_COLUMNS, TRUNK_BOOL_COLUMNS))


def number_from_row(row: sqlite3.Row) -> PhoneNumberRecord:
    return PhoneNumberRecord(**_row_values(row, PHONE_NUMBER_COLUMNS, PHONE_NUMBER_BOOL_COLUMNS))
