"""Reading a decoded JSON value that must be an object with only known keys."""

from __future__ import annotations

from collections.abc import Callable, Set
from typing import Any


def json_object(
    data: object,
    allowed: Set[str],
    error: Callable[[str], Exception],
    not_object: str,
    unknown_keys: str,
) -> dict[str, Any]:
    """``data`` as a dict whose keys are all in ``allowed``.

    Raises ``error(not_object)`` when ``data`` is not a dict, and
    ``error(unknown_keys.format(sorted_unknown_keys))`` when it has keys outside ``allowed``.
    """
    if not isinstance(data, dict):
        raise error(not_object)
    unknown = set(data) - allowed
    if unknown:
        raise error(unknown_keys.format(sorted(unknown)))
    return data
