"""Reading resource properties, policy config and the stack name inside a policy.

The policy framework hands a rule its properties wrapped in a proxy that raises
``UnknownValueError`` as soon as an unknown (a ``pulumi preview`` placeholder) is read. A rule that
let that escape would not be evaluated at all for the resource (the framework turns it into an
advisory "can't run policy during preview" note). These helpers instead read every property once,
replace unknowns with :data:`UNKNOWN`, and let the rules check whatever *is* known.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Final

import pulumi
from pulumi_policy import Secret
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

from ..properties import RESOURCE_NAME

# ``RESOURCE_TYPE`` ("pulumi-python:dynamic/twilio:TrunkPhoneNumberAssociation") is the type token the
# engine reports to policies for our resource.
RESOURCE_KIND: Final = RESOURCE_NAME

# The sentinels the engine uses for values that are not known yet; pulumi_policy's proxy raises on
# them, but a rule may also see them raw (e.g. when called with a plain dict).
_UNKNOWN_SENTINELS: Final = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)


class _Unknown:
    """Type of :data:`UNKNOWN`."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown during preview>"


UNKNOWN: Final = _Unknown()
"""Stands for a property value that cannot be known yet (``pulumi preview``)."""


def is_unknown(value: Any) -> bool:
    """Whether ``value`` is :data:`UNKNOWN` or one of the engine's raw unknown sentinels."""
    if value is UNKNOWN:
        return True
    return isinstance(value, str) and value in _UNKNOWN_SENTINELS


def read_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """Copy ``props`` into a plain dict, replacing every unknown value with :data:`UNKNOWN`.

    Works with the framework's unknown-checking proxy (which raises on unknowns) as well as with a
    plain mapping that holds the raw sentinels. Values marked secret are unwrapped; ``None`` values
    are kept (callers treat them as absent).
    """
    result: dict[str, Any] = {}
    for key in props:  # iterating the proxy yields keys without touching values
        try:
            value = props[key]
        except UnknownValueError:
            value = UNKNOWN
        if isinstance(value, Secret):
            value = value.value
        if is_unknown(value):
            value = UNKNOWN
        result[key] = value
    return result


def known_str(props: Mapping[str, Any], key: str) -> str | None:
    """The value of ``key`` when it is a known, non-empty string; otherwise ``None``."""
    value = props.get(key)
    if isinstance(value, str) and value and not is_unknown(value):
        return value
    return None


def config_str_list(config: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """Read a list-of-strings policy config value (absent or ``null`` means empty).

    A single string is accepted as a one-item list. Anything else is a configuration error: the
    engine validates the pack config against the schema, so this only triggers when a rule is
    called directly with a bad config.
    """
    raw = config.get(key)
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        raise TypeError(f"policy config {key!r} must be a list of strings, got {type(raw).__name__}")
    items: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            raise TypeError(
                f"policy config {key!r} must be a list of strings, got an item of type {type(item).__name__}"
            )
        item = item.strip()
        if item:
            items.append(item)
    return tuple(items)


def config_str(config: Mapping[str, Any], key: str, default: str) -> str:
    """Read a string policy config value, falling back to ``default`` when absent or empty."""
    raw = config.get(key)
    if raw is None:
        return default
    if not isinstance(raw, str):
        raise TypeError(f"policy config {key!r} must be a string, got {type(raw).__name__}")
    return raw.strip() or default


StackNameProvider = Callable[[], str | None]
"""Returns the name of the stack being previewed/updated, or ``None`` when it is not known."""

# pulumi.runtime.Settings' stack name before anything configured it.
_UNCONFIGURED_STACK: Final = "stack"


def current_stack_name() -> str | None:
    """The stack the policy pack is running for.

    The policy host passes it as ``PULUMI_STACK`` (pulumi-policy also copies it into
    ``pulumi.runtime`` settings before each analysis, so ``pulumi.get_stack()`` agrees). Without
    that variable, ``pulumi.get_stack()`` is used unless it still holds the SDK's placeholder
    ``"stack"``, in which case the name is unknown (``None``).
    """
    name = os.environ.get("PULUMI_STACK", "").strip()
    if name:
        return name
    name = pulumi.get_stack()
    if not name or name == _UNCONFIGURED_STACK:
        return None
    return name
