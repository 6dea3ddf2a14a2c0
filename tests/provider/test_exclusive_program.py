"""``ExclusiveTrunk`` in a program (Pulumi mocks): the declared set is gathered from every association,
whatever the declaration order, and the stored provider is a bare class reference."""

from __future__ import annotations

import base64
from typing import Any

import pulumi
import pytest

from pulumi_twilio_trunking import (
    EXCLUSIVE_RESOURCE_TYPE,
    RESOURCE_TYPE,
    ExclusiveTrunk,
    TrunkPhoneNumberAssociation,
)
from pulumi_twilio_trunking.declarations import numbers_declared_on
from tests.pulumi_runtime import pulumi_test

TRUNK, OTHER = "TK" + "a" * 32, "TK" + "b" * 32
PN = {name: "PN" + ch * 32 for name, ch in (("one", "1"), ("two", "2"), ("three", "3"), ("kept", "4"))}


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.registered: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.registered.append(args)
        state = dict(args.inputs)
        if args.typ == RESOURCE_TYPE and not state.get("phone_number_sid"):
            # E.164 "+1415555000N" resolves to PN of digit N
            state["phone_number_sid"] = "PN" + state["phone_number"][-1] * 32
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture
def mocks() -> Mocks:
    recording = Mocks()
    pulumi.runtime.set_mocks(recording, project="p", stack="s", preview=False)
    return recording


@pulumi_test
def test_declared_set_gathers_associations_declared_later(mocks: Mocks) -> pulumi.Output[Any]:
    exact = ExclusiveTrunk("exact", trunk_sid=TRUNK, keep=[PN["kept"]])  # declared first
    gathered = numbers_declared_on(TRUNK, protected_only=False)
    TrunkPhoneNumberAssociation("one", trunk_sid=TRUNK, phone_number_sid=PN["one"])
    TrunkPhoneNumberAssociation("two", trunk_sid=TRUNK, phone_number="+14155550002")
    TrunkPhoneNumberAssociation("elsewhere", trunk_sid=OTHER, phone_number_sid=PN["three"])
    parent = pulumi.ComponentResource("demo:Lines", "lines", opts=pulumi.ResourceOptions(protect=True))
    TrunkPhoneNumberAssociation(
        "protected",
        trunk_sid=TRUNK,
        phone_number_sid=PN["three"],
        opts=pulumi.ResourceOptions(parent=parent, protect=True),
    )
    # Only a protect in the binding's own options counts; one inherited from a parent is not seen.
    TrunkPhoneNumberAssociation(
        "inherits", trunk_sid=TRUNK, phone_number_sid=PN["kept"], opts=pulumi.ResourceOptions(parent=parent)
    )

    def check(_: Any) -> None:
        [args] = [a for a in mocks.registered if a.typ == EXCLUSIVE_RESOURCE_TYPE]
        associated = sorted([PN["one"], PN["two"], PN["three"], PN["kept"]])
        assert args.inputs["associated_phone_number_sids"] == associated
        assert args.inputs["protected_phone_number_sids"] == [PN["three"]]
        assert args.inputs["keep"] == [PN["kept"]]
        assert args.inputs["trunk_sid"] == TRUNK
        # Registered after every association: its inputs wait for their outputs.
        assert [a.name for a in mocks.registered][-1] == "exact"
        raw = base64.b64decode(args.inputs["__provider"])
        assert b"pulumi_twilio_trunking.exclusive" in raw and b"ExclusiveTrunkProvider" in raw
        assert len(raw) < 400, "pickled by reference, not by value"

    def check_dependencies(resources: Any) -> None:
        # Every association on this trunk, none on another (plain trunk SIDs).
        assert sorted(r._name for r in resources) == ["inherits", "one", "protected", "two"]

    declared_resources: pulumi.Input[set[pulumi.Resource]] = gathered.resources()
    dependencies = pulumi.Output.from_input(declared_resources).apply(check_dependencies)
    return pulumi.Output.all(exact.urn.apply(check), dependencies)


def test_plain_inputs_are_checked_when_the_program_runs(mocks: Mocks) -> None:
    with pytest.raises(ValueError, match="trunk_sid"):
        ExclusiveTrunk("bad", trunk_sid="TK1")
    with pytest.raises(ValueError, match="keep"):
        ExclusiveTrunk("bad", trunk_sid=TRUNK, keep=["+14155550100"])
