"""Seed documents (the ``--seed`` file and ``POST /_emulator/seed``): the format, and its validation.

A seed looks like this; every key except ``phone_numbers[].phone_number`` is optional::

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

This module only turns the JSON into per-entity column dictionaries and rejects anything
malformed with a :class:`SeedError` that names the offending entry; :mod:`.seeding` applies
a validated seed (idempotently: how entries match existing rows is documented there).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..constants import E164_RE, PHONE_NUMBER_SID_RE, TRUNK_SID_RE
from ..jsonobject import json_object
from .records import (
    PHONE_NUMBER_BOOL_COLUMNS,
    PHONE_NUMBER_COLUMNS,
    TRUNK_BOOL_COLUMNS,
    TRUNK_COLUMNS,
)

_DATE_COLUMNS = frozenset({"date_created", "date_updated"})
_CAPABILITY_KEYS = ("voice", "sms", "mms", "fax")
_TRUNK_KEYS = frozenset(TRUNK_COLUMNS) - _DATE_COLUMNS
_NUMBER_KEYS = (frozenset(PHONE_NUMBER_COLUMNS) - _DATE_COLUMNS - {f"cap_{k}" for k in _CAPABILITY_KEYS}) | {
    "capabilities"
}


class SeedError(ValueError):
    """A seed document is malformed."""


@dataclass(frozen=True)
class SeedDocument:
    """Validated seed: column → value mappings, in document order."""

    trunks: tuple[dict[str, Any], ...]
    phone_numbers: tuple[dict[str, Any], ...]


def load_seed_file(path: str | os.PathLike[str]) -> SeedDocument:
    """Read and validate a seed JSON file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SeedError(f"cannot read seed file {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise SeedError(f"seed file {path} is not valid JSON: {exc.msg} (line {exc.lineno})") from exc
    return parse_seed(data)


def parse_seed(data: object) -> SeedDocument:
    """Validate a decoded seed document."""
    data = json_object(
        data,
        {"trunks", "phone_numbers"},
        SeedError,
        "seed document must be a JSON object",
        "unknown seed keys: {}",
    )
    trunks = _entries(data.get("trunks", []), "trunks")
    numbers = _entries(data.get("phone_numbers", []), "phone_numbers")
    return SeedDocument(
        trunks=tuple(_parse_trunk(t, f"trunks[{i}]") for i, t in enumerate(trunks)),
        phone_numbers=tuple(_parse_number(n, f"phone_numbers[{i}]") for i, n in enumerate(numbers)),
    )


def _entries(value: object, key: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SeedError(f"{key} must be a list of objects")
    return value


def _parse_trunk(entry: dict[str, Any], where: str) -> dict[str, Any]:
    _reject_unknown(entry, _TRUNK_KEYS, where)
    out = {key: _column(key, value, TRUNK_BOOL_COLUMNS, where) for key, value in entry.items()}
    _check_sid(out, TRUNK_SID_RE, where)
    for required in ("transfer_mode", "transfer_caller_id", "recording_mode", "recording_trim"):
        if required in out and out[required] is None:
            raise SeedError(f"{where}.{required} must not be null")
    return out


def _parse_number(entry: dict[str, Any], where: str) -> dict[str, Any]:
    _reject_unknown(entry, _NUMBER_KEYS, where)
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if key == "capabilities":
            out.update(_capabilities(value, f"{where}.capabilities"))
        else:
            out[key] = _column(key, value, PHONE_NUMBER_BOOL_COLUMNS, where)
    phone = out.get("phone_number")
    if not isinstance(phone, str) or not E164_RE.match(phone):
        raise SeedError(f"{where}.phone_number is required and must be E.164 (+14155550100)")
    _check_sid(out, PHONE_NUMBER_SID_RE, where)
    trunk_sid = out.get("trunk_sid")
    if trunk_sid is not None and not TRUNK_SID_RE.match(trunk_sid):
        raise SeedError(f"{where}.trunk_sid must match {TRUNK_SID_RE.pattern}")
    return out


def _column(key: str, value: object, bool_columns: frozenset[str], where: str) -> bool | str | None:
    return _bool(value, f"{where}.{key}") if key in bool_columns else _optional_str(value, f"{where}.{key}")


def _check_sid(out: dict[str, Any], pattern: re.Pattern[str], where: str) -> None:
    """A given ``sid`` must match ``pattern``; a null one is dropped (the store makes one)."""
    sid = out.get("sid")
    if sid is not None and not pattern.match(sid):
        raise SeedError(f"{where}.sid must match {pattern.pattern}")
    if sid is None:
        out.pop("sid", None)


def _reject_unknown(entry: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = set(entry) - allowed
    if unknown:
        raise SeedError(f"{where} has unknown keys: {sorted(unknown)}")


def _capabilities(value: object, where: str) -> dict[str, bool]:
    if not isinstance(value, dict):
        raise SeedError(f"{where} must be an object")
    _reject_unknown(value, frozenset(_CAPABILITY_KEYS), where)
    return {f"cap_{k}": _bool(v, f"{where}.{k}") for k, v in value.items()}


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise SeedError(f"{where} must be a boolean")
    return value


def _optional_str(value: object, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise SeedError(f"{where} must be a string or null")
    return value
