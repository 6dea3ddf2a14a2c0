"""Everything a running emulator shares: store, credentials, settings, faults, log."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..backend.store import Store
from ..constants import BOUND_NUMBER_POLICIES, DEFAULT_BOUND_NUMBER_POLICY, BoundNumberPolicy
from ..errors import ALREADY_BOUND_ERROR_CODE, ALREADY_BOUND_HTTP_STATUS
from ..jsonobject import json_object
from .auth import Credentials
from .connections import ConnectionRegistry
from .faults import FaultEngine
from .requestlog import RequestLog


class SettingsError(ValueError):
    """A settings update is malformed."""


@dataclass
class Settings:
    """Behaviour that tests may change at run time (``POST /_emulator/settings``)."""

    bound_number_policy: BoundNumberPolicy = DEFAULT_BOUND_NUMBER_POLICY
    max_concurrency: int = 0
    """More in-flight Twilio requests than this → 429/20429; 0 means unlimited."""
    latency_ms: float = 0.0
    """Delay added to every Twilio request."""
    already_bound_status: int = ALREADY_BOUND_HTTP_STATUS
    already_bound_code: int = ALREADY_BOUND_ERROR_CODE

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def update(self, changes: object) -> None:
        """Apply a JSON object of changes, validating every value first."""
        changes = json_object(
            changes,
            {f.name for f in dataclasses.fields(self)},
            SettingsError,
            "settings must be a JSON object",
            "unknown settings: {}",
        )
        validated: dict[str, Any] = {}
        for key, value in changes.items():
            validated[key] = _validate_setting(key, value)
        for key, value in validated.items():
            setattr(self, key, value)


def _validate_setting(key: str, value: object) -> object:
    if key == "bound_number_policy":
        if value not in BOUND_NUMBER_POLICIES:
            raise SettingsError(f"bound_number_policy must be one of {list(BOUND_NUMBER_POLICIES)}")
        return value
    if key == "latency_ms":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise SettingsError("latency_ms must be a non-negative number")
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"{key} must be an integer")
    if key == "max_concurrency" and value < 0:
        raise SettingsError("max_concurrency must be >= 0")
    if key == "already_bound_status" and not 400 <= value <= 499:
        raise SettingsError("already_bound_status must be a 4xx status")
    return value


class EmulatorContext:
    """Shared state of one emulator instance."""

    def __init__(self, store: Store, credentials: Credentials, settings: Settings) -> None:
        self.store = store
        self.credentials = credentials
        self.settings = settings
        self._initial_settings = dataclasses.replace(settings)
        self.faults = FaultEngine()
        self.log = RequestLog()
        self.connections = ConnectionRegistry()
        self.in_flight = 0

    def reset(self) -> None:
        """Clear data, request log and faults; restore the start-up settings."""
        self.store.reset()
        self.log.clear()
        self.faults.clear()
        self.settings = dataclasses.replace(self._initial_settings)
