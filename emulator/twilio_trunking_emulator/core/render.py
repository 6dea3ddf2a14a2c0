"""Records → Twilio JSON resources, shaped exactly like the OpenAPI component schemas.

* ``trunking.v1.trunk`` and ``trunking.v1.trunk.phone_number``: ISO-8601 ``Z`` dates,
  absolute ``url``/``links`` built from the emulator's own base URL.
* ``api.v2010.account.incoming_phone_number``: RFC 2822 dates, relative ``uri`` with
  ``.json``.

Every schema property is present.  Empty SIDs and URLs are ``null`` (never ``""``), so
they satisfy the schemas' SID patterns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

from ..backend.paging import PageResult
from ..backend.records import PhoneNumberRecord, TrunkRecord
from ..backend.timefmt import iso_to_rfc2822
from ..constants import API_VERSION_2010

# Number fields both renderings copy as stored, in the order Twilio lists them.
_SMS_FIELDS: Final = (
    "sms_application_sid",
    "sms_fallback_method",
    "sms_fallback_url",
    "sms_method",
    "sms_url",
    "status_callback",
    "status_callback_method",
)
_VOICE_FIELDS: Final = (
    "voice_application_sid",
    "voice_caller_id_lookup",
    "voice_fallback_method",
    "voice_fallback_url",
    "voice_method",
    "voice_url",
)


def _fields(number: PhoneNumberRecord, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(number, name) for name in names}


def trunk_url(base_url: str, trunk_sid: str) -> str:
    return f"{base_url}/v1/Trunks/{trunk_sid}"


def incoming_phone_number_path(account_sid: str, number_sid: str | None = None) -> str:
    root = f"/{API_VERSION_2010}/Accounts/{account_sid}/IncomingPhoneNumbers"
    return f"{root}.json" if number_sid is None else f"{root}/{number_sid}.json"


def trunk_resource(trunk: TrunkRecord, *, base_url: str, account_sid: str) -> dict[str, Any]:
    url = trunk_url(base_url, trunk.sid)
    return {
        "account_sid": account_sid,
        "domain_name": trunk.domain_name,
        "disaster_recovery_method": trunk.disaster_recovery_method,
        "disaster_recovery_url": trunk.disaster_recovery_url,
        "friendly_name": trunk.friendly_name,
        "secure": trunk.secure,
        "recording": {"mode": trunk.recording_mode, "trim": trunk.recording_trim},
        "transfer_mode": trunk.transfer_mode,
        "transfer_caller_id": trunk.transfer_caller_id,
        "cnam_lookup_enabled": trunk.cnam_lookup_enabled,
        "auth_type": "",
        "symmetric_rtp_enabled": trunk.symmetric_rtp_enabled,
        "auth_type_set": [],
        "date_created": trunk.date_created,
        "date_updated": trunk.date_updated,
        "sid": trunk.sid,
        "url": url,
        "links": {
            "origination_urls": f"{url}/OriginationUrls",
            "credential_lists": f"{url}/CredentialLists",
            "ip_access_control_lists": f"{url}/IpAccessControlLists",
            "phone_numbers": f"{url}/PhoneNumbers",
        },
    }


def _capabilities(number: PhoneNumberRecord) -> dict[str, bool]:
    return {
        "mms": number.cap_mms,
        "sms": number.cap_sms,
        "voice": number.cap_voice,
        "fax": number.cap_fax,
    }


def trunk_phone_number_resource(
    number: PhoneNumberRecord, *, trunk_sid: str, base_url: str, account_sid: str
) -> dict[str, Any]:
    """The number as seen through ``/v1/Trunks/{trunk_sid}/PhoneNumbers``."""
    incoming = f"{base_url}/{API_VERSION_2010}/Accounts/{account_sid}/IncomingPhoneNumbers"
    return {
        "account_sid": account_sid,
        "address_requirements": number.address_requirements,
        "api_version": number.api_version,
        "beta": number.beta,
        "capabilities": _capabilities(number),
        "date_created": number.date_created,
        "date_updated": number.date_updated,
        "friendly_name": number.friendly_name,
        "links": {"phone_number": f"{incoming}/{number.sid}"},
        "phone_number": number.phone_number,
        "sid": number.sid,
        **_fields(number, _SMS_FIELDS),
        "trunk_sid": trunk_sid,
        "url": f"{trunk_url(base_url, trunk_sid)}/PhoneNumbers/{number.sid}",
        **_fields(number, _VOICE_FIELDS),
    }


def incoming_phone_number_resource(number: PhoneNumberRecord, *, account_sid: str) -> dict[str, Any]:
    return {
        "account_sid": account_sid,
        "address_sid": number.address_sid,
        "address_requirements": number.address_requirements,
        "api_version": number.api_version,
        "beta": number.beta,
        "capabilities": _capabilities(number),
        "date_created": iso_to_rfc2822(number.date_created),
        "date_updated": iso_to_rfc2822(number.date_updated),
        "friendly_name": number.friendly_name,
        "identity_sid": number.identity_sid,
        "phone_number": number.phone_number,
        "origin": number.origin,
        "sid": number.sid,
        **_fields(number, _SMS_FIELDS),
        "trunk_sid": number.trunk_sid,
        "uri": incoming_phone_number_path(account_sid, number.sid),
        "voice_receive_mode": number.voice_receive_mode,
        **_fields(number, _VOICE_FIELDS),
        "emergency_status": number.emergency_status,
        "emergency_address_sid": number.emergency_address_sid,
        "emergency_address_status": number.emergency_address_status,
        "bundle_sid": number.bundle_sid,
        "status": number.status,
        "type": number.type,
    }


def _page_query(filters: Sequence[tuple[str, str]], page_size: int, page: int, token: str | None) -> str:
    params: list[tuple[str, str]] = [*filters, ("PageSize", str(page_size)), ("Page", str(page))]
    if token is not None:
        params.append(("PageToken", token))
    return urlencode(params)


@dataclass(frozen=True)
class _PageLinks:
    first: str
    current: str
    next: str | None
    previous: str | None


def _page_links(
    result: PageResult[Any], list_url: str, filters: Sequence[tuple[str, str]], request_token: str | None
) -> _PageLinks:
    """The first, current, next and previous page links of a page: ``list_url`` with paging parameters
    after the ``filters``."""

    def link(page: int, token: str | None) -> str:
        return f"{list_url}?{_page_query(filters, result.page_size, page, token)}"

    previous = None
    if result.has_previous:
        token = result.previous_token.encode() if result.previous_token else None
        previous = link(max(result.page - 1, 0), token)
    following = link(result.page + 1, result.next_token.encode()) if result.next_token else None
    return _PageLinks(link(0, None), link(result.page, request_token), following, previous)


def v1_list(
    key: str,
    resources: list[dict[str, Any]],
    result: PageResult[Any],
    *,
    list_url: str,
    request_token: str | None,
) -> dict[str, Any]:
    """A v1 list envelope: ``{key: [...], "meta": {...}}`` with absolute URLs."""
    links = _page_links(result, list_url, (), request_token)
    return {
        key: resources,
        "meta": {
            "first_page_url": links.first,
            "key": key,
            "next_page_url": links.next,
            "page": result.page,
            "page_size": result.page_size,
            "previous_page_url": links.previous,
            "url": links.current,
        },
    }


def api2010_list(
    key: str,
    resources: list[dict[str, Any]],
    result: PageResult[Any],
    *,
    list_path: str,
    filters: Sequence[tuple[str, str]],
    request_token: str | None,
) -> dict[str, Any]:
    """A 2010 list envelope: flat paging fields with relative ``*_uri`` values."""
    links = _page_links(result, list_path, filters, request_token)
    return {
        key: resources,
        "end": result.start + max(len(resources) - 1, 0),
        "first_page_uri": links.first,
        "next_page_uri": links.next,
        "page": result.page,
        "page_size": result.page_size,
        "previous_page_uri": links.previous,
        "start": result.start,
        "uri": links.current,
    }
