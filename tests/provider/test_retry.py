from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from pulumi_twilio_trunking.twilio.client import TwilioClient
from pulumi_twilio_trunking.twilio.errors import TwilioApiError, TwilioConnectionError
from pulumi_twilio_trunking.twilio.retry import retry_after_seconds
from pulumi_twilio_trunking.twilio.secret import Secret
from pulumi_twilio_trunking.twilio.settings import ClientSettings, RetryPolicy

ACCOUNT = "AC" + "1" * 32
TOKEN = "retry-test-token-77"
TRUNK = "TK" + "a" * 32
NUMBER = "PN" + "b" * 32


def _client(
    handler: Callable[[httpx.Request], httpx.Response], policy: RetryPolicy | None = None
) -> TwilioClient:
    settings = ClientSettings(
        account_sid=ACCOUNT,
        username=ACCOUNT,
        password=Secret(TOKEN),
        api_base_url="http://127.0.0.1:9",
        retry=policy or RetryPolicy(max_attempts=4, max_seconds=5, initial_backoff=0.001),
    )
    return TwilioClient(settings, transport=httpx.MockTransport(handler))


def _twilio_error(status: int, code: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        json={
            "code": code,
            "message": "nope",
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        headers=headers,
    )


def _binding() -> httpx.Response:
    return httpx.Response(200, json={"sid": NUMBER, "trunk_sid": TRUNK, "phone_number": "+14155550100"})


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "3"})) == 3.0
    later = datetime.now(UTC) + timedelta(seconds=30)
    seconds = retry_after_seconds(
        httpx.Response(429, headers={"Retry-After": format_datetime(later, usegmt=True)})
    )
    assert seconds is not None and 28 <= seconds <= 31
    assert retry_after_seconds(httpx.Response(429)) is None
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "soon"})) is None


@pytest.mark.parametrize("status", [429, 500, 503])
def test_retryable_statuses_are_retried_until_success(status: int) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return _twilio_error(status, 20429 if status == 429 else 20500) if len(calls) < 3 else _binding()

    binding = _client(handler).fetch_trunk_phone_number(TRUNK, NUMBER)
    assert binding is not None and binding.sid == NUMBER
    assert len(calls) == 3


def test_connection_failures_are_retried_then_reported_without_credentials() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(TwilioConnectionError) as caught:
        _client(handler).fetch_trunk(TRUNK)
    assert len(calls) == 4
    assert TOKEN not in str(caught.value)
    assert "/v1/Trunks/" in str(caught.value)


def test_retry_after_is_honoured() -> None:
    stamps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        stamps.append(time.monotonic())
        return _twilio_error(429, 20429, {"Retry-After": "1"}) if len(stamps) == 1 else _binding()

    _client(handler).fetch_trunk_phone_number(TRUNK, NUMBER)
    assert stamps[1] - stamps[0] >= 0.95


def test_attempts_are_bounded_and_the_last_error_is_typed() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return _twilio_error(503, 20503)

    with pytest.raises(TwilioApiError) as caught:
        _client(handler).fetch_trunk(TRUNK)
    assert len(calls) == 4
    assert (caught.value.status, caught.value.code) == (503, 20503)


def test_total_retry_time_is_bounded() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return _twilio_error(429, 20429, {"Retry-After": "1"})

    started = time.monotonic()
    with pytest.raises(TwilioApiError):
        _client(handler, RetryPolicy(max_attempts=50, max_seconds=2.5, initial_backoff=0.001)).fetch_trunk(
            TRUNK
        )
    assert time.monotonic() - started < 4


@pytest.mark.parametrize(("status", "code"), [(400, 21601), (401, 20003), (404, 20404)])
def test_client_errors_fail_at_once_with_twilios_code(status: int, code: int) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return _twilio_error(status, code)

    with pytest.raises(TwilioApiError) as caught:
        _client(handler).create_trunk_phone_number(TRUNK, NUMBER)
    assert len(calls) == 1
    assert caught.value.code == code
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value.args)
