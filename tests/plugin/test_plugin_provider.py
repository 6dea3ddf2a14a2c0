"""The provider plugin's methods, driven as the engine drives them, against the in-thread emulator."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine, Mapping
from typing import Any, TypeVar

import pytest
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    ConfigureRequest,
    CreateRequest,
    DeleteRequest,
    DiffRequest,
    GetSchemaRequest,
    ReadRequest,
    UpdateRequest,
)

from pulumi_twilio_trunking.errors import AlreadyBound, ConfigurationError
from pulumi_twilio_trunking.properties import TRUNK_PHONE_NUMBER_PROPERTIES, camel
from pulumi_twilio_trunking.server.provider import TrunkingProvider
from pulumi_twilio_trunking.server.schema import ASSOCIATION_TYPE, EXCLUSIVE_TYPE, package_schema
from pulumi_twilio_trunking.server.values import plain_map, property_map
from pulumi_twilio_trunking.session import ProviderSession
from pulumi_twilio_trunking.testing import TwilioEmulator
from tests.provider.conftest import Seeded
from twilio_trunking_emulator import EmulatorControl

T = TypeVar("T")
ONE, TWO = "+14155550101", "+14155550102"


def run(call: Coroutine[Any, Any, T]) -> T:
    # A loop of its own, never set as the thread's current loop (asyncio.run would unset that, which
    # the Pulumi SDK's mocks in later tests rely on).
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(call)
    finally:
        loop.close()


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::proj::{type_}::{name}"


def props(values: Mapping[str, Any], secret: tuple[str, ...] = ()) -> dict[str, PropertyValue]:
    return property_map(values, secret)


def configured(emulator: TwilioEmulator, **extra: Any) -> TrunkingProvider:
    provider = TrunkingProvider(ProviderSession())
    config = {key.split(":", 1)[1]: value for key, value in emulator.stack_config("twilio-trunking").items()}
    config.update(extra)
    run(provider.configure(ConfigureRequest({}, props(config, ("authToken",)), True, True)))
    return provider


def next_command(provider: TrunkingProvider) -> TrunkingProvider:
    later = TrunkingProvider(ProviderSession(service=provider.session.service))
    return later


def create(provider: TrunkingProvider, name: str, **inputs: Any) -> tuple[str, dict[str, Any]]:
    checked = run(provider.check(CheckRequest(urn(ASSOCIATION_TYPE, name), {}, props(inputs), b"")))
    assert not checked.failures and checked.inputs is not None
    created = run(provider.create(CreateRequest(urn(ASSOCIATION_TYPE, name), checked.inputs, 0, False)))
    assert created.resource_id is not None
    return created.resource_id, plain_map(created.properties)[0]


def bound(control: EmulatorControl) -> dict[str, str | None]:
    return {n["sid"]: n["trunk_sid"] for n in control.state()["phone_numbers"]}


@pytest.fixture
def plugin_provider(twilio_emulator: TwilioEmulator, seeded: Seeded) -> TrunkingProvider:
    return configured(twilio_emulator)


class TestSchema:
    def test_get_schema_prints_both_resources_with_every_property_described(self) -> None:
        schema = json.loads(run(TrunkingProvider().get_schema(GetSchemaRequest(0, None, None))).schema or "")
        assert schema == package_schema()
        association = schema["resources"][ASSOCIATION_TYPE]
        assert {camel(p) for p in TRUNK_PHONE_NUMBER_PROPERTIES} <= set(association["properties"])
        assert set(association["inputProperties"]) == {"trunkSid", "phoneNumberSid", "phoneNumber", "adopt"}
        exclusive = schema["resources"][EXCLUSIVE_TYPE]
        assert {"strayPhoneNumberSids", "unboundPhoneNumberSids", "keep"} <= set(exclusive["properties"])
        for resource in (association, exclusive):
            for spec in (*resource["properties"].values(), *resource["inputProperties"].values()):
                assert len(spec["description"]) > 20, spec

    def test_provider_config_marks_credentials_secret_and_names_their_variables(self) -> None:
        variables = package_schema()["config"]["variables"]
        assert {k for k, v in variables.items() if v.get("secret")} == {
            "accountSid",
            "authToken",
            "apiSecret",
        }
        assert "TWILIO_AUTH_TOKEN" in variables["authToken"]["description"]
        assert variables["maxAttempts"]["type"] == "number"


class TestWithoutCredentials:
    def test_check_and_diff_need_no_credentials_and_name_properties_as_the_schema_does(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        provider = TrunkingProvider(ProviderSession())
        run(provider.configure(ConfigureRequest({}, {}, True, True)))
        bad = run(
            provider.check(CheckRequest(urn(ASSOCIATION_TYPE, "x"), {}, props({"trunkSid": "TK1"}), b""))
        )
        assert {f.property for f in bad.failures or []} == {"trunkSid", "phoneNumberSid"}
        news = {"trunkSid": PropertyValue.computed(), "phoneNumber": PropertyValue(ONE)}
        assert not run(provider.check(CheckRequest(urn(ASSOCIATION_TYPE, "x"), {}, news, b""))).failures
        olds = props({"trunkSid": "TK" + "a" * 32, "phoneNumber": ONE, "phoneNumberSid": "PN" + "b" * 32})
        diff = run(provider.diff(DiffRequest(urn(ASSOCIATION_TYPE, "x"), "PN" + "b" * 32, olds, news, [])))
        assert diff.changes is True and diff.replaces == []  # a trunk change is an in-place move


class TestAgainstTheEmulator:
    def test_create_by_number_is_identified_by_its_pn_sid(
        self, plugin_provider: TrunkingProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        id_, outputs = create(plugin_provider, "line", trunkSid=seeded.trunk, phoneNumber=ONE)
        assert id_ == seeded.numbers[ONE]
        assert outputs["trunkSid"] == seeded.trunk and outputs["phoneNumberSid"] == id_
        assert outputs["ownership"] == "created" and outputs["friendlyName"] == "one"
        assert bound(control)[id_] == seeded.trunk

    def test_a_trunk_change_moves_the_number_in_place(
        self,
        plugin_provider: TrunkingProvider,
        control: EmulatorControl,
        seeded: Seeded,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        id_, outputs = create(plugin_provider, "line", trunkSid=seeded.trunk, phoneNumber=ONE)
        later = next_command(plugin_provider)
        news = props({"trunkSid": seeded.other_trunk, "phoneNumber": ONE})
        name = urn(ASSOCIATION_TYPE, "line")
        diff = run(later.diff(DiffRequest(name, id_, props(outputs), news, [])))
        assert diff.changes is True and diff.replaces == []
        updated = run(later.update(UpdateRequest(name, id_, props(outputs), news, 0, [], False)))
        moved = plain_map(updated.properties)[0]
        assert moved["trunkSid"] == seeded.other_trunk and moved["ownership"] == "moved"
        assert bound(control)[id_] == seeded.other_trunk
        assert (
            f"moved {ONE} ({id_}) from trunk {seeded.trunk} to {seeded.other_trunk}"
            in capsys.readouterr().err
        )

    def test_refresh_follows_a_number_moved_out_of_band_and_import_reads_by_id(
        self, plugin_provider: TrunkingProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        id_, outputs = create(plugin_provider, "line", trunkSid=seeded.trunk, phoneNumber=ONE)
        control.seed({"phone_numbers": [{"phone_number": ONE, "trunk_sid": seeded.other_trunk}]})
        name = urn(ASSOCIATION_TYPE, "line")
        read = run(next_command(plugin_provider).read(ReadRequest(name, id_, props(outputs), {})))
        assert read.resource_id == id_
        assert plain_map(read.inputs)[0] == {"trunkSid": seeded.other_trunk, "phoneNumber": ONE}
        # `pulumi import TYPE NAME ID`: the engine reads with the id alone (PN…, or TK…/PN…).
        for given in (id_, f"{seeded.other_trunk}/{id_}"):
            imported = run(next_command(plugin_provider).read(ReadRequest(name, given, {}, {})))
            assert imported.resource_id == id_
            assert plain_map(imported.inputs)[0]["trunkSid"] == seeded.other_trunk
        # An import that names the trunk takes that binding only, never the number's new place.
        moved_away = run(
            next_command(plugin_provider).read(ReadRequest(name, f"{seeded.trunk}/{id_}", {}, {}))
        )
        assert moved_away.resource_id is None
        control.seed({"phone_numbers": [{"phone_number": ONE, "trunk_sid": None}]})
        gone = run(next_command(plugin_provider).read(ReadRequest(name, id_, props(outputs), {})))
        assert gone.resource_id is None

    def test_delete_unbinds_unless_the_update_holds_the_binding(
        self, plugin_provider: TrunkingProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        id_, outputs = create(plugin_provider, "old", trunkSid=seeded.trunk, phoneNumber=ONE)
        # A rename in the next update: the new name declares it, so the old name's delete keeps it bound.
        later = next_command(plugin_provider)
        news = props({"trunkSid": seeded.trunk, "phoneNumber": ONE, "adopt": True})
        run(later.check(CheckRequest(urn(ASSOCIATION_TYPE, "new"), {}, news, b"")))
        run(later.delete(DeleteRequest(urn(ASSOCIATION_TYPE, "old"), id_, props(outputs), 0)))
        assert bound(control)[id_] == seeded.trunk
        run(
            next_command(plugin_provider).delete(
                DeleteRequest(urn(ASSOCIATION_TYPE, "old"), id_, props(outputs), 0)
            )
        )
        assert bound(control)[id_] is None

    def test_an_existing_binding_is_refused_with_the_plugins_own_advice(
        self, plugin_provider: TrunkingProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        control.seed({"phone_numbers": [{"phone_number": ONE, "trunk_sid": seeded.trunk}]})
        with pytest.raises(AlreadyBound) as caught:
            create(plugin_provider, "line", trunkSid=seeded.trunk, phoneNumber=ONE)
        message = str(caught.value)
        assert "\n" not in message and "pulumi.Alias" not in message
        assert f"pulumi import {ASSOCIATION_TYPE} NAME {seeded.numbers[ONE]}" in message
        assert (
            message.index("aliases resource option") < message.index("get with id") < message.index("adopt")
        )

    def test_secret_inputs_stay_secret_in_the_outputs(
        self, plugin_provider: TrunkingProvider, seeded: Seeded
    ) -> None:
        inputs = props({"trunkSid": seeded.trunk, "phoneNumber": TWO}, secret=("phoneNumber",))
        name = urn(ASSOCIATION_TYPE, "line")
        checked = run(plugin_provider.check(CheckRequest(name, {}, inputs, b"")))
        assert checked.inputs is not None and checked.inputs["phoneNumber"].is_secret
        created = run(plugin_provider.create(CreateRequest(name, checked.inputs, 0, False)))
        assert created.properties["phoneNumber"].is_secret and not created.properties["trunkSid"].is_secret

    def test_an_exclusive_trunk_records_strays_before_it_unbinds_them(
        self, plugin_provider: TrunkingProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        one, two = seeded.numbers[ONE], seeded.numbers[TWO]
        control.seed({"phone_numbers": [{"phone_number": n, "trunk_sid": seeded.trunk} for n in (ONE, TWO)]})
        name = urn(EXCLUSIVE_TYPE, "exact")
        inputs = props({"trunkSid": seeded.trunk, "associatedPhoneNumberSids": [one]})
        created = run(plugin_provider.create(CreateRequest(name, inputs, 0, False)))
        assert created.resource_id == seeded.trunk
        outputs = plain_map(created.properties)[0]
        assert outputs["strayPhoneNumberSids"] == [two] and bound(control)[two] == seeded.trunk
        updated = run(
            next_command(plugin_provider).update(
                UpdateRequest(name, seeded.trunk, created.properties, inputs, 0, [], False)
            )
        )
        assert plain_map(updated.properties)[0]["unboundPhoneNumberSids"] == [two]
        assert bound(control)[two] is None and bound(control)[one] == seeded.trunk


class TestConfiguration:
    def test_missing_credentials_name_the_plugins_settings(
        self, twilio_emulator: TwilioEmulator, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
        provider = TrunkingProvider(ProviderSession())
        config = {"accountSid": twilio_emulator.account_sid, "apiBaseUrl": twilio_emulator.base_url}
        run(provider.configure(ConfigureRequest({}, props(config), True, True)))
        with pytest.raises(
            ConfigurationError, match=r"provider config twilio-trunking:authToken.*TWILIO_AUTH_TOKEN"
        ):
            create(provider, "line", trunkSid=seeded.trunk, phoneNumber=ONE)

    def test_a_wrong_token_is_one_line_naming_where_it_came_from(
        self, twilio_emulator: TwilioEmulator, seeded: Seeded
    ) -> None:
        provider = configured(twilio_emulator, authToken="wrong-token-91aa")
        with pytest.raises(ConfigurationError) as caught:
            create(provider, "line", trunkSid=seeded.trunk, phoneNumber=ONE)
        message = str(caught.value)
        assert "\n" not in message and "wrong-token-91aa" not in message
        origins = "provider config twilio-trunking:accountSid, provider config twilio-trunking:authToken"
        assert f"they came from {origins}" in message
        assert caught.value.__traceback__ is None or caught.value.__suppress_context__

    def test_a_token_that_is_not_a_secret_is_warned_about_once(
        self, twilio_emulator: TwilioEmulator, capsys: pytest.CaptureFixture[str]
    ) -> None:
        provider = TrunkingProvider(ProviderSession())
        config = {
            key.split(":", 1)[1]: v for key, v in twilio_emulator.stack_config("twilio-trunking").items()
        }
        for _ in range(2):
            run(provider.configure(ConfigureRequest({}, props(config), True, True)))
        err = capsys.readouterr().err
        assert err.count("twilio-trunking:authToken is not a secret") == 1
        assert twilio_emulator.auth_token not in err
