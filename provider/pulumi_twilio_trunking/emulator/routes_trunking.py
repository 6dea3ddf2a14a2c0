"""Trunking v1: ``/v1/Trunks`` and ``/v1/Trunks/{TrunkSid}/PhoneNumbers``."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import forms
from .constants import PHONE_NUMBER_SID_RE, TRUNK_SID_RE
from .context import EmulatorContext
from .errors import (
    DOMAIN_TAKEN_ERROR_CODE,
    TwilioError,
    invalid_parameter,
    missing_parameter,
    not_found,
)
from .paging import paginate, parse_page_request
from .records import AlreadyBoundError, DuplicateError, UnknownPhoneNumberError, UnknownTrunkError
from .render import trunk_phone_number_resource, trunk_resource, trunk_url, v1_list
from .routes_common import base_url, json_response, no_content, require, resource_path

_DOMAIN_RE = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.pstn\.twilio\.com$")


def _domain_name(name: str, raw: str) -> str | None:
    if raw == "":
        return None
    if not _DOMAIN_RE.match(raw):
        raise invalid_parameter(name, "must contain letters, digits and '-' and end with pstn.twilio.com")
    return raw


TRUNK_FIELDS: tuple[forms.Field, ...] = (
    forms.Field("FriendlyName", "friendly_name", forms.text(64)),
    forms.Field("DomainName", "domain_name", _domain_name),
    forms.Field("DisasterRecoveryUrl", "disaster_recovery_url", forms.url),
    forms.Field("DisasterRecoveryMethod", "disaster_recovery_method", forms.http_method),
    forms.Field("TransferMode", "transfer_mode", forms.enum("disable-all", "enable-all", "sip-only")),
    forms.Field("Secure", "secure", forms.boolean),
    forms.Field("CnamLookupEnabled", "cnam_lookup_enabled", forms.boolean),
    forms.Field("TransferCallerId", "transfer_caller_id", forms.enum("from-transferee", "from-transferor")),
)


def _domain_taken(exc: DuplicateError) -> TwilioError:
    return TwilioError(400, DOMAIN_TAKEN_ERROR_CODE, f"Trunk Domain already taken: {exc.value}")


def trunking_routes(ctx: EmulatorContext) -> list[Route]:
    """The v1 routes, bound to ``ctx``."""

    def trunk_json(request: Request, sid: str) -> dict[str, object]:
        trunk = ctx.store.get_trunk(sid)
        if trunk is None:
            raise not_found(resource_path(request))
        return trunk_resource(trunk, base_url=base_url(request), account_sid=ctx.credentials.account_sid)

    async def list_trunks(request: Request) -> Response:
        page_request = parse_page_request(request.query_params, "TK")
        result = paginate(ctx.store.list_trunks(), lambda t: t.sid, page_request)
        root = base_url(request)
        resources = [
            trunk_resource(t, base_url=root, account_sid=ctx.credentials.account_sid) for t in result.items
        ]
        return json_response(
            v1_list(
                "trunks",
                resources,
                result,
                list_url=f"{root}/v1/Trunks",
                request_token=request.query_params.get("PageToken") or None,
            )
        )

    async def create_trunk(request: Request) -> Response:
        fields = forms.parse_fields(await forms.read_form(request), TRUNK_FIELDS)
        try:
            trunk = ctx.store.create_trunk(fields)
        except DuplicateError as exc:
            raise _domain_taken(exc) from None
        return json_response(
            trunk_resource(trunk, base_url=base_url(request), account_sid=ctx.credentials.account_sid),
            201,
        )

    async def fetch_trunk(request: Request) -> Response:
        sid = require(TRUNK_SID_RE, request.path_params["Sid"], request)
        return json_response(trunk_json(request, sid))

    async def update_trunk(request: Request) -> Response:
        sid = require(TRUNK_SID_RE, request.path_params["Sid"], request)
        if ctx.store.get_trunk(sid) is None:
            raise not_found(resource_path(request))
        fields = forms.parse_fields(await forms.read_form(request), TRUNK_FIELDS)
        try:
            ctx.store.update_trunk(sid, fields)
        except UnknownTrunkError:
            raise not_found(resource_path(request)) from None
        except DuplicateError as exc:
            raise _domain_taken(exc) from None
        return json_response(trunk_json(request, sid))

    async def delete_trunk(request: Request) -> Response:
        sid = require(TRUNK_SID_RE, request.path_params["Sid"], request)
        try:
            ctx.store.delete_trunk(sid)
        except UnknownTrunkError:
            raise not_found(resource_path(request)) from None
        return no_content()

    def existing_trunk(request: Request) -> str:
        trunk_sid = require(TRUNK_SID_RE, request.path_params["TrunkSid"], request)
        if ctx.store.get_trunk(trunk_sid) is None:
            raise not_found(f"/Trunks/{trunk_sid}")
        return trunk_sid

    def number_json(request: Request, number_sid: str, trunk_sid: str) -> dict[str, object]:
        number = ctx.store.get_number(number_sid)
        if number is None or number.trunk_sid != trunk_sid:
            raise not_found(f"/Trunks/{trunk_sid}/PhoneNumbers/{number_sid}")
        return trunk_phone_number_resource(
            number,
            trunk_sid=trunk_sid,
            base_url=base_url(request),
            account_sid=ctx.credentials.account_sid,
        )

    async def list_numbers(request: Request) -> Response:
        trunk_sid = existing_trunk(request)
        page_request = parse_page_request(request.query_params, "PN")
        result = paginate(ctx.store.list_numbers(trunk_sid=trunk_sid), lambda n: n.sid, page_request)
        root = base_url(request)
        resources = [
            trunk_phone_number_resource(
                n, trunk_sid=trunk_sid, base_url=root, account_sid=ctx.credentials.account_sid
            )
            for n in result.items
        ]
        return json_response(
            v1_list(
                "phone_numbers",
                resources,
                result,
                list_url=f"{trunk_url(root, trunk_sid)}/PhoneNumbers",
                request_token=request.query_params.get("PageToken") or None,
            )
        )

    async def bind_number(request: Request) -> Response:
        trunk_sid = existing_trunk(request)
        form = await forms.read_form(request)
        raw = form.get("PhoneNumberSid")
        if raw is None or raw == "":
            raise missing_parameter("PhoneNumberSid")
        if not PHONE_NUMBER_SID_RE.match(raw):
            raise invalid_parameter("PhoneNumberSid", f"must match {PHONE_NUMBER_SID_RE.pattern}")
        settings = ctx.settings
        try:
            ctx.store.bind_number(trunk_sid, raw, settings.bound_number_policy)
        except UnknownTrunkError:
            raise not_found(f"/Trunks/{trunk_sid}") from None
        except UnknownPhoneNumberError:
            raise not_found(f"/IncomingPhoneNumbers/{raw}") from None
        except AlreadyBoundError as exc:
            raise TwilioError(settings.already_bound_status, settings.already_bound_code, str(exc)) from None
        return json_response(number_json(request, raw, trunk_sid), 201)

    async def fetch_number(request: Request) -> Response:
        trunk_sid = require(TRUNK_SID_RE, request.path_params["TrunkSid"], request)
        number_sid = require(PHONE_NUMBER_SID_RE, request.path_params["Sid"], request)
        return json_response(number_json(request, number_sid, trunk_sid))

    async def unbind_number(request: Request) -> Response:
        trunk_sid = require(TRUNK_SID_RE, request.path_params["TrunkSid"], request)
        number_sid = require(PHONE_NUMBER_SID_RE, request.path_params["Sid"], request)
        try:
            ctx.store.unbind_number(trunk_sid, number_sid)
        except UnknownPhoneNumberError:
            raise not_found(resource_path(request)) from None
        return no_content()

    trunks = "/v1/Trunks"
    trunk = "/v1/Trunks/{Sid}"
    numbers = "/v1/Trunks/{TrunkSid}/PhoneNumbers"
    number = "/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}"
    return [
        Route(trunks, list_trunks, methods=["GET"]),
        Route(trunks, create_trunk, methods=["POST"]),
        Route(trunk, fetch_trunk, methods=["GET"]),
        Route(trunk, update_trunk, methods=["POST"]),
        Route(trunk, delete_trunk, methods=["DELETE"]),
        Route(numbers, list_numbers, methods=["GET"]),
        Route(numbers, bind_number, methods=["POST"]),
        Route(number, fetch_number, methods=["GET"]),
        Route(number, unbind_number, methods=["DELETE"]),
    ]
