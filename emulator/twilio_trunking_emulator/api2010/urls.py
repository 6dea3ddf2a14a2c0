"""Route table of API 2010 ``IncomingPhoneNumbers``."""

from __future__ import annotations

from starlette.routing import Route

from ..constants import API_VERSION_2010
from ..core.context import EmulatorContext
from .responses import IncomingPhoneNumbersResponses

ROOT = f"/{API_VERSION_2010}/Accounts/{{AccountSid}}/IncomingPhoneNumbers"
NUMBERS = f"{ROOT}.json"
NUMBER = f"{ROOT}/{{Sid}}.json"


def routes(ctx: EmulatorContext) -> list[Route]:
    r = IncomingPhoneNumbersResponses(ctx)
    return [
        Route(NUMBERS, r.list_numbers, methods=["GET"]),
        Route(NUMBERS, r.create_number, methods=["POST"]),
        Route(NUMBER, r.fetch_number, methods=["GET"]),
        Route(NUMBER, r.update_number, methods=["POST"]),
        Route(NUMBER, r.delete_number, methods=["DELETE"]),
    ]
