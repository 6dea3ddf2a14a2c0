"""Assembles the emulator's ASGI application from the per-API route tables."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import ASGIApp

from .api2010 import urls as api2010_urls
from .core.context import EmulatorContext
from .core.error_handlers import EXCEPTION_HANDLERS
from .core.middleware import TwilioMiddleware
from .emulator_api import urls as control_urls
from .trunking import urls as trunking_urls


def create_app(ctx: EmulatorContext) -> ASGIApp:
    """The emulator app for ``ctx``: Twilio routes behind :class:`TwilioMiddleware`."""
    twilio = [*trunking_urls.routes(ctx), *api2010_urls.routes(ctx)]
    starlette = Starlette(routes=[*twilio, *control_urls.routes(ctx)], exception_handlers=EXCEPTION_HANDLERS)
    return TwilioMiddleware(starlette, ctx, twilio)
