"""HTTP Basic auth on every Twilio route."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from twilio_trunking_emulator import EmulatorServer

ErrorCheck = Callable[[httpx.Response, int, int], dict[str, Any]]


@pytest.mark.parametrize(
    "auth",
    [
        None,
        ("AC" + "0" * 32, "wrong-token"),
        ("AC" + "1" * 32, "emulator-auth-token"),
        ("SK" + "5" * 32, "wrong-secret"),
        ("", ""),
    ],
)
@pytest.mark.parametrize(
    "path", ["/v1/Trunks", "/2010-04-01/Accounts/AC00000000000000000000000000000000/x.json"]
)
def test_rejected(
    emulator_server: EmulatorServer,
    auth: tuple[str, str] | None,
    path: str,
    twilio_error: ErrorCheck,
) -> None:
    response = httpx.get(emulator_server.base_url + path, auth=auth)
    body = twilio_error(response, 401, 20003)
    assert body["message"] == "Authenticate"
    assert response.headers["www-authenticate"] == 'Basic realm="Twilio API"'
    assert "emulator-auth-token" not in response.text


def test_malformed_authorization_header(emulator_server: EmulatorServer, twilio_error: ErrorCheck) -> None:
    for header in ("Bearer abc", "Basic !!!", "Basic " + "bm9jb2xvbg=="):  # "nocolon"
        response = httpx.get(emulator_server.base_url + "/v1/Trunks", headers={"Authorization": header})
        twilio_error(response, 401, 20003)


def test_account_sid_and_token(emulator_server: EmulatorServer) -> None:
    assert httpx.get(emulator_server.base_url + "/v1/Trunks", auth=emulator_server.auth).status_code == 200


def test_api_key_and_secret(emulator_server: EmulatorServer, api_key_auth: tuple[str, str]) -> None:
    auth = api_key_auth
    assert httpx.get(emulator_server.base_url + "/v1/Trunks", auth=auth).status_code == 200
    path = f"/2010-04-01/Accounts/{emulator_server.account_sid}/IncomingPhoneNumbers.json"
    assert httpx.get(emulator_server.base_url + path, auth=auth).status_code == 200


def test_control_endpoints_need_no_auth(emulator_server: EmulatorServer) -> None:
    response = httpx.get(emulator_server.base_url + "/_emulator/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
