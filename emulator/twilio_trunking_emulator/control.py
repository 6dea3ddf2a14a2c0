"""Typed client for the emulator's ``/_emulator/`` control endpoints."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict, cast

import httpx

from .constants import CONTROL_TOKEN_ENV
from .jsontypes import RequestLogEntryJson as RequestLogEntryJson
from .jsontypes import RequestLogJson as RequestLogJson
from .lifecycle import ContextManaged


class FaultRuleSpec(TypedDict, total=False):
    """One fault rule (see :mod:`.faults`); only ``kind`` is required."""

    kind: Literal["status", "drop", "drop_after", "latency"]
    status: int
    retry_after: int | None
    rate: float
    count: int | None
    method: str | None
    path_regex: str | None
    latency_ms: float


class SettingsJson(TypedDict):
    bound_number_policy: Literal["reject", "move"]
    max_concurrency: int
    latency_ms: float
    already_bound_status: int
    already_bound_code: int


class SeedResultJson(TypedDict):
    trunks: list[dict[str, Any]]
    phone_numbers: list[dict[str, Any]]


class EmulatorControlError(RuntimeError):
    """A control request failed."""


class EmulatorControl(ContextManaged):
    """Drives a running emulator: seed data, inject faults, read the request log."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
        token: str | None = None,
    ) -> None:
        """``token``: the emulator's control token (default: ``$TWILIO_EMULATOR_CONTROL_TOKEN``, if set)."""
        self.base_url = base_url.rstrip("/")
        self._owns_client = client is None
        self._client = client or httpx.Client(timeout=timeout)
        token = token if token is not None else os.environ.get(CONTROL_TOKEN_ENV)
        self._headers = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"

    def __repr__(self) -> str:
        return f"EmulatorControl({self.base_url!r})"

    # -------------------------------------------------------------- lifecycle
    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def _exit(self) -> None:
        self.close()

    # -------------------------------------------------------------- plumbing
    def _call(self, method: str, path: str, json_body: object = None) -> Any:
        url = f"{self.base_url}/_emulator/{path}"
        response = self._client.request(method, url, json=json_body, headers=self._headers)
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = None
            detail = body.get("error") if isinstance(body, dict) else None
            detail = detail or response.text
            raise EmulatorControlError(f"{method} /_emulator/{path}: {response.status_code} {detail}")
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    # -------------------------------------------------------------- endpoints
    def health(self) -> bool:
        try:
            return bool(self._call("GET", "health")["status"] == "ok")
        except (httpx.HTTPError, EmulatorControlError):
            return False

    def reset(self) -> None:
        """Clear all data, the request log and faults; restore start-up settings."""
        self._call("POST", "reset")

    def seed(self, data: Mapping[str, Any]) -> SeedResultJson:
        """Create or update trunks and numbers (seed-file format); returns the records."""
        return cast(SeedResultJson, self._call("POST", "seed", dict(data)))

    def seed_summary(self, data: Mapping[str, Any]) -> dict[str, int]:
        """Like :meth:`seed` for large documents: answers only ``{"trunks": n, "phone_numbers": n}``."""
        return cast(dict[str, int], self._call("POST", "seed?summary=true", dict(data)))

    def generate(
        self, numbers: int, trunks: int, bound: int | Sequence[int] = 0, **extra: Any
    ) -> dict[str, Any]:
        """Bulk-create ``numbers`` numbers and ``trunks`` trunks in one transaction.

        ``bound``: numbers put on each trunk (an int: the same on each; a list: per trunk).
        Returns the new trunks and the number counts.
        """
        spec = {
            "numbers": numbers,
            "trunks": trunks,
            "bound": bound if isinstance(bound, int) else list(bound),
        }
        return cast(dict[str, Any], self._call("POST", "seed", {"generate": {**spec, **extra}}))

    def state(self) -> SeedResultJson:
        """Every stored trunk and number."""
        return cast(SeedResultJson, self._call("GET", "state"))

    def set_faults(self, rules: Sequence[FaultRuleSpec], seed: int | None = None) -> dict[str, Any]:
        """Replace the fault rules.  ``seed`` makes rate-based rules reproducible."""
        return cast(dict[str, Any], self._call("POST", "faults", {"rules": list(rules), "seed": seed}))

    def faults(self) -> dict[str, Any]:
        """The active rules, each with its ``hits`` so far."""
        return cast(dict[str, Any], self._call("GET", "faults"))

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def requests(self) -> RequestLogJson:
        return cast(RequestLogJson, self._call("GET", "requests"))

    def clear_requests(self) -> None:
        self._call("DELETE", "requests")

    def set_latency(self, ms: float) -> None:
        """Delay every Twilio request by ``ms`` milliseconds (0 turns it off)."""
        self._call("POST", "latency", {"latency_ms": ms})

    def settings(self) -> SettingsJson:
        return cast(SettingsJson, self._call("GET", "settings"))

    def update_settings(self, **changes: Any) -> SettingsJson:
        """Change runtime settings, e.g. ``update_settings(bound_number_policy="move")``."""
        return cast(SettingsJson, self._call("POST", "settings", changes))

    # -------------------------------------------------------------- conveniences
    def create_trunk(
        self,
        friendly_name: str | None = None,
        domain_name: str | None = None,
        *,
        sid: str | None = None,
    ) -> dict[str, Any]:
        """Create (or, seed-style, update) a trunk; returns its stored record."""
        entry = {"friendly_name": friendly_name, "domain_name": domain_name, "sid": sid}
        return self.seed({"trunks": [_given(entry)]})["trunks"][0]

    def create_number(
        self,
        phone_number: str,
        friendly_name: str | None = None,
        *,
        trunk_sid: str | None = None,
        voice_application_sid: str | None = None,
        sid: str | None = None,
    ) -> dict[str, Any]:
        """Provision (or update) a number, optionally on a trunk; returns its stored record."""
        entry = {
            "phone_number": phone_number,
            "friendly_name": friendly_name,
            "trunk_sid": trunk_sid,
            "voice_application_sid": voice_application_sid,
            "sid": sid,
        }
        return self.seed({"phone_numbers": [_given(entry)]})["phone_numbers"][0]


def _given(entry: Mapping[str, object]) -> dict[str, Any]:
    """The fields with a value: a seed entry leaves out what the caller did not give (``None``)."""
    return {key: value for key, value in entry.items() if value is not None}
