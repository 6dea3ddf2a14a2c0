"""When and how long to wait before retrying a Twilio request (tenacity strategies)."""

from __future__ import annotations

import email.utils
import logging
import random
import time

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_before_delay

from .settings import RetryPolicy

log = logging.getLogger("pulumi_twilio_trunking.http")

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class RetryableResponse(Exception):
    """An HTTP answer that is worth another try (429 or 5xx); carries the response for the last try."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def retry_after_seconds(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or HTTP date), if any."""
    raw = response.headers.get("Retry-After")
    if not raw:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, RetryableResponse | httpx.TransportError)


class _BackoffHonouringRetryAfter:
    """Full-jitter exponential backoff, replaced by the server's ``Retry-After`` when it sends one."""

    def __init__(self, policy: RetryPolicy) -> None:
        self._policy = policy

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableResponse):
            asked = retry_after_seconds(exc.response)
            if asked is not None:
                return min(asked, self._policy.max_seconds)
        ceiling = min(
            self._policy.max_backoff, self._policy.initial_backoff * 2 ** (state.attempt_number - 1)
        )
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not cryptography


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    log.info("retrying Twilio request after %s (attempt %d, waiting %.2fs)", exc, state.attempt_number, wait)


def retrying(policy: RetryPolicy) -> Retrying:
    """A tenacity controller bounded both in attempts and in total time."""
    return Retrying(
        retry=retry_if_exception(_is_retryable),
        wait=_BackoffHonouringRetryAfter(policy),
        stop=stop_after_attempt(policy.max_attempts) | stop_before_delay(policy.max_seconds),
        before_sleep=_log_retry,
        reraise=True,
    )
