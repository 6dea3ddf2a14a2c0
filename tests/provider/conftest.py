"""Fixtures for client and provider tests: a seeded emulator and a configured provider.

The emulator comes from the package's own testing kit (the ``twilio_emulator`` pytest fixture).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_twilio_trunking.config import resolve_config
from pulumi_twilio_trunking.provider import TrunkPhoneNumberAssociationProvider
from pulumi_twilio_trunking.session import ProviderSession
from pulumi_twilio_trunking.testing import TwilioEmulator
from pulumi_twilio_trunking.twilio.client import TwilioClient
from pulumi_twilio_trunking.twilio.models import TrunkPhoneNumber
from twilio_trunking_emulator import EmulatorControl, EmulatorOptions

TOKEN = "core-tests-token-5d1e"


@dataclass(frozen=True)
class Seeded:
    trunk: str
    other_trunk: str
    numbers: dict[str, str]  # E.164 -> PN sid


@pytest.fixture
def twilio_emulator_options() -> EmulatorOptions:
    return EmulatorOptions(auth_token=TOKEN)


@pytest.fixture
def seeded(control: EmulatorControl) -> Seeded:
    result = control.seed(
        {
            "trunks": [{"friendly_name": "main"}, {"friendly_name": "other"}],
            "phone_numbers": [
                {"phone_number": "+14155550101", "friendly_name": "one"},
                {"phone_number": "+14155550102", "friendly_name": "two"},
                {"phone_number": "+14155550103", "friendly_name": "three"},
                {"phone_number": "+141555501", "friendly_name": "prefix of the others"},
            ],
        }
    )
    trunks = [t["sid"] for t in result["trunks"]]
    control.clear_requests()
    return Seeded(trunks[0], trunks[1], {n["phone_number"]: n["sid"] for n in result["phone_numbers"]})


def stack_config(emulator: TwilioEmulator, **extra: str) -> dict[str, str]:
    return emulator.stack_config(**{"twilio:maxRetrySeconds": "20", **extra})


@pytest.fixture
def provider(
    twilio_emulator: TwilioEmulator, control: EmulatorControl
) -> TrunkPhoneNumberAssociationProvider:
    configured = TrunkPhoneNumberAssociationProvider(ProviderSession())
    configured.configure(ConfigureRequest(Config(stack_config(twilio_emulator), "proj")))
    return configured


def next_update(provider: TrunkPhoneNumberAssociationProvider) -> TrunkPhoneNumberAssociationProvider:
    """The provider of the next CLI command: a new session (new update memory) on the same service."""
    return TrunkPhoneNumberAssociationProvider(ProviderSession(service=provider.session.service))


@pytest.fixture
def client(twilio_emulator: TwilioEmulator, control: EmulatorControl) -> Iterator[TwilioClient]:
    twilio = TwilioClient(resolve_config(stack_config(twilio_emulator).get, {}).client_settings())
    yield twilio
    twilio.close()


def binding_sids(bindings: Iterable[TrunkPhoneNumber]) -> list[str]:
    """The SIDs of the bindings Twilio listed, in its order (each has one)."""
    sids = []
    for binding in bindings:
        assert binding.sid is not None, binding
        sids.append(binding.sid)
    return sids


def create_binding(
    provider: TrunkPhoneNumberAssociationProvider, **inputs: Any
) -> tuple[str, dict[str, Any]]:
    """check() then create(), as the engine does; returns the id and the outputs."""
    checked = provider.check({}, inputs)
    assert checked.failures == []
    result = provider.create(checked.inputs)
    assert result.outs is not None
    return result.id, result.outs
