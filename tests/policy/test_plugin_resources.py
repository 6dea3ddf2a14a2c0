"""The policies judge the provider plugin's bindings (camelCase properties) by the same rules."""

from __future__ import annotations

from collections.abc import Callable

from pulumi_twilio_trunking.policy import (
    binding_protected_policy,
    validate_binding_well_formed,
    validate_country_allowed,
    validate_single_binding_per_number,
    validate_trunk_allowed,
)
from pulumi_twilio_trunking.policy.rules import ALLOWED_COUNTRY_CODES, ALLOWED_TRUNK_SIDS
from pulumi_twilio_trunking.properties import PLUGIN_ASSOCIATION_TYPE
from tests.policy.policy_testkit import (
    NUMBER_FR,
    NUMBER_SID_1,
    NUMBER_US,
    TRUNK_A,
    TRUNK_B,
    resource,
    resource_args,
    run,
    stack_args,
)

PLUGIN = PLUGIN_ASSOCIATION_TYPE


def stack_named(name: str) -> Callable[[], str]:
    return lambda: name


def test_a_malformed_plugin_binding_is_named_with_its_own_property_names() -> None:
    reports = run(
        validate_binding_well_formed,
        resource_args({"trunkSid": "TK1", "phoneNumber": NUMBER_US}, resource_type=PLUGIN),
    )
    assert len(reports.messages) == 1
    assert "trunkSid" in reports.messages[0] and "trunk_sid" not in reports.messages[0]
    assert not run(
        validate_binding_well_formed,
        resource_args({"trunkSid": TRUNK_A, "phoneNumberSid": NUMBER_SID_1}, resource_type=PLUGIN),
    ).messages


def test_a_number_declared_by_both_front_doors_is_one_binding_too_many() -> None:
    dynamic = resource("dynamic-line", {"trunk_sid": TRUNK_A, "phone_number": NUMBER_US})
    plugin = resource("plugin-line", {"trunkSid": TRUNK_B, "phoneNumber": NUMBER_US}, resource_type=PLUGIN)
    reports = run(validate_single_binding_per_number, stack_args(dynamic, plugin))
    assert len(reports.messages) == 1
    assert "dynamic-line" in reports.messages[0] and "plugin-line" in reports.messages[0]


def test_trunks_countries_and_protection_apply_to_plugin_bindings() -> None:
    props = {"trunkSid": TRUNK_B, "phoneNumber": NUMBER_FR}
    trunks = run(
        validate_trunk_allowed,
        resource_args(props, resource_type=PLUGIN, config={ALLOWED_TRUNK_SIDS: [TRUNK_A]}),
    )
    assert len(trunks.messages) == 1 and TRUNK_B in trunks.messages[0]
    countries = run(
        validate_country_allowed,
        resource_args(props, resource_type=PLUGIN, config={ALLOWED_COUNTRY_CODES: ["1"]}),
    )
    assert len(countries.messages) == 1
    protect = binding_protected_policy(stack_name=stack_named("prod"))
    assert len(run(protect.validate, resource_args(props, resource_type=PLUGIN))) == 1
    assert len(run(protect.validate, resource_args(props, resource_type=PLUGIN, protect=True))) == 0
