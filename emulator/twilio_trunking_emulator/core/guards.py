"""What stands in front of the whole app when the emulator is reachable by others.

* :class:`ControlPlaneGuard`: every ``/_emulator/`` request must carry the control token
  (``Authorization: Bearer TOKEN``, the value of ``TWILIO_EMULATOR_CONTROL_TOKEN``); without a
  token configured, the control plane is open (loopback only: see ``EmulatorOptions``).
* :class:`BodyLimit`: a request body past ``MAX_TWILIO_BODY_BYTES`` (Twilio's routes) or
  ``MAX_CONTROL_BODY_BYTES`` (the control plane) is answered 413 and never read whole: at once when
  ``Content-Length`` says so, else as soon as the chunks read cross the limit.
"""

from __future__ import annotations

import hmac

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..constants import CONTROL_TOKEN_ENV, MAX_CONTROL_BODY_BYTES, MAX_TWILIO_BODY_BYTES
from ..errors import EmulatedTwilioError
from .error_handlers import error_response
from .exceptions import default_code_for_status
from .middleware import is_control_path


def _is_control(scope: Scope) -> bool:
    # As routed: "//_emulator/x" is not a control path, and routes nowhere either.
    return is_control_path(str(scope.get("path", "")))


class ControlPlaneGuard:
    """Refuses (401) a ``/_emulator/`` request without the control token."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _is_control(scope) and not self._allowed(scope):
            needed = f"the control plane needs the token of {CONTROL_TOKEN_ENV} as Authorization: Bearer"
            response = JSONResponse(
                {"error": needed},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        given = Headers(scope=scope).get("authorization", "").encode()
        return hmac.compare_digest(given, self._expected)


class BodyLimit:
    """Answers 413 to a request body past its route's limit, before reading it whole."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        control = _is_control(scope)
        limit = MAX_CONTROL_BODY_BYTES if control else MAX_TWILIO_BODY_BYTES
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(control, limit, scope, receive, send)
            return
        received = 0
        refused = False

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await _too_large(control, limit, scope, receive, send)
                    # The app sees the client gone; whatever it answers next is dropped below.
                    return {"type": "http.disconnect"}
            return message

        async def unless_refused(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted, unless_refused)


async def _too_large(control: bool, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    message = f"request body larger than {limit} bytes, the emulator's limit for this route"
    headers = {"Connection": "close"}
    if control:
        response = JSONResponse({"error": message}, status_code=413, headers=headers)
    else:
        response = error_response(EmulatedTwilioError(413, default_code_for_status(413), message, headers))
    await response(scope, receive, send)
