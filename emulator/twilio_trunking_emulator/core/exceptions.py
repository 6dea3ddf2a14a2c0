"""The errors the HTTP layer answers with, in Twilio's shape (:mod:`twilio_trunking_emulator.errors`):
missing or malformed parameters, unknown paths, authentication, rate limits, injected statuses.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Final

from ..errors import (
    AUTHENTICATE_ERROR_CODE,
    INVALID_PARAMETER_ERROR_CODE,
    TOO_MANY_REQUESTS_ERROR_CODE,
    EmulatedTwilioError,
    InvalidParameterError,
    ResourceNotFoundError,
)

WWW_AUTHENTICATE: Final = 'Basic realm="Twilio API"'

_DEFAULT_MESSAGES: Final[dict[int, str]] = {
    400: "Bad request",
    401: "Authenticate",
    404: "The requested resource was not found",
    405: "Method not allowed",
    429: "Too many requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def default_code_for_status(status: int) -> int:
    """Twilio's platform codes are ``20000 + HTTP status`` (20404, 20429, 20500, …)."""
    if status == 400:
        return INVALID_PARAMETER_ERROR_CODE
    if status == 401:
        return AUTHENTICATE_ERROR_CODE
    return 20000 + status


def default_message_for_status(status: int) -> str:
    """A Twilio-like message for an HTTP status."""
    if status in _DEFAULT_MESSAGES:
        return _DEFAULT_MESSAGES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def not_found(resource_path: str) -> EmulatedTwilioError:
    return ResourceNotFoundError(resource_path)


def missing_parameter(name: str) -> EmulatedTwilioError:
    return EmulatedTwilioError(
        400, INVALID_PARAMETER_ERROR_CODE, f"Missing required parameter {name} in the post body"
    )


def invalid_parameter(name: str, reason: str) -> EmulatedTwilioError:
    return InvalidParameterError(name, reason)


def unauthenticated() -> EmulatedTwilioError:
    return EmulatedTwilioError(
        401,
        AUTHENTICATE_ERROR_CODE,
        "Authenticate",
        headers={"WWW-Authenticate": WWW_AUTHENTICATE},
    )


def too_many_requests(retry_after: int | None = None) -> EmulatedTwilioError:
    headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
    return EmulatedTwilioError(429, TOO_MANY_REQUESTS_ERROR_CODE, "Too many requests", headers=headers)


def status_error(status: int, retry_after: int | None = None) -> EmulatedTwilioError:
    """An injected error for an arbitrary 4xx/5xx status, in Twilio's shape."""
    if status == 429:
        return too_many_requests(retry_after)
    headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
    if status == 401:
        headers["WWW-Authenticate"] = WWW_AUTHENTICATE
    return EmulatedTwilioError(
        status, default_code_for_status(status), default_message_for_status(status), headers
    )
