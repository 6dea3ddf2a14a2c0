"""API 2010: ``/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers[/{Sid}].json``.

Choices where Twilio documents nothing (assumptions):

* An ``AccountSid`` path segment other than the authenticated account answers 404/20404,
  like any resource the credentials cannot see.
* ``TrunkSid`` naming a trunk that does not exist answers 400/20001 ("Invalid TrunkSid").
* ``TrunkSid`` and ``VoiceApplicationSid`` both non-empty in one request answer 400/20001.
* Provisioning (``POST …/IncomingPhoneNumbers.json``) needs ``PhoneNumber`` (E.164) or a
  3-digit ``AreaCode`` (a free ``+1<area>555xxxx`` number is picked); an already
  provisioned number answers 400/21422.
"""

from __future__ import annotations

import random
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import forms
from .constants import ACCOUNT_SID_RE, API_VERSION_2010, PHONE_NUMBER_SID_RE
from .context import EmulatorContext
from .errors import (
    PHONE_NUMBER_UNAVAILABLE_ERROR_CODE,
    TwilioError,
    invalid_parameter,
    missing_parameter,
    not_found,
)
from .paging import paginate, parse_page_request
from .records import DuplicateError, PhoneNumberRecord, UnknownPhoneNumberError, UnknownTrunkError
from .render import api2010_list, incoming_phone_number_path, incoming_phone_number_resource
from .routes_common import json_response, no_content, require

NUMBER_FIELDS: tuple[forms.Field, ...] = (
    forms.Field("ApiVersion", "api_version", forms.enum(API_VERSION_2010, "2008-08-01")),
    forms.Field("FriendlyName", "friendly_name", forms.text(64)),
    forms.Field("SmsApplicationSid", "sms_application_sid", forms.sid("AP")),
    forms.Field("SmsFallbackMethod", "sms_fallback_method", forms.http_method),
    forms.Field("SmsFallbackUrl", "sms_fallback_url", forms.url),
    forms.Field("SmsMethod", "sms_method", forms.http_method),
    forms.Field("SmsUrl", "sms_url", forms.url),
    forms.Field("StatusCallback", "status_callback", forms.url),
    forms.Field("StatusCallbackMethod", "status_callback_method", forms.http_method),
    forms.Field("VoiceApplicationSid", "voice_application_sid", forms.sid("AP")),
    forms.Field("VoiceCallerIdLookup", "voice_caller_id_lookup", forms.boolean),
    forms.Field("VoiceFallbackMethod", "voice_fallback_method", forms.http_method),
    forms.Field("VoiceFallbackUrl", "voice_fallback_url", forms.url),
    forms.Field("VoiceMethod", "voice_method", forms.http_method),
    forms.Field("VoiceUrl", "voice_url", forms.url),
    forms.Field("EmergencyStatus", "emergency_status", forms.enum("Active", "Inactive")),
    forms.Field("EmergencyAddressSid", "emergency_address_sid", forms.sid("AD")),
    forms.Field("TrunkSid", "trunk_sid", forms.sid("TK")),
    forms.Field("IdentitySid", "identity_sid", forms.sid("RI")),
    forms.Field("AddressSid", "address_sid", forms.sid("AD")),
    forms.Field("VoiceReceiveMode", "voice_receive_mode", forms.enum("voice", "fax")),
    forms.Field("BundleSid", "bundle_sid", forms.sid("BU")),
)

_LIST_FILTERS = ("FriendlyName", "Beta", "PhoneNumber", "Origin")


def phone_number_pattern(raw: str) -> re.Pattern[str]:
    """Twilio's ``PhoneNumber`` filter: a partial number where ``*`` stands for any digit.

    A ``+`` sent unencoded arrives as a space; surrounding blanks are ignored.
    """
    value = raw.strip()
    return re.compile("".join(r"\d" if c == "*" else re.escape(c) for c in value))


def _filter_numbers(numbers: list[PhoneNumberRecord], query: dict[str, str]) -> list[PhoneNumberRecord]:
    phone = query.get("PhoneNumber")
    if phone is not None and phone.strip():
        pattern = phone_number_pattern(phone)
        numbers = [n for n in numbers if pattern.search(n.phone_number)]
    friendly = query.get("FriendlyName")
    if friendly is not None and friendly != "":
        numbers = [n for n in numbers if n.friendly_name == friendly]
    beta = query.get("Beta")
    if beta is not None and beta != "" and not forms.boolean("Beta", beta):
        numbers = [n for n in numbers if not n.beta]
    origin = query.get("Origin")
    if origin is not None and origin != "":
        numbers = [n for n in numbers if n.origin == origin]
    return numbers


def _binding_fields(form: dict[str, str]) -> dict[str, Any]:
    fields = forms.parse_fields(form, NUMBER_FIELDS)
    if fields.get("trunk_sid") is not None and fields.get("voice_application_sid") is not None:
        raise invalid_parameter(
            "TrunkSid", "TrunkSid and VoiceApplicationSid cannot both be set in one request"
        )
    return fields


def _unknown_trunk(exc: UnknownTrunkError) -> TwilioError:
    return invalid_parameter("TrunkSid", f"trunk {exc.trunk_sid} not found")


def api2010_routes(ctx: EmulatorContext) -> list[Route]:
    """The 2010 IncomingPhoneNumbers routes, bound to ``ctx``."""

    def account(request: Request) -> str:
        account_sid = require(ACCOUNT_SID_RE, request.path_params["AccountSid"], request)
        if account_sid != ctx.credentials.account_sid:
            raise not_found(request.url.path)
        return account_sid

    def existing_number(request: Request) -> PhoneNumberRecord:
        account(request)
        sid = require(PHONE_NUMBER_SID_RE, request.path_params["Sid"], request)
        number = ctx.store.get_number(sid)
        if number is None:
            raise not_found(request.url.path)
        return number

    def render(number: PhoneNumberRecord) -> dict[str, Any]:
        return incoming_phone_number_resource(number, account_sid=ctx.credentials.account_sid)

    async def list_numbers(request: Request) -> Response:
        account_sid = account(request)
        query = dict(request.query_params)
        page_request = parse_page_request(query, "PN")
        numbers = _filter_numbers(ctx.store.list_numbers(), query)
        result = paginate(numbers, lambda n: n.sid, page_request)
        filters = [(k, query[k]) for k in _LIST_FILTERS if query.get(k)]
        return json_response(
            api2010_list(
                "incoming_phone_numbers",
                [render(n) for n in result.items],
                result,
                list_path=incoming_phone_number_path(account_sid),
                filters=filters,
                request_token=query.get("PageToken") or None,
            )
        )

    async def create_number(request: Request) -> Response:
        account(request)
        form = await forms.read_form(request)
        fields = _binding_fields(form)
        if form.get("PhoneNumber"):
            fields["phone_number"] = forms.e164("PhoneNumber", form["PhoneNumber"])
        elif form.get("AreaCode"):
            fields["phone_number"] = _free_number(ctx, form["AreaCode"])
        else:
            raise missing_parameter("PhoneNumber")
        try:
            number = ctx.store.create_number(fields)
        except UnknownTrunkError as exc:
            raise _unknown_trunk(exc) from None
        except DuplicateError:
            raise TwilioError(
                400,
                PHONE_NUMBER_UNAVAILABLE_ERROR_CODE,
                f"PhoneNumber {fields['phone_number']} is not available",
            ) from None
        return json_response(render(number), 201)

    async def fetch_number(request: Request) -> Response:
        return json_response(render(existing_number(request)))

    async def update_number(request: Request) -> Response:
        number = existing_number(request)
        form = await forms.read_form(request)
        target_account = form.get("AccountSid")
        if target_account and target_account != ctx.credentials.account_sid:
            raise invalid_parameter(
                "AccountSid", "moving numbers between accounts is not supported by the emulator"
            )
        fields = _binding_fields(form)
        try:
            updated = ctx.store.update_number(number.sid, fields)
        except UnknownTrunkError as exc:
            raise _unknown_trunk(exc) from None
        except UnknownPhoneNumberError:
            raise not_found(request.url.path) from None
        return json_response(render(updated))

    async def delete_number(request: Request) -> Response:
        number = existing_number(request)
        try:
            ctx.store.delete_number(number.sid)
        except UnknownPhoneNumberError:
            raise not_found(request.url.path) from None
        return no_content()

    root = f"/{API_VERSION_2010}/Accounts/{{AccountSid}}/IncomingPhoneNumbers"
    return [
        Route(f"{root}.json", list_numbers, methods=["GET"]),
        Route(f"{root}.json", create_number, methods=["POST"]),
        Route(f"{root}/{{Sid}}.json", fetch_number, methods=["GET"]),
        Route(f"{root}/{{Sid}}.json", update_number, methods=["POST"]),
        Route(f"{root}/{{Sid}}.json", delete_number, methods=["DELETE"]),
    ]


def _free_number(ctx: EmulatorContext, area_code: str) -> str:
    if not re.fullmatch(r"[2-9][0-9]{2}", area_code):
        raise invalid_parameter("AreaCode", "must be a 3-digit North American area code")
    rng = random.Random()  # noqa: S311 - picking a fake phone number
    for _ in range(200):
        candidate = f"+1{area_code}555{rng.randrange(10_000):04d}"
        if ctx.store.find_number(candidate) is None:
            return candidate
    raise TwilioError(
        400, PHONE_NUMBER_UNAVAILABLE_ERROR_CODE, f"No phone number available in area {area_code}"
    )
