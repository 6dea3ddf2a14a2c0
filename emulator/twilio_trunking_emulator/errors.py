"""The Twilio error shape: the error codes, the JSON body, and the exception that carries them.

Every error body has Twilio's legacy shape::

    {"code": 20404, "message": "...", "more_info": "https://www.twilio.com/docs/errors/20404",
     "status": 404}

Codes that Twilio documents are used as documented.  Where Twilio publishes no
behaviour, the emulator's choice is a named constant below whose docstring says so.
The store raises these errors (:mod:`.backend.exceptions`), and so does the HTTP layer
(:mod:`.core.exceptions`); :mod:`.core.error_handlers` turns them into responses.
"""

from __future__ import annotations

from typing import Final

AUTHENTICATE_ERROR_CODE: Final = 20003
"""HTTP 401, message ``Authenticate`` (documented)."""

NOT_FOUND_ERROR_CODE: Final = 20404
"""HTTP 404, ``The requested resource <path> was not found`` (documented)."""

METHOD_NOT_ALLOWED_ERROR_CODE: Final = 20004
"""HTTP 405, ``Method not allowed`` (documented)."""

TOO_MANY_REQUESTS_ERROR_CODE: Final = 20429
"""HTTP 429, ``Too many requests`` (documented)."""

INVALID_PARAMETER_ERROR_CODE: Final = 20001
"""HTTP 400 for a missing or malformed request parameter.

Twilio's v1 APIs answer a missing parameter with code 20001 and the message
``Missing required parameter <Name> in the post body`` (observed in public issue
logs).  The emulator uses the same code for malformed values, with the message
``Invalid <Name>: <reason>``; Twilio's exact wording for those is not published.
"""

INVALID_PAGE_TOKEN_ERROR_CODE: Final = 21481
"""``Invalid PageToken`` (documented); the HTTP status (400) is an assumption."""

INVALID_PHONE_NUMBER_ERROR_CODE: Final = 21421
"""``PhoneNumber is invalid`` (documented code), HTTP 400."""

PHONE_NUMBER_UNAVAILABLE_ERROR_CODE: Final = 21422
"""``PhoneNumber is not available`` (documented code), HTTP 400: the number is already
provisioned in the account."""

DOMAIN_TAKEN_ERROR_CODE: Final = 21248
"""``Trunk Domain already taken`` (documented code); HTTP 400 is an assumption."""

ALREADY_BOUND_ERROR_CODE: Final = 20001
"""Code for POSTing to ``/v1/Trunks/{TK}/PhoneNumbers`` a number that is already on a trunk
(this one or another) while the bound-number policy is ``reject``.

ASSUMPTION: Twilio publishes no such behaviour (see docs/fidelity.md, "Known deviations and
assumptions").  The emulator answers with the generic "bad request" code 20001 and HTTP
:data:`ALREADY_BOUND_HTTP_STATUS`, message ``Phone number PN… is already associated with
trunk TK…``.  Both values can be changed at run time (settings ``already_bound_code`` /
``already_bound_status``).
"""

ALREADY_BOUND_HTTP_STATUS: Final = 400
"""HTTP status that goes with :data:`ALREADY_BOUND_ERROR_CODE` (an assumption as well)."""


def more_info_url(code: int) -> str:
    """Return Twilio's documentation URL for an error code."""
    return f"https://www.twilio.com/docs/errors/{code}"


def error_body(status: int, code: int, message: str) -> dict[str, object]:
    """Build a legacy Twilio error body."""
    return {"code": code, "message": message, "more_info": more_info_url(code), "status": status}


class EmulatedTwilioError(Exception):
    """An error the emulator answers with a Twilio-shaped JSON body (see :mod:`.core.error_handlers`)."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})

    def body(self) -> dict[str, object]:
        return error_body(self.status, self.code, self.message)


class ResourceNotFoundError(EmulatedTwilioError):
    """404/20404 for ``resource_path`` (already stripped of the ``/v1`` prefix if any)."""

    def __init__(self, resource_path: str) -> None:
        super().__init__(404, NOT_FOUND_ERROR_CODE, f"The requested resource {resource_path} was not found")
        self.resource_path = resource_path


class InvalidParameterError(EmulatedTwilioError):
    """400/20001 for a malformed request parameter."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(400, INVALID_PARAMETER_ERROR_CODE, f"Invalid {name}: {reason}")
        self.parameter = name
