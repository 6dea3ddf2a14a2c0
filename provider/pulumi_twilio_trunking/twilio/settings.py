"""What the client needs to reach Twilio: whom to authenticate as, where, and how hard to try.

Built by the provider's configuration layer; this module knows nothing of stack config or
environment variables, so the client can be used (and tested) on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .secret import Secret


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
class ClientSettings:
    """Credentials and endpoints of one Twilio account.

    ``username`` is the account SID (with its auth token) or an API key SID (with its secret);
    ``account_sid`` is always the account the resources belong to.
    """

    account_sid: str
    username: str
    password: Secret = field(repr=False)
    api_base_url: str | None = None
    region: str | None = None
    edge: str | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeouts: Timeouts = field(default_factory=Timeouts)
