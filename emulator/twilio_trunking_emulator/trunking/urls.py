"""Route table of Trunking v1 (``/v1/Trunks`` and ``/v1/Trunks/{TrunkSid}/PhoneNumbers``)."""

from __future__ import annotations

from starlette.routing import Route

from ..core.context import EmulatorContext
from ..core.http import route_table
from .responses import TrunkingResponses

TRUNKS = "/v1/Trunks"
TRUNK = "/v1/Trunks/{Sid}"
NUMBERS = "/v1/Trunks/{TrunkSid}/PhoneNumbers"
NUMBER = "/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}"


_TABLE = {
    TRUNKS: {"GET": "list_trunks", "POST": "create_trunk"},
    TRUNK: {"GET": "fetch_trunk", "POST": "update_trunk", "DELETE": "delete_trunk"},
    NUMBERS: {"GET": "list_numbers", "POST": "bind_number"},
    NUMBER: {"GET": "fetch_number", "DELETE": "unbind_number"},
}


def routes(ctx: EmulatorContext) -> list[Route]:
    return route_table(TrunkingResponses(ctx), _TABLE)
