"""Fault injection: rules that make Twilio routes fail, stall or lose their responses.

A rule is a JSON object (``POST /_emulator/faults`` takes a list of them)::

    {"kind": "status",        # "status" | "drop" | "drop_after" | "latency"
     "status": 429,           # kind=status: the HTTP status (4xx/5xx), default 500
     "retry_after": 2,        # kind=status: Retry-After seconds, or null for no header
     "rate": 1.0,             # probability 0..1 that a matching request is hit
     "count": 3,              # hit at most this many requests, or null for no limit
     "method": "POST",        # optional: only this HTTP method
     "path_regex": "/PhoneNumbers$",   # optional: re.search() on the request path
     "latency_ms": 250}       # kind=latency: added delay

* ``status`` answers with a Twilio-shaped error (429 → 20429 "Too many requests",
  500 → 20500, 503 → 20503, other statuses → ``20000 + status``) without processing.
* ``drop`` closes the connection before the request is processed: nothing changes.
* ``drop_after`` processes the request (state changes are committed), then closes the
  connection without sending the response: a lost response.
* ``latency`` delays the request; several latency rules add up.

For each request the first matching non-latency rule that "fires" (``rate`` roll, and
``count`` not used up) decides the outcome; ``count`` only decreases when a rule fires.
Randomness comes from a ``random.Random(seed)`` so runs with a seed are reproducible.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from ..jsonobject import json_object

FaultKind = Literal["status", "drop", "drop_after", "latency"]
FAULT_KINDS: tuple[FaultKind, ...] = ("status", "drop", "drop_after", "latency")
_RULE_KEYS = frozenset(
    {"kind", "status", "retry_after", "rate", "count", "method", "path_regex", "latency_ms"}
)


class FaultRuleError(ValueError):
    """A fault rule is malformed."""


@dataclass
class FaultRule:
    kind: FaultKind
    status: int | None = None
    retry_after: int | None = None
    rate: float = 1.0
    count: int | None = None
    method: str | None = None
    path_regex: str | None = None
    latency_ms: float | None = None
    hits: int = 0
    _compiled: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def matches(self, method: str, path: str) -> bool:
        if self.count is not None and self.hits >= self.count:
            return False
        if self.method is not None and self.method != method.upper():
            return False
        return self._compiled is None or self._compiled.search(path) is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "status": self.status,
            "retry_after": self.retry_after,
            "rate": self.rate,
            "count": self.count,
            "method": self.method,
            "path_regex": self.path_regex,
            "latency_ms": self.latency_ms,
            "hits": self.hits,
        }


@dataclass(frozen=True)
class FaultPlan:
    """What to do with one request: extra latency, then maybe an action rule."""

    latency_ms: float
    action: FaultRule | None


def parse_rule(data: object) -> FaultRule:
    data = json_object(
        data, _RULE_KEYS, FaultRuleError, "a fault rule must be a JSON object", "unknown fault rule keys: {}"
    )
    kind = data.get("kind")
    if kind not in FAULT_KINDS:
        raise FaultRuleError(f"kind must be one of {list(FAULT_KINDS)}")
    rule = FaultRule(kind=cast(FaultKind, kind))
    if kind == "status":
        status = data.get("status", 500)
        if not _is_int(status) or not 400 <= status <= 599:
            raise FaultRuleError("status must be an HTTP error status (400..599)")
        rule.status = status
    elif data.get("status") is not None:
        raise FaultRuleError("status is only allowed with kind=status")
    retry_after = data.get("retry_after")
    if retry_after is not None and (not _is_int(retry_after) or retry_after < 0):
        raise FaultRuleError("retry_after must be a non-negative integer (seconds) or null")
    rule.retry_after = retry_after
    rate = data.get("rate", 1.0)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise FaultRuleError("rate must be a number between 0 and 1")
    rule.rate = float(rate)
    count = data.get("count")
    if count is not None and (not _is_int(count) or count < 0):
        raise FaultRuleError("count must be a non-negative integer or null")
    rule.count = count
    method = data.get("method")
    if method is not None and not isinstance(method, str):
        raise FaultRuleError("method must be a string or null")
    rule.method = method.upper() if method else None
    path_regex = data.get("path_regex")
    if path_regex is not None:
        if not isinstance(path_regex, str):
            raise FaultRuleError("path_regex must be a string or null")
        try:
            rule._compiled = re.compile(path_regex)
        except re.error as exc:
            raise FaultRuleError(f"path_regex is not a valid regular expression: {exc}") from exc
        rule.path_regex = path_regex
    latency = data.get("latency_ms")
    if kind == "latency":
        if isinstance(latency, bool) or not isinstance(latency, int | float) or latency < 0:
            raise FaultRuleError("latency_ms must be a non-negative number for kind=latency")
        rule.latency_ms = float(latency)
    elif latency is not None:
        raise FaultRuleError("latency_ms is only allowed with kind=latency")
    return rule


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class FaultEngine:
    """The active rules, consulted once per Twilio request (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._rng = random.Random()  # noqa: S311 - fault injection, not cryptography
        self._seed: int | None = None

    def set_rules(self, rules: list[FaultRule], seed: int | None = None) -> None:
        with self._lock:
            self._rules = list(rules)
            self._seed = seed
            self._rng = random.Random(seed)  # noqa: S311

    def clear(self) -> None:
        self.set_rules([])

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {"rules": [r.to_json() for r in self._rules], "seed": self._seed}

    def plan(self, method: str, path: str) -> FaultPlan:
        latency = 0.0
        action: FaultRule | None = None
        with self._lock:
            for rule in self._rules:
                if rule.kind != "latency" and action is not None:
                    continue
                if not rule.matches(method, path) or not self._roll(rule.rate):
                    continue
                rule.hits += 1
                if rule.kind == "latency":
                    latency += rule.latency_ms or 0.0
                else:
                    action = rule
        return FaultPlan(latency_ms=latency, action=action)

    def _roll(self, rate: float) -> bool:
        if rate >= 1.0:
            return True
        if rate <= 0.0:
            return False
        return self._rng.random() < rate
