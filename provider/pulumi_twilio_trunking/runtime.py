"""One Twilio client (and its snapshots) per distinct settings, per process, created on first use.

Lives at module level, never on the provider instance, so nothing here is ever pickled into state.
"""

from __future__ import annotations

import threading

from .bindings import TrunkBindings
from .settings import TwilioSettings
from .twilio.client import TwilioClient

_lock = threading.Lock()
_services: dict[TwilioSettings, TrunkBindings] = {}


def bindings_for(settings: TwilioSettings) -> TrunkBindings:
    """The shared binding service for these settings (raises if credentials are missing)."""
    with _lock:
        service = _services.get(settings)
        if service is None:
            service = TrunkBindings(TwilioClient(settings), settings.snapshot_ttl)
            _services[settings] = service
        return service


def reset() -> None:
    """Close every client (tests, and hosts that want a clean slate)."""
    with _lock:
        for service in _services.values():
            service.client.close()
        _services.clear()
