"""Every error the provider raises on its own account; each message is one line a user can act on.

The Twilio client's own errors (API answers, connection failures, refused endpoints) live in
``twilio.errors``; the provider turns them into these where it can say more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .validation import InputProblem


class ProviderError(Exception):
    """Base class of the provider's errors."""


class ConfigurationError(ProviderError):
    """A setting is missing, malformed or unsafe; the message names it and where it came from."""


class BindingError(ProviderError):
    """A binding cannot be made as declared; the message says why and what to do."""


class AlreadyBound(BindingError):
    """The number is already on the trunk and this create did not put it there (nor opt in to adopt)."""

    def __init__(self, message: str, *, trunk_sid: str, number_sid: str, label: str) -> None:
        super().__init__(message)
        self.trunk_sid = trunk_sid
        self.number_sid = number_sid
        self.label = label


class BoundElsewhere(BindingError):
    """The number is on another trunk than the one declared (a number can be on one trunk only)."""

    def __init__(self, message: str, *, trunk_sid: str, number_sid: str, label: str) -> None:
        super().__init__(message)
        self.trunk_sid = trunk_sid  # the trunk it is on
        self.number_sid = number_sid
        self.label = label


class InvalidBindingInputs(ProviderError, ValueError):
    """A resource is declared with inputs that break a rule (raised before any API call)."""

    def __init__(
        self,
        resource_name: str,
        problems: list[InputProblem],
        *,
        resource_type: str = "TrunkPhoneNumberAssociation",
    ) -> None:
        self.problems = problems
        details = "; ".join(str(p) for p in problems)
        super().__init__(f"{resource_type} {resource_name!r} has invalid inputs: {details}")
