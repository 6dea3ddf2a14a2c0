"""A wrapper that keeps a credential out of reprs, logs, tracebacks and pickles."""

from __future__ import annotations

from typing import NoReturn


class Secret:
    """Holds a secret string; it prints as ``Secret('***')`` and refuses to be pickled."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Twilio credential must never be serialized")
