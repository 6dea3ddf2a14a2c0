"""Exceptions raised by the Twilio client. None of them ever carries a credential."""

from __future__ import annotations

from typing import Any


class TwilioError(Exception):
    """Base class of everything the client raises."""


class TwilioApiError(TwilioError):
    """Twilio answered with an error body (``code``, ``message``, ``more_info``, ``status``)."""

    def __init__(
        self,
        *,
        status: int,
        code: int,
        message: str,
        more_info: str | None,
        method: str,
        path: str,
        details: Any = None,
        attempts: int = 1,
    ) -> None:
        self.status = status
        # How many times the request was sent: above 1, an earlier attempt may have taken effect.
        self.attempts = attempts
        self.code = code
        self.message = message
        self.more_info = more_info
        self.method = method
        self.path = path
        self.details = details
        hint = f" (see {more_info})" if more_info else ""
        super().__init__(f"Twilio {method} {path} failed: HTTP {status}, error {code}: {message}{hint}")

    @property
    def is_not_found(self) -> bool:
        return self.status == 404


class TwilioConnectionError(TwilioError):
    """Twilio could not be reached (or the connection broke) on every attempt."""

    def __init__(self, message: str, *, attempts: int = 1) -> None:
        super().__init__(message)
        self.attempts = attempts


class TwilioPagingError(TwilioError):
    """A list answer whose next-page link the client will not follow.

    The link leads to another origin (scheme, host or port) than the configured base URL, repeats a
    page already read, or the list runs past ``MAX_PAGES`` pages. Nothing is sent for that link.
    """


class InvalidEndpoint(TwilioError):
    """A base URL the client refuses (not http(s), embedded credentials, plain HTTP to a remote host),
    or a region or edge that is not of Twilio's form (it would become part of the host name).

    The message never repeats the URL's credentials; the configuration layer prefixes the setting
    the value came from.
    """
