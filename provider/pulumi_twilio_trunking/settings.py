"""Where the provider's Twilio settings come from: stack config first, then the environment.

Credentials are only *required* when an API call is about to be made, so ``pulumi preview``
works with no credentials at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from .twilio.errors import TwilioConfigurationError
from .twilio.secret import Secret


@dataclass(frozen=True)
class SettingSource:
    """One setting: its stack-config key and its environment variable."""

    config_key: str
    env_var: str


ACCOUNT_SID: Final = SettingSource("twilio:accountSid", "TWILIO_ACCOUNT_SID")
AUTH_TOKEN: Final = SettingSource("twilio:authToken", "TWILIO_AUTH_TOKEN")
API_KEY: Final = SettingSource("twilio:apiKey", "TWILIO_API_KEY")
API_SECRET: Final = SettingSource("twilio:apiSecret", "TWILIO_API_SECRET")
REGION: Final = SettingSource("twilio:region", "TWILIO_REGION")
EDGE: Final = SettingSource("twilio:edge", "TWILIO_EDGE")
API_BASE_URL: Final = SettingSource("twilio:apiBaseUrl", "TWILIO_API_BASE_URL")
MAX_ATTEMPTS: Final = SettingSource("twilio:maxAttempts", "TWILIO_TRUNKING_MAX_ATTEMPTS")
MAX_RETRY_SECONDS: Final = SettingSource("twilio:maxRetrySeconds", "TWILIO_TRUNKING_MAX_RETRY_SECONDS")
CONNECT_TIMEOUT: Final = SettingSource("twilio:connectTimeout", "TWILIO_TRUNKING_CONNECT_TIMEOUT")
READ_TIMEOUT: Final = SettingSource("twilio:readTimeout", "TWILIO_TRUNKING_READ_TIMEOUT")
SNAPSHOT_TTL: Final = SettingSource("twilio:snapshotTtl", "TWILIO_TRUNKING_SNAPSHOT_TTL")

ConfigLookup = Callable[[str], object]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard the client tries before giving up on a retryable failure."""

    # 12 attempts: with 30% of requests throttled, 8 attempts would still fail ~1 request in 15,000
    # (about 1% of 100-binding `pulumi up` runs); 12 make it 1 in 1.9 million. The full-jitter
    # backoff before a 12th attempt averages ~16 s (at most ~31 s), inside max_seconds, the real bound.
    max_attempts: int = 12
    max_seconds: float = 60.0
    initial_backoff: float = 0.1
    max_backoff: float = 5.0


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    read: float = 30.0


@dataclass(frozen=True)
class TwilioSettings:
    """Everything needed to talk to Twilio. Hashable, so one client serves one settings value."""

    account_sid: str | None = None
    auth_token: Secret | None = None
    api_key: str | None = None
    api_secret: Secret | None = None
    region: str | None = None
    edge: str | None = None
    api_base_url: str | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeouts: Timeouts = field(default_factory=Timeouts)
    snapshot_ttl: float = 10.0

    def basic_auth(self) -> tuple[str, str]:
        """The HTTP Basic credentials, or a clear error naming what to set."""
        if self.api_key or self.api_secret:
            missing = [
                s
                for s, v in (
                    (API_KEY, self.api_key),
                    (API_SECRET, self.api_secret),
                    (ACCOUNT_SID, self.account_sid),
                )
                if not v
            ]
            if missing:
                raise TwilioConfigurationError(_missing_message(missing, "an API key"))
            assert self.api_key is not None
            assert self.api_secret is not None
            return self.api_key, self.api_secret.reveal()
        missing = [s for s, v in ((ACCOUNT_SID, self.account_sid), (AUTH_TOKEN, self.auth_token)) if not v]
        if missing:
            raise TwilioConfigurationError(_missing_message(missing, "the account's auth token"))
        assert self.account_sid is not None
        assert self.auth_token is not None
        return self.account_sid, self.auth_token.reveal()

    def require_account_sid(self) -> str:
        if not self.account_sid:
            raise TwilioConfigurationError(_missing_message([ACCOUNT_SID], "the account"))
        return self.account_sid


def _missing_message(missing: list[SettingSource], what: str) -> str:
    keys = ", ".join(s.config_key for s in missing)
    envs = ", ".join(s.env_var for s in missing)
    return (
        f"Twilio credentials are incomplete for authenticating with {what}: set the stack config "
        f"{keys} (use `pulumi config set --secret` for tokens and secrets) or the environment "
        f"variables {envs}."
    )


def _read(source: SettingSource, config: ConfigLookup | None, env: Mapping[str, str]) -> str | None:
    if config is not None:
        value = config(source.config_key)
        if value is not None and str(value) != "":
            return str(value)
    value = env.get(source.env_var)
    return value if value else None


def _number(
    source: SettingSource, config: ConfigLookup | None, env: Mapping[str, str], default: float
) -> float:
    raw = _read(source, config, env)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise TwilioConfigurationError(
            f"{source.config_key} / {source.env_var} must be a number; got {raw!r}"
        ) from None
    if value < 0:
        raise TwilioConfigurationError(f"{source.config_key} / {source.env_var} must not be negative")
    return value


def resolve_settings(
    config: ConfigLookup | None = None, env: Mapping[str, str] | None = None
) -> TwilioSettings:
    """Build settings from a stack-config lookup (``req.config.get``) and the environment."""
    environ = os.environ if env is None else env
    token = _read(AUTH_TOKEN, config, environ)
    api_secret = _read(API_SECRET, config, environ)
    defaults = RetryPolicy()
    timeouts = Timeouts()
    return TwilioSettings(
        account_sid=_read(ACCOUNT_SID, config, environ),
        auth_token=Secret(token) if token else None,
        api_key=_read(API_KEY, config, environ),
        api_secret=Secret(api_secret) if api_secret else None,
        region=_read(REGION, config, environ),
        edge=_read(EDGE, config, environ),
        api_base_url=_read(API_BASE_URL, config, environ),
        retry=RetryPolicy(
            max_attempts=max(1, int(_number(MAX_ATTEMPTS, config, environ, defaults.max_attempts))),
            max_seconds=_number(MAX_RETRY_SECONDS, config, environ, defaults.max_seconds),
        ),
        timeouts=Timeouts(
            connect=_number(CONNECT_TIMEOUT, config, environ, timeouts.connect),
            read=_number(READ_TIMEOUT, config, environ, timeouts.read),
        ),
        snapshot_ttl=_number(SNAPSHOT_TTL, config, environ, 10.0),
    )
