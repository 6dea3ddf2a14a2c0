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

from ..backend.queries import NumberFilter
from ..backend.records import PhoneNumberRecord
from ..constants import ACCOUNT_SID_RE, API_VERSION_2010, PHONE_NUMBER_SID_RE
from ..core import forms
from ..core.context import EmulatorContext
from ..core.exceptions import invalid_parameter, missing_parameter, not_found
from ..core.http import json_response, no_content, require
from ..core.paging import parse_page_request
from ..core.render import api2010_list, incoming_phone_number_path, incoming_phone_number_resource
from ..errors import PHONE_NUMBER_UNAVAILABLE_ERROR_CODE, EmulatedTwilioError


def _handler_fields(param: str, column: str) -> tuple[forms.Field, ...]:
    """The ``{param}FallbackMethod``, ``{param}FallbackUrl``, ``{param}Method`` and ``{param}Url`` fields."""
    return (
        forms.Field(f"{param}FallbackMethod", f"{column}_fallback_method", forms.http_method),
        forms.Field(f"{param}FallbackUrl", f"{column}_fallback_url", forms.url),
        forms.Field(f"{param}Method", f"{column}_method", forms.http_method),
        forms.Field(f"{param}Url", f"{column}_url", forms.url),
    )


NUMBER_FIELDS: tuple[forms.Field, ...] = (
    forms.Field("ApiVersion", "api_version", forms.enum(API_VERSION_2010, "2008-08-01")),
    forms.Field("FriendlyName", "friendly_name", forms.text(64)),
    forms.Field("SmsApplicationSid", "sms_application_sid", forms.sid("AP")),
    *_handler_fields("Sms", "sms"),
    forms.Field("StatusCallback", "status_callback", forms.url),
    forms.Field("StatusCallbackMethod", "status_callback_method", forms.http_method),
    forms.Field("VoiceApplicationSid", "voice_application_sid", forms.sid("AP")),
    forms.Field("VoiceCallerIdLookup", "voice_caller_id_lookup", forms.boolean),
    *_handler_fields("Voice", "voice"),
    forms.Field("EmergencyStatus", "emergency_status", forms.enum("Active", "Inactive")),
    forms.Field("EmergencyAddressSid", "emergency_address_sid", forms.sid("AD")),
    forms.Field("TrunkSid", "trunk_sid", forms.sid("TK")),
    forms.Field("IdentitySid", "identity_sid", forms.sid("RI")),
    forms.Field("AddressSid", "address_sid", forms.sid("AD")),
    forms.Field("VoiceReceiveMode", "voice_receive_mode", forms.enum("voice", "fax")),
    forms.Field("BundleSid", "bundle_sid", forms.sid("BU")),
)

_LIST_FILTERS = ("FriendlyName", "Beta", "PhoneNumber", "Origin")


def _list_filter(query: dict[str, str]) -> NumberFilter:
    beta = query.get("Beta")
    return NumberFilter(
        phone_number=query.get("PhoneNumber"),
        friendly_name=query.get("FriendlyName") or None,
        exclude_beta=bool(beta) and not forms.boolean("Beta", beta or ""),
        origin=query.get("Origin") or None,
    )


def _binding_fields(form: dict[str, str]) -> dict[str, Any]:
    fields = forms.parse_fields(form, NUMBER_FIELDS)
    if fields.get("trunk_sid") is not None and fields.get("voice_application_sid") is not None:
        raise invalid_parameter(
            "TrunkSid", "TrunkSid and VoiceApplicationSid cannot both be set in one request"
        )
    return fields


class IncomingPhoneNumbersResponses:
    """The 2010 ``IncomingPhoneNumbers`` handlers of one emulator."""

    def __init__(self, ctx: EmulatorContext) -> None:
        self.ctx = ctx

    def _account(self, request: Request) -> str:
        account_sid = require(ACCOUNT_SID_RE, request.path_params["AccountSid"], request)
        if account_sid != self.ctx.credentials.account_sid:
            raise not_found(request.url.path)
        return account_sid

    def _existing_number(self, request: Request) -> PhoneNumberRecord:
        self._account(request)
        sid = require(PHONE_NUMBER_SID_RE, request.path_params["Sid"], request)
        number = self.ctx.store.get_number(sid)
        if number is None:
            raise not_found(request.url.path)
        return number

    def _render(self, number: PhoneNumberRecord) -> dict[str, Any]:
        return incoming_phone_number_resource(number, account_sid=self.ctx.credentials.account_sid)

    async def list_numbers(self, request: Request) -> Response:
        account_sid = self._account(request)
        query = dict(request.query_params)
        page_request = parse_page_request(query, "PN")
        result = self.ctx.store.page_numbers(_list_filter(query), page_request)
        filters = [(k, query[k]) for k in _LIST_FILTERS if query.get(k)]
        return json_response(
            api2010_list(
                "incoming_phone_numbers",
                [self._render(n) for n in result.items],
                result,
                list_path=incoming_phone_number_path(account_sid),
                filters=filters,
                request_token=query.get("PageToken") or None,
            )
        )

    async def create_number(self, request: Request) -> Response:
        self._account(request)
        form = await forms.read_form(request)
        fields = _binding_fields(form)
        if form.get("PhoneNumber"):
            fields["phone_number"] = forms.e164("PhoneNumber", form["PhoneNumber"])
        elif form.get("AreaCode"):
            fields["phone_number"] = self._free_number(form["AreaCode"])
        else:
            raise missing_parameter("PhoneNumber")
        return json_response(self._render(self.ctx.store.create_number(fields)), 201)

    async def fetch_number(self, request: Request) -> Response:
        return json_response(self._render(self._existing_number(request)))

    async def update_number(self, request: Request) -> Response:
        number = self._existing_number(request)
        form = await forms.read_form(request)
        target_account = form.get("AccountSid")
        if target_account and target_account != self.ctx.credentials.account_sid:
            raise invalid_parameter(
                "AccountSid", "moving numbers between accounts is not supported by the emulator"
            )
        fields = _binding_fields(form)
        return json_response(self._render(self.ctx.store.update_number(number.sid, fields)))

    async def delete_number(self, request: Request) -> Response:
        number = self._existing_number(request)
        self.ctx.store.delete_number(number.sid)
        return no_content()

    def _free_number(self, area_code: str) -> str:
        if not re.fullmatch(r"[2-9][0-9]{2}", area_code):
            raise invalid_parameter("AreaCode", "must be a 3-digit North American area code")
        rng = random.Random()  # noqa: S311 - picking a fake phone number
        for _ in range(200):
            candidate = f"+1{area_code}555{rng.randrange(10_000):04d}"
            if self.ctx.store.find_number(candidate) is None:
                return candidate
        raise EmulatedTwilioError(
            400, PHONE_NUMBER_UNAVAILABLE_ERROR_CODE, f"No phone number available in area {area_code}"
        )
