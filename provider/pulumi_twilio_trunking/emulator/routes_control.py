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
``POST seed``            apply a seed document (see :mod:`.store`); returns the records
``GET  state``           every trunk and number as stored
=======================  ==================================================================

Malformed input answers 400 ``{"error": "..."}``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .constants import CONTROL_PREFIX
from .context import EmulatorContext, SettingsError
from .faults import FaultRuleError, parse_rule
from .records import StoreError
from .seed import SeedError, parse_seed


def _bad_request(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)


async def _json_body(request: Request) -> Any:
    body = await request.body()
    if not body.strip():
        return None
    return json.loads(body)


def control_routes(ctx: EmulatorContext) -> list[Route]:
    """The ``/_emulator/*`` routes, bound to ``ctx``."""

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def get_requests(request: Request) -> Response:
        return JSONResponse(ctx.log.to_json())

    async def clear_requests(request: Request) -> Response:
        ctx.log.clear()
        return Response(status_code=204)

    async def get_faults(request: Request) -> Response:
        return JSONResponse(ctx.faults.to_json())

    async def set_faults(request: Request) -> Response:
        try:
            data = await _json_body(request)
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
        except (ValueError, FaultRuleError) as exc:
            return _bad_request(str(exc))
        ctx.faults.set_rules(rules, seed)
        return JSONResponse(ctx.faults.to_json())

    async def clear_faults(request: Request) -> Response:
        ctx.faults.clear()
        return Response(status_code=204)

    async def set_latency(request: Request) -> Response:
        try:
            data = await _json_body(request)
            if not isinstance(data, dict) or "latency_ms" not in data:
                raise SettingsError("expected {'latency_ms': n}")
            ctx.settings.update({"latency_ms": data["latency_ms"]})
        except ValueError as exc:
            return _bad_request(str(exc))
        return JSONResponse(ctx.settings.to_json())

    async def get_settings(request: Request) -> Response:
        return JSONResponse(ctx.settings.to_json())

    async def update_settings(request: Request) -> Response:
        try:
            ctx.settings.update(await _json_body(request))
        except ValueError as exc:
            return _bad_request(str(exc))
        return JSONResponse(ctx.settings.to_json())

    async def reset(request: Request) -> Response:
        ctx.reset()
        return Response(status_code=204)

    async def seed(request: Request) -> Response:
        try:
            document = parse_seed(await _json_body(request))
            result = ctx.store.apply_seed(document)
        except (ValueError, SeedError, StoreError) as exc:
            return _bad_request(str(exc))
        return JSONResponse(result)

    async def state(request: Request) -> Response:
        return JSONResponse(ctx.store.snapshot())

    p = CONTROL_PREFIX
    return [
        Route(f"{p}/health", health, methods=["GET"]),
        Route(f"{p}/requests", get_requests, methods=["GET"]),
        Route(f"{p}/requests", clear_requests, methods=["DELETE"]),
        Route(f"{p}/faults", get_faults, methods=["GET"]),
        Route(f"{p}/faults", set_faults, methods=["POST"]),
        Route(f"{p}/faults", clear_faults, methods=["DELETE"]),
        Route(f"{p}/latency", set_latency, methods=["POST"]),
        Route(f"{p}/settings", get_settings, methods=["GET"]),
        Route(f"{p}/settings", update_settings, methods=["POST"]),
        Route(f"{p}/reset", reset, methods=["POST"]),
        Route(f"{p}/seed", seed, methods=["POST"]),
        Route(f"{p}/state", state, methods=["GET"]),
    ]
