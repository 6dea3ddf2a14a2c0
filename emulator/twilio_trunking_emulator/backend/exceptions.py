"""The backend's domain errors.

Each one is an :class:`EmulatedTwilioError`: it carries the HTTP status and Twilio error code
it is answered with, so the response handlers let it propagate and the single error handler
renders it.  The control plane (``/_emulator/seed``) reports the same errors as ``{"error": ...}``.
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import (
    ALREADY_BOUND_ERROR_CODE,
    ALREADY_BOUND_HTTP_STATUS,
    DOMAIN_TAKEN_ERROR_CODE,
    INVALID_PARAMETER_ERROR_CODE,
    PHONE_NUMBER_UNAVAILABLE_ERROR_CODE,
    EmulatedTwilioError,
    InvalidParameterError,
    ResourceNotFoundError,
)


class StoreError(EmulatedTwilioError):
    """Base class of the store's domain errors."""


class UnknownTrunkError(StoreError, ResourceNotFoundError):
    """404/20404: the trunk does not exist."""

    def __init__(self, trunk_sid: str) -> None:
        ResourceNotFoundError.__init__(self, f"/Trunks/{trunk_sid}")
        self.trunk_sid = trunk_sid


class UnknownPhoneNumberError(StoreError, ResourceNotFoundError):
    """404/20404: the number does not exist (or is not on the trunk named in ``resource_path``)."""

    def __init__(self, number_sid: str, resource_path: str | None = None) -> None:
        ResourceNotFoundError.__init__(self, resource_path or f"/IncomingPhoneNumbers/{number_sid}")
        self.number_sid = number_sid


class UnknownTrunkReferenceError(StoreError, InvalidParameterError):
    """400/20001: a number's ``TrunkSid`` names a trunk that does not exist."""

    def __init__(self, trunk_sid: str) -> None:
        InvalidParameterError.__init__(self, "TrunkSid", f"Trunk {trunk_sid} not found")
        self.trunk_sid = trunk_sid


class AlreadyBoundError(StoreError):
    """The number is already on a trunk and the policy forbids rebinding it.

    Status and code are runtime settings (Twilio publishes no such behaviour), so the caller
    of :meth:`.Store.bind_number` passes them in.
    """

    def __init__(
        self,
        number_sid: str,
        trunk_sid: str,
        *,
        status: int = ALREADY_BOUND_HTTP_STATUS,
        code: int = ALREADY_BOUND_ERROR_CODE,
    ) -> None:
        super().__init__(
            status, code, f"Phone number {number_sid} is already associated with trunk {trunk_sid}"
        )
        self.number_sid = number_sid
        self.trunk_sid = trunk_sid


class DuplicateError(StoreError):
    """A unique column (``domain_name``, ``phone_number``, ``sid``) already holds the value."""

    def __init__(self, column: str, value: str, *, code: int, message: str) -> None:
        super().__init__(400, code, message)
        self.column = column
        self.value = value


class _ColumnTaken(DuplicateError):
    """A :class:`DuplicateError` of one column: ``taken`` is (column, Twilio code, message template).

    The template's ``{}`` is the value.
    """

    taken: ClassVar[tuple[str, int, str]]

    def __init__(self, value: str) -> None:
        column, code, message = self.taken
        super().__init__(column, value, code=code, message=message.format(value))


class DomainTakenError(_ColumnTaken):
    taken = ("domain_name", DOMAIN_TAKEN_ERROR_CODE, "Trunk Domain already taken: {}")


class PhoneNumberTakenError(_ColumnTaken):
    taken = ("phone_number", PHONE_NUMBER_UNAVAILABLE_ERROR_CODE, "PhoneNumber {} is not available")


class DuplicateSidError(_ColumnTaken):
    taken = ("sid", INVALID_PARAMETER_ERROR_CODE, "sid {} is already in use")
