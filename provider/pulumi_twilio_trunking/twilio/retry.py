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


# A back-off at least this long is shown in the output of `pulumi up` (shorter ones only in the log).
VISIBLE_WAIT_SECONDS = 2.0


def _describe_failure(exc: BaseException | None) -> tuple[str, str]:
    """What failed (``POST /v1/...``) and how (``HTTP 429``, ``ConnectError``), without credentials."""
    if isinstance(exc, RetryableResponse):
        answered = exc.response.request
        return f"{answered.method} {answered.url.path}", f"HTTP {exc.response.status_code}"
    request: httpx.Request | None
    try:
        request = exc.request if isinstance(exc, httpx.RequestError) else None
    except RuntimeError:  # an httpx error raised outside a client has no request
        request = None
    if request is None:
        return "", type(exc).__name__ if exc else "failure"
    port = f":{request.url.port}" if request.url.port else ""
    what = f"{request.method} {request.url.scheme}://{request.url.host}{port}{request.url.path}"
    return what, type(exc).__name__ if exc else "failure"


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    what, how = _describe_failure(exc)
    # Connection failures are always shown (nothing else would say why `up` is slow); throttling and
    # 5xx answers only when the wait is long enough to be noticed. The provider shows this logger's
    # warnings in the output of the Pulumi command; info stays in the log.
    visible = wait >= VISIBLE_WAIT_SECONDS or not isinstance(exc, RetryableResponse)
    log.log(
        logging.WARNING if visible else logging.INFO,
        "Twilio %s failed (%s%s, attempt %d); retrying in %.1f s",
        what,
        how,
        ", rate limited" if how == "HTTP 429" else "",
        state.attempt_number,
        wait,
    )


def retrying(policy: RetryPolicy) -> Retrying:
    """A tenacity controller bounded both in attempts and in total time."""
    return Retrying(
        retry=retry_if_exception(_is_retryable),
        wait=_BackoffHonouringRetryAfter(policy),
        stop=stop_after_attempt(policy.max_attempts) | stop_before_delay(policy.max_seconds),
        before_sleep=_log_retry,
        reraise=True,
    )
