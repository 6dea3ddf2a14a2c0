"""Where the provider's settings come from: config first, then the environment, key by key.

Config is the stack config ``twilio:*`` for the dynamic providers, and the provider's own config
``twilio-trunking:*`` (stack config, or an explicit ``Provider``'s inputs) for the provider plugin.
Credentials are only *required* when an API call is about to be made, so ``pulumi preview`` works
with none at all. Every error names the setting and where its value came from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from .errors import ConfigurationError
from .twilio.endpoints import check_edge, check_region, redact_url, resolve_endpoints
from .twilio.errors import InvalidEndpoint
from .twilio.secret import Secret
from .twilio.settings import ClientSettings, RetryPolicy, Timeouts


@dataclass(frozen=True)
class Setting:
    """One setting: its name (``accountSid``), its environment variable, and whether it is a secret."""

    name: str
    env_var: str
    secret: bool = False

    @property
    def config_key(self) -> str:
        """Its key in the stack config of the dynamic providers (``twilio:accountSid``)."""
        return STACK_CONFIG.key(self)


@dataclass(frozen=True)
class ConfigSource:
    """How one front door's users name the settings: ``twilio:x`` in stack config, or the plugin's
    provider config ``twilio-trunking:x``."""

    namespace: str
    label: str

    def key(self, setting: Setting) -> str:
        return f"{self.namespace}:{setting.name}"

    def describe(self, setting: Setting) -> str:
        return f"{self.label} {self.key(setting)}"


STACK_CONFIG: Final = ConfigSource("twilio", "stack config")
PLUGIN_CONFIG: Final = ConfigSource("twilio-trunking", "provider config")

ACCOUNT_SID: Final = Setting("accountSid", "TWILIO_ACCOUNT_SID")
AUTH_TOKEN: Final = Setting("authToken", "TWILIO_AUTH_TOKEN", secret=True)
API_KEY: Final = Setting("apiKey", "TWILIO_API_KEY")
API_SECRET: Final = Setting("apiSecret", "TWILIO_API_SECRET", secret=True)
REGION: Final = Setting("region", "TWILIO_REGION")
EDGE: Final = Setting("edge", "TWILIO_EDGE")
API_BASE_URL: Final = Setting("apiBaseUrl", "TWILIO_API_BASE_URL")
MAX_ATTEMPTS: Final = Setting("maxAttempts", "TWILIO_TRUNKING_MAX_ATTEMPTS")
MAX_RETRY_SECONDS: Final = Setting("maxRetrySeconds", "TWILIO_TRUNKING_MAX_RETRY_SECONDS")
CONNECT_TIMEOUT: Final = Setting("connectTimeout", "TWILIO_TRUNKING_CONNECT_TIMEOUT")
READ_TIMEOUT: Final = Setting("readTimeout", "TWILIO_TRUNKING_READ_TIMEOUT")
SNAPSHOT_TTL: Final = Setting("snapshotTtl", "TWILIO_TRUNKING_SNAPSHOT_TTL")

ALL_SETTINGS: Final = (
    ACCOUNT_SID,
    AUTH_TOKEN,
    API_KEY,
    API_SECRET,
    REGION,
    EDGE,
    API_BASE_URL,
    MAX_ATTEMPTS,
    MAX_RETRY_SECONDS,
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    SNAPSHOT_TTL,
)

ConfigLookup = Callable[[str], object]


@dataclass(frozen=True)
class Value:
    """A setting's value and where it came from (``stack config twilio:x`` or ``environment X``)."""

    text: str = field(default="", repr=False)
    origin: str = ""
    from_config: bool = False

    def __bool__(self) -> bool:
        return bool(self.text)


class ProviderConfig:
    """The resolved settings. Holds credentials only as ``Secret``; its repr shows none."""

    def __init__(self, values: Mapping[Setting, Value], source: ConfigSource = STACK_CONFIG) -> None:
        self._values = dict(values)
        self.source = source

    def __repr__(self) -> str:
        return f"ProviderConfig(origins={[v.origin for v in self._values.values() if v]})"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("provider configuration holds credentials and must never be serialized")

    def value(self, setting: Setting) -> Value:
        return self._values.get(setting, Value())

    def origin(self, setting: Setting) -> str:
        """Where the setting's value came from, or how to give it when it is unset."""
        return self.value(setting).origin or f"unset ({self.source.key(setting)} or {setting.env_var})"

    @property
    def snapshot_ttl(self) -> float:
        return self._number(SNAPSHOT_TTL, 10.0)

    def credential_origins(self) -> str:
        """Which settings supplied the credentials, for messages about a refused login."""
        used = (API_KEY, API_SECRET, ACCOUNT_SID) if self._uses_api_key() else (ACCOUNT_SID, AUTH_TOKEN)
        return ", ".join(self.origin(s) for s in used)

    def credentials_refused(self, detail: str) -> str:
        """The one line for a login Twilio refused (401/403, ``detail`` its answer): which settings
        supplied the credentials and where they were sent."""
        return (
            f"Twilio refused the credentials ({detail}); they came from {self.credential_origins()}, "
            f"sent to {self.endpoint_description()}: check those settings"
        )

    def _uses_api_key(self) -> bool:
        return bool(self.value(API_KEY) or self.value(API_SECRET))

    def client_settings(self) -> ClientSettings:
        """Settings for a Twilio client; raises naming exactly what to set when credentials are missing."""
        account = self.value(ACCOUNT_SID)
        needed: tuple[Setting, ...]
        if self._uses_api_key():
            username, password = self.value(API_KEY), self.value(API_SECRET)
            needed, what = (API_KEY, API_SECRET, ACCOUNT_SID), "an API key"
        else:
            username, password = account, self.value(AUTH_TOKEN)
            needed, what = (ACCOUNT_SID, AUTH_TOKEN), "the account's auth token"
        missing = [s for s in needed if not self.value(s)]
        if missing:
            raise ConfigurationError(self._missing_message(missing, what))
        base_url = self.value(API_BASE_URL)
        if base_url:
            _checked(base_url, lambda text: resolve_endpoints(api_base_url=text))
        region, edge = self.value(REGION), self.value(EDGE)
        for value, check in ((region, check_region), (edge, check_edge)):
            if value:
                _checked(value, check)
        defaults, timeouts = RetryPolicy(), Timeouts()
        return ClientSettings(
            account_sid=account.text,
            username=username.text,
            password=Secret(password.text),
            api_base_url=base_url.text or None,
            region=region.text or None,
            edge=edge.text or None,
            retry=RetryPolicy(
                max_attempts=max(1, int(self._number(MAX_ATTEMPTS, defaults.max_attempts))),
                max_seconds=self._number(MAX_RETRY_SECONDS, defaults.max_seconds),
            ),
            timeouts=Timeouts(
                connect=self._number(CONNECT_TIMEOUT, timeouts.connect),
                read=self._number(READ_TIMEOUT, timeouts.read),
            ),
        )

    def endpoint_description(self) -> str:
        """The base URL in use and where it came from, for connection errors (credentials redacted)."""
        base_url = self.value(API_BASE_URL)
        if base_url:
            return f"{redact_url(base_url.text)} (from {base_url.origin})"
        return "Twilio's public API hosts (no twilio:apiBaseUrl / TWILIO_API_BASE_URL set)"

    def _missing_message(self, missing: list[Setting], what: str) -> str:
        keys = ", ".join(self.source.key(s) for s in missing)
        envs = ", ".join(s.env_var for s in missing)
        return (
            f"Twilio credentials are incomplete for authenticating with {what}: set the {self.source.label} "
            f"{keys} (use `pulumi config set --secret` for tokens and secrets) or the environment "
            f"variables {envs}."
        )

    def _number(self, setting: Setting, default: float) -> float:
        value = self.value(setting)
        if not value:
            return default
        try:
            number = float(value.text)
        except ValueError:
            raise ConfigurationError(f"{value.origin} must be a number; got {value.text!r}") from None
        if number < 0:
            raise ConfigurationError(f"{value.origin} must not be negative; got {value.text!r}")
        return number


def _checked(value: Value, check: Callable[[str], object]) -> None:
    """Run the client's check of a value; its InvalidEndpoint becomes an error naming the setting."""
    try:
        check(value.text)
    except InvalidEndpoint as exc:
        raise ConfigurationError(f"{value.origin} {exc}") from None


def resolve_config(
    config: ConfigLookup | None = None,
    env: Mapping[str, str] | None = None,
    *,
    source: ConfigSource = STACK_CONFIG,
) -> ProviderConfig:
    """Read every setting from a config lookup by ``source``'s keys (the dynamic host's
    ``req.config.get``, say), then the environment."""
    environ = os.environ if env is None else env
    values: dict[Setting, Value] = {}
    for setting in ALL_SETTINGS:
        raw = config(source.key(setting)) if config is not None else None
        if raw is not None and str(raw) != "":
            values[setting] = Value(str(raw), source.describe(setting), from_config=True)
        elif environ.get(setting.env_var):
            values[setting] = Value(environ[setting.env_var], f"environment variable {setting.env_var}")
    return ProviderConfig(values, source)
