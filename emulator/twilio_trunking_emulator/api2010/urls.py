"""Route table of API 2010 ``IncomingPhoneNumbers``."""

from __future__ import annotations

from starlette.routing import Route

from ..constants import API_VERSION_2010
from ..core.context import EmulatorContext
from ..core.http import route_table
from .responses import IncomingPhoneNumbersResponses

ROOT = f"/{API_VERSION_2010}/Accounts/{{AccountSid}}/IncomingPhoneNumbers"
NUMBERS = f"{ROOT}.json"
NUMBER = f"{ROOT}/{{Sid}}.json"


_TABLE = {
    NUMBERS: {"GET": "list_numbers", "POST": "create_number"},
    NUMBER: {"GET": "fetch_number", "POST": "update_number", "DELETE": "delete_number"},
}


def routes(ctx: EmulatorContext) -> list[Route]:
    return route_table(IncomingPhoneNumbersResponses(ctx), _TABLE)
