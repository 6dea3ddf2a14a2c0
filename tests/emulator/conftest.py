"""Fixtures for the emulator tests: one in-thread emulator per session, reset per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from twilio_trunking_emulator import EmulatorControl, EmulatorOptions, EmulatorServer

API_KEY = "SK" + "5" * 32
API_SECRET = "emulator-api-secret"


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorOptions(api_key=API_KEY, api_secret=API_SECRET)) as server:
        yield server


@pytest.fixture(autouse=True)
def _reset_emulator(request: pytest.FixtureRequest) -> None:
    if "emulator" in request.fixturenames:
        request.getfixturevalue("emulator").control.reset()


@pytest.fixture(scope="session")
def api_key_auth() -> tuple[str, str]:
    """The API key credential pair the session emulator accepts."""
    return (API_KEY, API_SECRET)


@pytest.fixture
def control(emulator: EmulatorServer) -> EmulatorControl:
    return emulator.control


@pytest.fixture
def client(emulator: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, auth=emulator.auth, timeout=10) as c:
        yield c


@pytest.fixture
def account_sid(emulator: EmulatorServer) -> str:
    return emulator.account_sid


@pytest.fixture
def numbers_path(account_sid: str) -> str:
    return f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers"


ErrorCheck = Callable[[httpx.Response, int, int], dict[str, Any]]


@pytest.fixture(scope="session")
def twilio_error() -> ErrorCheck:
    """``twilio_error(response, status, code)`` asserts a legacy Twilio error body."""
    return assert_twilio_error


def assert_twilio_error(response: httpx.Response, status: int, code: int) -> dict[str, Any]:
    """The response is a legacy Twilio error with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "more_info", "status"}
    assert body["code"] == code
    assert body["status"] == status
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    assert isinstance(body["message"], str) and body["message"]
    return dict(body)
