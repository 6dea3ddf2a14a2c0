"""The one place where exceptions become HTTP responses.

Every :class:`EmulatedTwilioError` (backend errors included) becomes Twilio's error JSON;
Starlette's own 404/405 and unexpected exceptions are answered in the same shape.  Control
plane errors (:class:`ControlPlaneError`) answer ``{"error": "..."}``.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from ..errors import METHOD_NOT_ALLOWED_ERROR_CODE, EmulatedTwilioError
from .exceptions import default_code_for_status, default_message_for_status, not_found
from .http import resource_path

logger = logging.getLogger(__name__)


class ControlPlaneError(ValueError):
    """A malformed ``/_emulator/`` request (answered 400 ``{"error": message}``)."""


def error_response(error: EmulatedTwilioError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


async def twilio_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EmulatedTwilioError)
    return error_response(exc)


async def control_plane_error(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": str(exc)}, status_code=400)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (unknown path, wrong method) in Twilio's shape."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(not_found(resource_path(request)))
    if exc.status_code == 405:
        response = error_response(
            EmulatedTwilioError(405, METHOD_NOT_ALLOWED_ERROR_CODE, "Method not allowed")
        )
        if exc.headers and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    status = exc.status_code
    return error_response(
        EmulatedTwilioError(status, default_code_for_status(status), default_message_for_status(status))
    )


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """A bug in the emulator still answers in Twilio's shape (500/20500)."""
    if isinstance(exc, ClientDisconnect):
        # The client went away mid-request (a killed `pulumi up`): nothing to answer, nothing broken.
        logger.info("client disconnected during %s %s", request.method, request.url.path)
    else:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(
        EmulatedTwilioError(500, default_code_for_status(500), default_message_for_status(500))
    )


EXCEPTION_HANDLERS = {
    EmulatedTwilioError: twilio_error,
    ControlPlaneError: control_plane_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
