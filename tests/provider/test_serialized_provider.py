"""What Pulumi stores under ``__provider`` holds no credential and unpickles in a fresh process."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from typing import Any

import pulumi
import pytest

from pulumi_twilio_trunking import RESOURCE_TYPE, InvalidBindingInputs, TrunkPhoneNumberAssociation
from tests.pulumi_runtime import pulumi_test

TOKEN = "tok-e9a1c4-NEVER-STORE"
API_SECRET = "sec-77b2d0-NEVER-STORE"
ACCOUNT = "AC" + "c" * 32


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.registered: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.registered.append(args)
        return "TK/PN", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture
def recording_mocks(monkeypatch: pytest.MonkeyPatch) -> RecordingMocks:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("TWILIO_API_SECRET", API_SECRET)
    monkeypatch.setenv(
        "PULUMI_CONFIG",
        json.dumps({"twilio:accountSid": ACCOUNT, "twilio:authToken": TOKEN, "twilio:apiSecret": API_SECRET}),
    )
    recording = RecordingMocks()
    pulumi.runtime.set_mocks(recording, project="p", stack="s", preview=False)
    return recording


def _stored_provider(mocks: RecordingMocks) -> str:
    [args] = mocks.registered
    value = args.inputs["__provider"]
    assert isinstance(value, str), "the provider blob is stored as a plain (non-secret) string"
    return value


@pulumi_test
def test_serialized_provider_holds_no_credential(recording_mocks: RecordingMocks) -> pulumi.Output[Any]:
    binding = TrunkPhoneNumberAssociation("b", trunk_sid="TK" + "a" * 32, phone_number="+14155550100")

    def check(_: Any) -> None:
        [args] = recording_mocks.registered
        assert args.typ == RESOURCE_TYPE
        blob = _stored_provider(recording_mocks)
        raw = base64.b64decode(blob)
        for secret in (TOKEN, API_SECRET):
            assert secret.encode() not in raw
            assert secret not in blob
            assert base64.b64encode(secret.encode()).decode()[:16] not in blob
        assert b"pulumi_twilio_trunking.provider" in raw
        assert b"TrunkPhoneNumberAssociationProvider" in raw
        assert len(raw) < 400, "pickled by reference, not by value"
        fresh = subprocess.run(
            [
                sys.executable,
                "-c",
                "import base64, sys, dill; p = dill.loads(base64.b64decode(sys.argv[1])); "
                "print(type(p).__module__ + '.' + type(p).__qualname__, vars(p))",
                blob,
            ],
            capture_output=True,
            text=True,
            check=True,
            env={"PATH": "/usr/bin:/bin"},
        )
        expected = "pulumi_twilio_trunking.provider.TrunkPhoneNumberAssociationProvider {}"
        assert fresh.stdout.strip() == expected

    return binding.urn.apply(check)


def test_plain_bad_inputs_fail_before_anything_is_registered(recording_mocks: RecordingMocks) -> None:
    with pytest.raises(InvalidBindingInputs) as caught:
        TrunkPhoneNumberAssociation("bad", trunk_sid="TK123", phone_number="4155550100")
    message = str(caught.value)
    assert "'bad'" in message
    assert "trunk_sid" in message and "^TK[0-9a-fA-F]{32}$" in message
    assert "phone_number" in message and "E.164" in message
    assert recording_mocks.registered == []


# What 0.1.0 stored under ``__provider`` for every binding (taken from a 0.1.0 stack export).
PROVIDER_BLOB_0_1_0 = (
    "gASVTgAAAAAAAACMH3B1bHVtaV90d2lsaW9fdHJ1bmtpbmcucHJvdmlkZXKUjCNUcnVua1Bob25lTnVtYmVyQXNzb2NpYXRp"
    "b25Qcm92aWRlcpSTlCmBlC4="
)


def test_state_written_by_0_1_0_still_loads_and_serializes_the_same() -> None:
    import dill
    from pulumi.dynamic import Config, ConfigureRequest
    from pulumi.dynamic.dynamic import serialize_provider

    from pulumi_twilio_trunking.provider import TrunkPhoneNumberAssociationProvider

    loaded = dill.loads(base64.b64decode(PROVIDER_BLOB_0_1_0))
    assert type(loaded) is TrunkPhoneNumberAssociationProvider
    loaded.configure(ConfigureRequest(Config({"twilio:accountSid": ACCOUNT, "twilio:authToken": TOKEN}, "p")))
    # Configured or not, the provider pickles to the very bytes 0.1.0 stored: no diff on `__provider`
    # for existing stacks, and no credential in the blob.
    assert serialize_provider(loaded) == PROVIDER_BLOB_0_1_0
    assert serialize_provider(TrunkPhoneNumberAssociationProvider()) == PROVIDER_BLOB_0_1_0
