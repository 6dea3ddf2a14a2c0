"""Helpers shared by the Twilio route modules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .exceptions import not_found


def base_url(request: Request) -> str:
    """``http://host:port`` as the client addressed the emulator (no trailing slash)."""
    return str(request.base_url).rstrip("/")


def resource_path(request: Request) -> str:
    """The request path the way Twilio names it in 404 messages (v1 drops ``/v1``)."""
    path = request.url.path
    return path[3:] if path.startswith("/v1/") else path


def require(pattern: re.Pattern[str], value: str, request: Request) -> str:
    """A path parameter that does not match its SID pattern is an unknown resource (404)."""
    if not pattern.match(value):
        raise not_found(resource_path(request))
    return value


def json_response(body: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


def no_content() -> Response:
    return Response(status_code=204)


def route_table(handlers: object, table: Mapping[str, Mapping[str, str]]) -> list[Route]:
    """One ``Route`` per path and method, in the table's order: ``table[path][method]`` names the
    method of ``handlers`` that serves it."""
    return [
        Route(path, getattr(handlers, name), methods=[method])
        for path, by_method in table.items()
        for method, name in by_method.items()
    ]
