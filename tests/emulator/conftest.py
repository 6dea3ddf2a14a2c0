"""Fixtures for the emulator tests: one in-thread emulator per session, reset per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.emulator_factories import make_number, make_trunk
from twilio_trunking_emulator import EmulatorControl, EmulatorOptions, EmulatorServer

__all__ = ["make_number", "make_trunk"]  # fixtures for this folder's tests (they need http, numbers_path)

API_KEY = "SK" + "5" * 32
API_SECRET = "emulator-api-secret"


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorOptions(api_key=API_KEY, api_secret=API_SECRET)) as server:
        yield server


@pytest.fixture(autouse=True)
def _reset_emulator(request: pytest.FixtureRequest) -> None:
    if "emulator_server" in request.fixturenames:
        request.getfixturevalue("emulator_server").control.reset()


@pytest.fixture(scope="session")
def api_key_auth() -> tuple[str, str]:
    """The API key credential pair the session emulator accepts."""
    return (API_KEY, API_SECRET)


@pytest.fixture
def control(emulator_server: EmulatorServer) -> EmulatorControl:
    return emulator_server.control


@pytest.fixture
def http(emulator_server: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator_server.base_url, auth=emulator_server.auth, timeout=10) as c:
        yield c


@pytest.fixture
def account_sid(emulator_server: EmulatorServer) -> str:
    return emulator_server.account_sid


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
