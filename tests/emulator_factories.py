"""``make_trunk`` and ``make_number``: create a trunk or a number through an emulator's Twilio API.

They need two fixtures of the folder that uses them: ``http``, a plain httpx client on the
emulator with its credentials, and ``numbers_path``, the account's IncomingPhoneNumbers path. A
folder takes them by importing them into its conftest (tests/emulator) or test module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

Factory = Callable[..., dict[str, Any]]


@pytest.fixture
def make_trunk(http: httpx.Client) -> Factory:
    def make(**form: str) -> dict[str, Any]:
        response = http.post("/v1/Trunks", data=form)
        assert response.status_code == 201, response.text
        return dict(response.json())

    return make


@pytest.fixture
def make_number(http: httpx.Client, numbers_path: str) -> Factory:
    def make(phone_number: str, **form: str) -> dict[str, Any]:
        response = http.post(f"{numbers_path}.json", data={"PhoneNumber": phone_number, **form})
        assert response.status_code == 201, response.text
        return dict(response.json())

    return make
