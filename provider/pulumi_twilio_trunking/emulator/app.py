"""Assembles the emulator's ASGI application."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp

from .context import EmulatorContext
from .errors import (
    METHOD_NOT_ALLOWED_ERROR_CODE,
    TwilioError,
    default_code_for_status,
    default_message_for_status,
    not_found,
)
from .middleware import TwilioMiddleware
from .routes_api2010 import api2010_routes
from .routes_common import resource_path
from .routes_control import control_routes
from .routes_trunking import trunking_routes

logger = logging.getLogger(__name__)


async def _twilio_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TwilioError)
    return exc.to_response()


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (unknown path, wrong method) in Twilio's shape."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return not_found(resource_path(request)).to_response()
    if exc.status_code == 405:
        error = TwilioError(405, METHOD_NOT_ALLOWED_ERROR_CODE, "Method not allowed")
        response = error.to_response()
        if exc.headers and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    status = exc.status_code
    return TwilioError(
        status, default_code_for_status(status), default_message_for_status(status)
    ).to_response()


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    """A bug in the emulator still answers in Twilio's shape (500/20500)."""
    if isinstance(exc, ClientDisconnect):
        # The client went away mid-request (a killed `pulumi up`): nothing to answer, nothing broken.
        logger.info("client disconnected during %s %s", request.method, request.url.path)
    else:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return TwilioError(500, default_code_for_status(500), default_message_for_status(500)).to_response()


def create_app(ctx: EmulatorContext) -> ASGIApp:
    """The emulator app for ``ctx``: Twilio routes behind :class:`TwilioMiddleware`."""
    twilio = [*trunking_routes(ctx), *api2010_routes(ctx)]
    starlette = Starlette(
        routes=[*twilio, *control_routes(ctx)],
        exception_handlers={
            TwilioError: _twilio_error,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
    )
    return TwilioMiddleware(starlette, ctx, twilio)
