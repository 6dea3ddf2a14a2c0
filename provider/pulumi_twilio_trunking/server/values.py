"""Between the engine's ``PropertyValue``s and the plain values the core works on."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Final

from pulumi.provider.experimental.property_value import Computed, PropertyValue


class _Unknown:
    """A value a preview does not know yet (an output of a resource not created)."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Final = _Unknown()


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


def plain(value: PropertyValue) -> Any:
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, str | bool | float) or inner is None:
        return inner
    if isinstance(inner, Mapping):
        return {key: plain(item) for key, item in inner.items()}
    if isinstance(inner, tuple | list):
        return [plain(item) for item in inner]
    return inner  # assets, archives and resource references are not used by these resources


def plain_map(properties: Mapping[str, PropertyValue]) -> tuple[dict[str, Any], set[str]]:
    """The plain values, and the keys whose value is (or holds) a secret."""
    values = {key: plain(value) for key, value in properties.items()}
    return values, {key for key, value in properties.items() if value.contains_secret()}


def property_value(value: Any) -> PropertyValue:
    if value is UNKNOWN:
        return PropertyValue.computed()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return PropertyValue(value)
    if isinstance(value, int | float):
        return PropertyValue(float(value))
    if isinstance(value, Mapping):
        return PropertyValue({str(k): property_value(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return PropertyValue([property_value(v) for v in value])
    raise TypeError(f"no property value for {type(value).__name__}")


def property_map(values: Mapping[str, Any], secret: Collection[str] = ()) -> dict[str, PropertyValue]:
    """``values`` as engine properties; the keys in ``secret`` stay secrets."""
    return {key: property_value(value).with_secret(key in secret) for key, value in values.items()}
