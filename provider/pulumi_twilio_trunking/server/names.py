"""The plugin's property names: camelCase in its schema and in every SDK, the Python names in the core.

One rule (``properties.camel``) turns a core name into the schema's. The reverse is a table of the
names the plugin knows, so an unknown property is passed through unchanged rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from ..exclusive_trunk import DECLARATION_INPUTS
from ..properties import (
    ADOPT,
    DECLARED_SIDS,
    OUTPUT_PROPERTIES,
    OWNERSHIP,
    PHONE_NUMBER,
    PHONE_NUMBER_SID,
    RETAINED_SIDS,
    STRAY_SIDS,
    TRUNK_SID,
    UNBOUND_SIDS,
    camel,
)

ASSOCIATION_INPUTS: Final = (TRUNK_SID, PHONE_NUMBER_SID, PHONE_NUMBER, ADOPT)
ASSOCIATION_OUTPUTS: Final = (*OUTPUT_PROPERTIES, OWNERSHIP, ADOPT)
EXCLUSIVE_INPUTS: Final = (TRUNK_SID, *DECLARATION_INPUTS)
EXCLUSIVE_OUTPUTS: Final = (*EXCLUSIVE_INPUTS, DECLARED_SIDS, STRAY_SIDS, RETAINED_SIDS, UNBOUND_SIDS)


def _table(names: Iterable[str]) -> dict[str, str]:
    return {camel(name): name for name in names}


_PYTHON_NAMES: Final = _table((*ASSOCIATION_OUTPUTS, *EXCLUSIVE_OUTPUTS))


def to_core(values: Mapping[str, Any]) -> dict[str, Any]:
    """Schema names -> the core's names."""
    return {_PYTHON_NAMES.get(key, key): value for key, value in values.items()}


def to_schema(values: Mapping[str, Any]) -> dict[str, Any]:
    """The core's names -> schema names."""
    return {camel(key): value for key, value in values.items()}
