"""Route table of the control plane under ``/_emulator/``."""

from __future__ import annotations

from starlette.routing import Route

from ..constants import CONTROL_PREFIX
from ..core.context import EmulatorContext
from ..core.http import route_table
from .responses import ControlResponses

_TABLE = {
    "health": {"GET": "health"},
    "requests": {"GET": "get_requests", "DELETE": "clear_requests"},
    "faults": {"GET": "get_faults", "POST": "set_faults", "DELETE": "clear_faults"},
    "latency": {"POST": "set_latency"},
    "settings": {"GET": "get_settings", "POST": "update_settings"},
    "reset": {"POST": "reset"},
    "seed": {"POST": "seed"},
    "state": {"GET": "state"},
}


def routes(ctx: EmulatorContext) -> list[Route]:
    return route_table(ControlResponses(ctx), {f"{CONTROL_PREFIX}/{path}": m for path, m in _TABLE.items()})
