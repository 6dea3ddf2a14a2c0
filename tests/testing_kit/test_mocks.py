"""``set_binding_mocks``: unit-test a user's program that declares bindings, without an engine."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pulumi_twilio_trunking import InvalidBindingInputs, TrunkPhoneNumberAssociation
from pulumi_twilio_trunking.testing import BindingMocks, set_binding_mocks
from tests.pulumi_runtime import pulumi_test

TRUNK = "TK" + "a" * 32
KNOWN_SID = "PN" + "1" * 32


@pytest.fixture
def binding_mocks() -> BindingMocks:
    return set_binding_mocks({"+14155550100": KNOWN_SID})


@pulumi_test
def test_outputs_answer_like_the_provider(binding_mocks: BindingMocks) -> pulumi.Output[Any]:
    by_number = TrunkPhoneNumberAssociation("by-number", trunk_sid=TRUNK, phone_number="+14155550100")
    by_sid = TrunkPhoneNumberAssociation("by-sid", trunk_sid=TRUNK, phone_number_sid="PN" + "2" * 32)

    def check(values: list[Any]) -> None:
        number_sid, number_id, sid_e164, sid_trunk = values
        assert number_sid == KNOWN_SID
        assert number_id == f"{TRUNK}/{KNOWN_SID}"
        assert sid_e164 is None  # a number the table does not know keeps its declared form only
        assert sid_trunk == TRUNK
        assert sorted((b.name, b.phone_number_sid) for b in binding_mocks.bindings) == [
            ("by-number", KNOWN_SID),
            ("by-sid", "PN" + "2" * 32),
        ]

    return pulumi.Output.all(
        by_number.phone_number_sid, by_number.id, by_sid.phone_number, by_sid.trunk_sid
    ).apply(check)


def test_an_unknown_number_gets_a_stable_made_up_sid() -> None:
    first = BindingMocks()
    second = BindingMocks()
    args = pulumi.runtime.MockResourceArgs(
        typ="pulumi-python:dynamic/twilio:TrunkPhoneNumberAssociation",
        name="x",
        inputs={"trunk_sid": TRUNK, "phone_number": "+14155550199"},
        provider="",
        resource_id="",
        custom=True,
    )
    id_one, outs_one = first.new_resource(args)
    id_two, _ = second.new_resource(args)
    assert id_one == id_two
    assert str(outs_one["phone_number_sid"]).startswith("PN") and len(outs_one["phone_number_sid"]) == 34


def test_bad_inputs_fail_like_check_would() -> None:
    mocks = BindingMocks()
    args = pulumi.runtime.MockResourceArgs(
        typ="pulumi-python:dynamic/twilio:TrunkPhoneNumberAssociation",
        name="bad",
        inputs={"trunk_sid": "TK123", "phone_number": "+14155550100"},
        provider="",
        resource_id="",
        custom=True,
    )
    with pytest.raises(InvalidBindingInputs, match="trunk_sid"):
        mocks.new_resource(args)


@pulumi_test
def test_the_plugins_typed_resources_are_answered_too(binding_mocks: BindingMocks) -> pulumi.Output[Any]:
    import pulumi_twilio_trunking.plugin as twilio_trunking

    line = twilio_trunking.TrunkPhoneNumberAssociation("line", trunk_sid=TRUNK, phone_number="+14155550100")
    exact = twilio_trunking.ExclusiveTrunk(
        "exact", trunk_sid=TRUNK, associated_phone_number_sids=[line.phone_number_sid]
    )

    def check(values: list[Any]) -> None:
        line_id, sid, trunk, declared, strays = values
        assert line_id == sid == KNOWN_SID  # the plugin's id is the number
        assert trunk == TRUNK
        assert declared == [KNOWN_SID] and strays == []
        assert [(b.name, b.phone_number_sid) for b in binding_mocks.bindings] == [("line", KNOWN_SID)]

    return pulumi.Output.all(
        line.id,
        line.phone_number_sid,
        line.trunk_sid,
        exact.declared_phone_number_sids,
        exact.stray_phone_number_sids,
    ).apply(check)
