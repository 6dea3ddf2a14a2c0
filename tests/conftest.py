"""Fixtures shared by the test folders that run against an emulated Twilio.

The emulator comes from the package's own testing kit (the ``twilio_emulator`` fixture of the
``pytest11`` plugin); a folder chooses what it serves by overriding ``twilio_emulator_options``.
Folders that test the emulator itself, or that need it as a separate process, define their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_twilio_trunking.testing import TwilioEmulator
from twilio_trunking_emulator import EmulatorControl


@pytest.fixture
def emulator(twilio_emulator: TwilioEmulator) -> TwilioEmulator:
    return twilio_emulator


@pytest.fixture
def control(twilio_emulator: TwilioEmulator) -> EmulatorControl:
    return twilio_emulator.control


# Factories over the emulator's Twilio API, for the folders whose ``client`` is a plain httpx
# client on the emulator and that define ``numbers_path`` (tests/emulator, the schema contract).
@pytest.fixture
def make_trunk(client: httpx.Client) -> Callable[..., dict[str, Any]]:
    def make(**form: str) -> dict[str, Any]:
        response = client.post("/v1/Trunks", data=form)
        assert response.status_code == 201, response.text
        return dict(response.json())

    return make


@pytest.fixture
def make_number(client: httpx.Client, numbers_path: str) -> Callable[..., dict[str, Any]]:
    def make(phone_number: str, **form: str) -> dict[str, Any]:
        response = client.post(f"{numbers_path}.json", data={"PhoneNumber": phone_number, **form})
        assert response.status_code == 201, response.text
        return dict(response.json())

    return make
