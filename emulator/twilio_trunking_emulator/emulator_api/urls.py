"""Route table of the control plane under ``/_emulator/``."""

from __future__ import annotations

from starlette.routing import Route

from ..constants import CONTROL_PREFIX
from ..core.context import EmulatorContext
from .responses import ControlResponses


def routes(ctx: EmulatorContext) -> list[Route]:
    r = ControlResponses(ctx)
    p = CONTROL_PREFIX
    return [
        Route(f"{p}/health", r.health, methods=["GET"]),
        Route(f"{p}/requests", r.get_requests, methods=["GET"]),
        Route(f"{p}/requests", r.clear_requests, methods=["DELETE"]),
        Route(f"{p}/faults", r.get_faults, methods=["GET"]),
        Route(f"{p}/faults", r.set_faults, methods=["POST"]),
        Route(f"{p}/faults", r.clear_faults, methods=["DELETE"]),
        Route(f"{p}/latency", r.set_latency, methods=["POST"]),
        Route(f"{p}/settings", r.get_settings, methods=["GET"]),
        Route(f"{p}/settings", r.update_settings, methods=["POST"]),
        Route(f"{p}/reset", r.reset, methods=["POST"]),
        Route(f"{p}/seed", r.seed, methods=["POST"]),
        Route(f"{p}/state", r.state, methods=["GET"]),
    ]
