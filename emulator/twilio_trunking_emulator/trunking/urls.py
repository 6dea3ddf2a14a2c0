"""Route table of Trunking v1 (``/v1/Trunks`` and ``/v1/Trunks/{TrunkSid}/PhoneNumbers``)."""

from __future__ import annotations

from starlette.routing import Route

from ..core.context import EmulatorContext
from .responses import TrunkingResponses

TRUNKS = "/v1/Trunks"
TRUNK = "/v1/Trunks/{Sid}"
NUMBERS = "/v1/Trunks/{TrunkSid}/PhoneNumbers"
NUMBER = "/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}"


def routes(ctx: EmulatorContext) -> list[Route]:
    r = TrunkingResponses(ctx)
    return [
        Route(TRUNKS, r.list_trunks, methods=["GET"]),
        Route(TRUNKS, r.create_trunk, methods=["POST"]),
        Route(TRUNK, r.fetch_trunk, methods=["GET"]),
        Route(TRUNK, r.update_trunk, methods=["POST"]),
        Route(TRUNK, r.delete_trunk, methods=["DELETE"]),
        Route(NUMBERS, r.list_numbers, methods=["GET"]),
        Route(NUMBERS, r.bind_number, methods=["POST"]),
        Route(NUMBER, r.fetch_number, methods=["GET"]),
        Route(NUMBER, r.unbind_number, methods=["DELETE"]),
    ]
