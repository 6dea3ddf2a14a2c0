"""Plain data records held by the store (its errors are in :mod:`.exceptions`).

Records carry stored values only; rendering them as Twilio resources (URLs, date formats,
the account SID) is the job of :mod:`twilio_trunking_emulator.core.render`.  Timestamps are
UTC ISO-8601 strings with a ``Z`` suffix and one-second precision.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class _Record:
    """A stored row; :meth:`to_json` gives its columns as a plain dict."""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class TrunkRecord(_Record):
    sid: str
    friendly_name: str | None
    domain_name: str | None
    disaster_recovery_url: str | None
    disaster_recovery_method: str | None
    transfer_mode: str
    transfer_caller_id: str
    secure: bool
    cnam_lookup_enabled: bool
    symmetric_rtp_enabled: bool
    recording_mode: str
    recording_trim: str
    date_created: str
    date_updated: str


@dataclass(frozen=True)
class PhoneNumberRecord(_Record):
    sid: str
    phone_number: str
    friendly_name: str | None
    trunk_sid: str | None
    voice_application_sid: str | None
    voice_url: str | None
    voice_method: str | None
    voice_fallback_url: str | None
    voice_fallback_method: str | None
    voice_caller_id_lookup: bool
    voice_receive_mode: str
    sms_application_sid: str | None
    sms_url: str | None
    sms_method: str | None
    sms_fallback_url: str | None
    sms_fallback_method: str | None
    status_callback: str | None
    status_callback_method: str | None
    api_version: str
    beta: bool
    cap_voice: bool
    cap_sms: bool
    cap_mms: bool
    cap_fax: bool
    address_requirements: str
    address_sid: str | None
    identity_sid: str | None
    bundle_sid: str | None
    emergency_status: str
    emergency_address_sid: str | None
    emergency_address_status: str
    origin: str
    status: str
    type: str
    date_created: str
    date_updated: str


TRUNK_COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(TrunkRecord))
PHONE_NUMBER_COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(PhoneNumberRecord))
TRUNK_BOOL_COLUMNS: frozenset[str] = frozenset({"secure", "cnam_lookup_enabled", "symmetric_rtp_enabled"})
PHONE_NUMBER_BOOL_COLUMNS: frozenset[str] = frozenset(
    {"voice_caller_id_lookup", "beta", "cap_voice", "cap_sms", "cap_mms", "cap_fax"}
)

TRUNK_DEFAULTS: dict[str, Any] = {
    "friendly_name": None,
    "domain_name": None,
    "disaster_recovery_url": None,
    "disaster_recovery_method": None,
    "transfer_mode": "disable-all",
    "transfer_caller_id": "from-transferee",
    "secure": False,
    "cnam_lookup_enabled": False,
    "symmetric_rtp_enabled": False,
    "recording_mode": "do-not-record",
    "recording_trim": "do-not-trim",
}

PHONE_NUMBER_DEFAULTS: dict[str, Any] = {
    "friendly_name": None,
    "trunk_sid": None,
    "voice_application_sid": None,
    "voice_url": None,
    "voice_method": "POST",
    "voice_fallback_url": None,
    "voice_fallback_method": "POST",
    "voice_caller_id_lookup": False,
    "voice_receive_mode": "voice",
    "sms_application_sid": None,
    "sms_url": None,
    "sms_method": "POST",
    "sms_fallback_url": None,
    "sms_fallback_method": "POST",
    "status_callback": None,
    "status_callback_method": "POST",
    "api_version": "2010-04-01",
    "beta": False,
    "cap_voice": True,
    "cap_sms": True,
    "cap_mms": True,
    "cap_fax": False,
    "address_requirements": "none",
    "address_sid": None,
    "identity_sid": None,
    "bundle_sid": None,
    "emergency_status": "Inactive",
    "emergency_address_sid": None,
    "emergency_address_status": "unregistered",
    "origin": "twilio",
    "status": "in-use",
    "type": "local",
}
