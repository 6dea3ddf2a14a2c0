"""Control endpoints under ``/_emulator/`` (no auth, not logged, no faults).

=======================  ==================================================================
``GET  health``          ``{"status": "ok"}``
``GET  requests``        request log ``{"requests": [...], "counts": {...}, "total": n}``
``DELETE requests``      clear the request log
``GET  faults``          active rules (with their ``hits``) and seed
``POST faults``          replace the rules: a list of rules, or ``{"rules": [...], "seed": n}``
``DELETE faults``        remove every rule
``POST latency``         ``{"latency_ms": n}``: delay added to every Twilio request
``GET/POST settings``    runtime settings (``bound_number_policy``, ``max_concurrency``,
                         ``latency_ms``, ``already_bound_status``, ``already_bound_code``)
``POST reset``           clear data, request log and faults; restore start-up settings
``POST seed``            apply a seed document (see :mod:`..backend.store`); returns the records
                         (``?summary=true``: only the counts); ``{"generate": {...}}`` creates
                         numbers and trunks in bulk (see :mod:`..backend.bulk`)
``GET  state``           every trunk and number as stored
=======================  ==================================================================

Malformed input answers 400 ``{"error": "..."}``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..backend.bulk import parse_generate_spec
from ..backend.exceptions import StoreError
from ..backend.seed import SeedError, parse_seed
from ..core.context import EmulatorContext, SettingsError
from ..core.error_handlers import ControlPlaneError
from ..core.faults import FaultRuleError, parse_rule


async def _json_body(request: Request) -> Any:
    body = await request.body()
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ControlPlaneError(str(exc)) from None


class ControlResponses:
    """The ``/_emulator/*`` handlers of one emulator (no auth, not logged, no faults)."""

    def __init__(self, ctx: EmulatorContext) -> None:
        self.ctx = ctx

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def get_requests(self, request: Request) -> Response:
        return JSONResponse(self.ctx.log.to_json())

    async def clear_requests(self, request: Request) -> Response:
        self.ctx.log.clear()
        return Response(status_code=204)

    async def get_faults(self, request: Request) -> Response:
        return JSONResponse(self.ctx.faults.to_json())

    async def set_faults(self, request: Request) -> Response:
        data = await _json_body(request)
        try:
            seed: object = None
            rules_data: object = data
            if isinstance(data, dict):
                rules_data = data.get("rules", [])
                seed = data.get("seed")
            if not isinstance(rules_data, list):
                raise FaultRuleError("expected a list of rules or {'rules': [...], 'seed': n}")
            if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
                raise FaultRuleError("seed must be an integer or null")
            rules = [parse_rule(r) for r in rules_data]
        except FaultRuleError as exc:
            raise ControlPlaneError(str(exc)) from None
        self.ctx.faults.set_rules(rules, seed)
        return JSONResponse(self.ctx.faults.to_json())

    async def clear_faults(self, request: Request) -> Response:
        self.ctx.faults.clear()
        return Response(status_code=204)

    async def set_latency(self, request: Request) -> Response:
        data = await _json_body(request)
        try:
            if not isinstance(data, dict) or "latency_ms" not in data:
                raise SettingsError("expected {'latency_ms': n}")
            self.ctx.settings.update({"latency_ms": data["latency_ms"]})
        except SettingsError as exc:
            raise ControlPlaneError(str(exc)) from None
        return JSONResponse(self.ctx.settings.to_json())

    async def get_settings(self, request: Request) -> Response:
        return JSONResponse(self.ctx.settings.to_json())

    async def update_settings(self, request: Request) -> Response:
        data = await _json_body(request)
        try:
            self.ctx.settings.update(data)
        except SettingsError as exc:
            raise ControlPlaneError(str(exc)) from None
        return JSONResponse(self.ctx.settings.to_json())

    async def reset(self, request: Request) -> Response:
        self.ctx.reset()
        return Response(status_code=204)

    async def seed(self, request: Request) -> Response:
        data = await _json_body(request)
        summary = request.query_params.get("summary", "").lower() in ("1", "true")
        try:
            if isinstance(data, dict) and set(data) == {"generate"}:
                return JSONResponse(self.ctx.store.generate(parse_generate_spec(data["generate"])))
            return JSONResponse(self.ctx.store.apply_seed(parse_seed(data), summary=summary))
        except (SeedError, StoreError) as exc:
            raise ControlPlaneError(str(exc)) from None

    async def state(self, request: Request) -> Response:
        return JSONResponse(self.ctx.store.snapshot())
