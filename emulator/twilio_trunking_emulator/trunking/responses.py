"""Trunking v1 handlers: parse the request, call the store, render the resource.

Store errors carry their Twilio status and code, so they simply propagate to the error handler.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..backend.paging import PageResult, paginate
from ..backend.queries import NumberFilter
from ..constants import PHONE_NUMBER_SID_RE, TRUNK_SID_RE
from ..core import forms
from ..core.context import EmulatorContext
from ..core.exceptions import invalid_parameter, missing_parameter, not_found
from ..core.http import base_url, json_response, no_content, require, resource_path
from ..core.paging import parse_page_request
from ..core.render import trunk_phone_number_resource, trunk_resource, trunk_url, v1_list

_DOMAIN_RE = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.pstn\.twilio\.com\Z")


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


def _list_response(
    request: Request, key: str, resources: list[dict[str, Any]], result: PageResult[Any], list_url: str
) -> Response:
    token = request.query_params.get("PageToken") or None
    return json_response(v1_list(key, resources, result, list_url=list_url, request_token=token))


class TrunkingResponses:
    """The ``/v1/Trunks`` handlers of one emulator."""

    def __init__(self, ctx: EmulatorContext) -> None:
        self.ctx = ctx

    @property
    def _account_sid(self) -> str:
        return self.ctx.credentials.account_sid

    # ------------------------------------------------------------------ trunks
    def _trunk_json(self, request: Request, sid: str) -> dict[str, object]:
        trunk = self.ctx.store.get_trunk(sid)
        if trunk is None:
            raise not_found(resource_path(request))
        return trunk_resource(trunk, base_url=base_url(request), account_sid=self._account_sid)

    async def list_trunks(self, request: Request) -> Response:
        page_request = parse_page_request(request.query_params, "TK")
        result = paginate(self.ctx.store.list_trunks(), lambda t: t.sid, page_request)
        root = base_url(request)
        resources = [trunk_resource(t, base_url=root, account_sid=self._account_sid) for t in result.items]
        return _list_response(request, "trunks", resources, result, f"{root}/v1/Trunks")

    async def create_trunk(self, request: Request) -> Response:
        fields = forms.parse_fields(await forms.read_form(request), TRUNK_FIELDS)
        trunk = self.ctx.store.create_trunk(fields)
        return json_response(
            trunk_resource(trunk, base_url=base_url(request), account_sid=self._account_sid), 201
        )

    async def fetch_trunk(self, request: Request) -> Response:
        sid = require(TRUNK_SID_RE, request.path_params["Sid"], request)
        return json_response(self._trunk_json(request, sid))

    async def update_trunk(self, request: Request) -> Response:
        sid = require(TRUNK_SID_RE, request.path_params["Sid"], request)
        if self.ctx.store.get_trunk(sid) is None:
            raise not_found(resource_path(request))
        fields = forms.parse_fields(await forms.read_form(request), TRUNK_FIELDS)
        self.ctx.store.update_trunk(sid, fields)
        return json_response(self._trunk_json(request, sid))

    async def delete_trunk(self, request: Request) -> Response:
        sid = require(TRUNK_SID_RE, request.path_params["Sid"], request)
        self.ctx.store.delete_trunk(sid)
        return no_content()

    # ------------------------------------------------------------------ trunk phone numbers
    def _existing_trunk(self, request: Request) -> str:
        trunk_sid = require(TRUNK_SID_RE, request.path_params["TrunkSid"], request)
        if self.ctx.store.get_trunk(trunk_sid) is None:
            raise not_found(f"/Trunks/{trunk_sid}")
        return trunk_sid

    def _number_json(self, request: Request, number_sid: str, trunk_sid: str) -> dict[str, object]:
        number = self.ctx.store.get_number(number_sid)
        if number is None or number.trunk_sid != trunk_sid:
            raise not_found(f"/Trunks/{trunk_sid}/PhoneNumbers/{number_sid}")
        return trunk_phone_number_resource(
            number, trunk_sid=trunk_sid, base_url=base_url(request), account_sid=self._account_sid
        )

    async def list_numbers(self, request: Request) -> Response:
        trunk_sid = self._existing_trunk(request)
        page_request = parse_page_request(request.query_params, "PN")
        result = self.ctx.store.page_numbers(NumberFilter(trunk_sid=trunk_sid), page_request)
        root = base_url(request)
        resources = [
            trunk_phone_number_resource(n, trunk_sid=trunk_sid, base_url=root, account_sid=self._account_sid)
            for n in result.items
        ]
        return _list_response(
            request, "phone_numbers", resources, result, f"{trunk_url(root, trunk_sid)}/PhoneNumbers"
        )

    async def bind_number(self, request: Request) -> Response:
        trunk_sid = self._existing_trunk(request)
        form = await forms.read_form(request)
        raw = form.get("PhoneNumberSid")
        if raw is None or raw == "":
            raise missing_parameter("PhoneNumberSid")
        if not PHONE_NUMBER_SID_RE.match(raw):
            raise invalid_parameter("PhoneNumberSid", f"must match {PHONE_NUMBER_SID_RE.pattern}")
        settings = self.ctx.settings
        self.ctx.store.bind_number(
            trunk_sid,
            raw,
            settings.bound_number_policy,
            conflict_status=settings.already_bound_status,
            conflict_code=settings.already_bound_code,
        )
        return json_response(self._number_json(request, raw, trunk_sid), 201)

    async def fetch_number(self, request: Request) -> Response:
        trunk_sid = require(TRUNK_SID_RE, request.path_params["TrunkSid"], request)
        number_sid = require(PHONE_NUMBER_SID_RE, request.path_params["Sid"], request)
        return json_response(self._number_json(request, number_sid, trunk_sid))

    async def unbind_number(self, request: Request) -> Response:
        trunk_sid = require(TRUNK_SID_RE, request.path_params["TrunkSid"], request)
        number_sid = require(PHONE_NUMBER_SID_RE, request.path_params["Sid"], request)
        self.ctx.store.unbind_number(trunk_sid, number_sid)
        return no_content()
