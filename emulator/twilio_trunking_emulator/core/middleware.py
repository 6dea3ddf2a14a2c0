"""The ASGI layer in front of the Twilio routes.

For every request outside ``/_emulator/`` it, in this order:

1. enforces ``max_concurrency`` (excess requests → 429/20429, not processed);
2. sleeps for the global latency plus any matching ``latency`` fault rules;
3. applies a ``status`` or ``drop`` fault rule (request not processed);
4. checks HTTP Basic auth (→ 401/20003);
5. runs the routes, then drops the connection if a ``drop_after`` rule fired;
6. adds ``Twilio-Request-Id``/``Twilio-Concurrent-Requests`` headers and logs the request.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..constants import CONTROL_PREFIX
from ..errors import EmulatedTwilioError
from ..jsontypes import RequestLogEntryJson
from .auth import authenticate
from .connections import drop_connection
from .context import EmulatorContext
from .error_handlers import error_response
from .exceptions import not_found, status_error, too_many_requests, unauthenticated


def is_control_path(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def resolve_route(routes: Sequence[BaseRoute], scope: Scope) -> str | None:
    """The template of the route that matches the request path (any method)."""
    for route in routes:
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            path = getattr(route, "path", None)
            return path if isinstance(path, str) else None
    return None


@dataclass
class _Outcome:
    status: int | None = None
    fault: str | None = None


class TwilioMiddleware:
    """Wraps the Starlette app; control paths pass straight through."""

    def __init__(self, app: ASGIApp, ctx: EmulatorContext, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.ctx = ctx
        self.routes = list(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_control_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        ctx = self.ctx
        started, started_at = time.perf_counter(), time.time()
        outcome = _Outcome()
        ctx.in_flight += 1
        try:
            await self._process(scope, receive, send, outcome)
        finally:
            ctx.in_flight -= 1
            ctx.log.add(
                RequestLogEntryJson(
                    method=scope["method"],
                    path=scope["path"],
                    route=resolve_route(self.routes, scope),
                    query=scope.get("query_string", b"").decode("latin-1"),
                    status=outcome.status,
                    started_at=round(started_at, 6),
                    duration_ms=round((time.perf_counter() - started) * 1000, 3),
                    fault=outcome.fault,
                )
            )

    async def _process(self, scope: Scope, receive: Receive, send: Send, outcome: _Outcome) -> None:
        ctx = self.ctx
        settings = ctx.settings
        decorated = self._decorating_send(send, outcome)
        if settings.max_concurrency and ctx.in_flight > settings.max_concurrency:
            outcome.fault = "concurrency"
            await self._send_error(too_many_requests(), scope, receive, decorated)
            return

        plan = ctx.faults.plan(scope["method"], scope["path"])
        delay_ms = settings.latency_ms + plan.latency_ms
        if plan.latency_ms:
            outcome.fault = "latency"
        if delay_ms > 0:
            await asyncio.sleep(delay_ms / 1000)

        action = plan.action
        if action is not None and action.kind == "status":
            outcome.fault = "status"
            error = status_error(action.status or 500, action.retry_after)
            await self._send_error(error, scope, receive, decorated)
            return
        if action is not None and action.kind == "drop":
            outcome.fault = "drop"
            await drop_connection(scope, send, ctx.connections)
            return

        target = decorated
        if action is not None and action.kind == "drop_after":
            outcome.fault = "drop_after"
            target = self._swallowing_send(outcome)

        if not authenticate(Headers(scope=scope).get("authorization"), ctx.credentials):
            await self._send_error(unauthenticated(), scope, receive, target)
        elif b"%2f" in (scope.get("raw_path") or b"").lower():
            # An encoded "/" belongs to one path segment (a SID never holds one); routing on the
            # decoded path would let it reach another operation (TK…%2FPhoneNumbers → the list).
            await self._send_error(not_found(scope["path"].removeprefix("/v1")), scope, receive, target)
        else:
            await self.app(scope, receive, target)

        if outcome.fault == "drop_after":
            await drop_connection(scope, send, ctx.connections)

    async def _send_error(
        self, error: EmulatedTwilioError, scope: Scope, receive: Receive, send: Send
    ) -> None:
        await error_response(error)(scope, receive, send)

    def _decorating_send(self, send: Send, outcome: _Outcome) -> Send:
        ctx = self.ctx
        request_id = "RQ" + uuid.uuid4().hex

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome.status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"twilio-request-id", request_id.encode()))
                headers.append((b"twilio-concurrent-requests", str(ctx.in_flight).encode()))
                message = {**message, "headers": headers}
            await send(message)

        return wrapped

    @staticmethod
    def _swallowing_send(outcome: _Outcome) -> Send:
        async def swallow(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome.status = message["status"]

        return swallow
