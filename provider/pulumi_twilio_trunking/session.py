"""The provider session: everything one provider process keeps for the command it serves.

A front door (the dynamic providers, the provider plugin) serves one Pulumi CLI command per process.
Its session holds the configuration, the Twilio service (client and snapshots, built on the first API
call), the update memory (``ownership``) and the error boundary that turns every failure a user can
act on into one line. Both dynamic providers of a process share one session: the host unpickles one
instance per provider class, and an ``ExclusiveTrunk`` must see the bindings its process's
``TrunkPhoneNumberAssociation`` resources hold in the same update.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar

from .errors import ConfigurationError, ProviderError
from .ownership import UpdateMemory
from .reporting import report, warn

if TYPE_CHECKING:
    from .bindings import BindingService
    from .config import ConfigLookup, ConfigSource, ProviderConfig

REFRESH_USES_SAVED_CONFIG: Final = (
    "note: a plain `pulumi refresh` uses the provider config saved in the stack's state by the last "
    "update; after fixing the setting run `pulumi refresh --run-program` or "
    "`pulumi up --refresh --run-program`"
)


class ProviderSession:
    """Configuration, Twilio service, update memory and error boundary of one provider process.

    ``service`` injects the binding service (tests); otherwise it is built from the configuration on
    the first API call, so ``check`` and ``diff`` (all that ``pulumi preview`` runs) need no credentials.
    """

    def __init__(
        self, *, config: ProviderConfig | None = None, service: BindingService | None = None
    ) -> None:
        self._lock = threading.Lock()
        self._config = config
        self._service = service
        self.memory = UpdateMemory()

    def configure(self, lookup: ConfigLookup, source: ConfigSource | None = None) -> None:
        """Read the settings (config by ``source``'s keys first, then the environment) for this command."""
        from .config import STACK_CONFIG, resolve_config

        with self._lock:
            self._config = resolve_config(lookup, source=source or STACK_CONFIG)
        _show_warnings_in_pulumi_output()

    @property
    def config(self) -> ProviderConfig:
        from .config import resolve_config

        with self._lock:
            if self._config is None:  # not configured (a test, or a host that skips configure)
                self._config = resolve_config()
            return self._config

    @property
    def service(self) -> BindingService:
        """The binding service; built (and credentials required) on first use."""
        config = self.config
        with self._lock:
            if self._service is None:
                from .bindings import BindingService
                from .twilio.client import TwilioClient

                self._service = BindingService(TwilioClient(config.client_settings()), config.snapshot_ttl)
            return self._service

    def warn_once(self, key: str, message: str) -> None:
        if self.memory.first_time(key):
            warn(message)

    def explain(self, exc: Exception) -> Exception:
        """The one line a user sees for ``exc``: the client's errors become ``ProviderError``s naming
        the settings involved and where they came from; the provider's own errors pass as they are, and
        anything else (a bug) is left untouched."""
        from .twilio.errors import TwilioApiError, TwilioConnectionError, TwilioPagingError

        if isinstance(exc, ProviderError):
            return exc
        if isinstance(exc, TwilioApiError) and exc.status in (401, 403):
            detail = f"HTTP {exc.status}, error {exc.code}: {exc.message}"
            return ConfigurationError(self.config.credentials_refused(detail))
        if isinstance(exc, TwilioConnectionError):
            return ProviderError(f"{exc}; base URL in use: {self.config.endpoint_description()}")
        if isinstance(exc, TwilioApiError | TwilioPagingError):
            return ProviderError(str(exc))
        return exc

    def one_line(self, exc: Exception) -> Exception | None:
        """What a front door raises for ``exc``: its one-line error with the traceback cut at the
        boundary, or None to let ``exc`` (a bug) propagate with its traceback."""
        error = self.explain(exc)
        if error is exc and not isinstance(exc, ProviderError):
            return None
        return error.with_traceback(None)

    def warn_about_stored_config(self) -> None:
        """On refresh the engine configures the provider from the config saved by the last update."""
        from .config import API_BASE_URL
        from .twilio.endpoints import redact_url

        if self._config is None:
            return
        used = self._config.value(API_BASE_URL)
        current = os.environ.get(API_BASE_URL.env_var, "")
        if used.from_config and current and current.rstrip("/") != used.text.rstrip("/"):
            key = self._config.source.key(API_BASE_URL)
            self.warn_once(
                "base-url",
                f"this command talks to {redact_url(used.text)} from {key} as saved "
                f"in the stack's state by the last update, not to {API_BASE_URL.env_var}="
                f"{redact_url(current)} (stack config wins over the environment). A plain `pulumi refresh` "
                "uses the saved provider config (so does the refresh of `pulumi up --refresh`); run "
                "`pulumi refresh --run-program` or `pulumi up --refresh --run-program` to use the current "
                "stack config",
            )


F = TypeVar("F", bound=Callable[..., Any])


def one_line_errors(session_of: Callable[[Any], ProviderSession]) -> Callable[[F], F]:
    """The boundary of a front door's methods: an error the user can act on leaves as one line.

    The SDK's hosts print ``traceback.format_exc()``: cutting the traceback here leaves only the frames
    between the host and the method, then the message. ``session_of(self)`` gives the method's session.
    """

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any) -> Any:
            try:
                return method(self, *args)
            except Exception as exc:
                error = session_of(self).one_line(exc)
                if error is None:
                    raise
                raise error from None

        return wrapper  # type: ignore[return-value]

    return decorate


_process_session: ProviderSession | None = None
_process_lock = threading.Lock()


def process_session() -> ProviderSession:
    """The session of this provider process, shared by both dynamic providers (one command each)."""
    global _process_session
    with _process_lock:
        if _process_session is None:
            _process_session = ProviderSession()
        return _process_session


class _ReportHandler(logging.Handler):
    """Shows the package's warnings (long back-offs, retries) in the output of the Pulumi command."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            report(record.getMessage())
        except Exception:  # reporting must never fail an operation
            self.handleError(record)


def _show_warnings_in_pulumi_output() -> None:
    logger = logging.getLogger("pulumi_twilio_trunking")
    if not any(isinstance(h, _ReportHandler) for h in logger.handlers):
        handler = _ReportHandler(logging.WARNING)
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.WARNING:
            logger.setLevel(logging.WARNING)
