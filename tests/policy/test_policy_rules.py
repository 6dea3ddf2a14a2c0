"""Each rule of pulumi_twilio_trunking.policy: allowed, violated, unknown during preview, config."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi_policy import EnforcementLevel
from pulumi_policy.proxy import UNKNOWN_OBJECT_VALUE, unknown_checking_proxy

from pulumi_twilio_trunking.policy import _values as policy
from pulumi_twilio_trunking.policy import (
    binding_protected_policy,
    country_allowed_policy,
    country_allowed_stack_policy,
    single_binding_per_number_policy,
    trunk_allowed_policy,
    trunk_binding_well_formed_policy,
    validate_binding_protected,
    validate_binding_well_formed,
    validate_country_allowed,
    validate_country_allowed_stack,
    validate_single_binding_per_number,
    validate_trunk_allowed,
)
from pulumi_twilio_trunking.policy.rules import ALLOWED_COUNTRY_CODES, ALLOWED_TRUNK_SIDS, STACK_PATTERN
from tests.policy.policy_testkit import (
    NUMBER_FR,
    NUMBER_SID_1,
    NUMBER_SID_2,
    NUMBER_UK,
    NUMBER_US,
    NUMBER_US_2,
    TRUNK_A,
    TRUNK_B,
    UNKNOWN,
    append_violations_to,
    ignore_violation,
    outputs,
    resource,
    resource_args,
    run,
    stack_args,
    urn_of,
)

OTHER_TYPE = "pulumi-python:dynamic:Resource"
PROPS_TRUNK_A = {"trunk_sid": TRUNK_A, "phone_number": NUMBER_US}
PROPS_TRUNK_B = {"trunk_sid": TRUNK_B, "phone_number": NUMBER_US}
COUNTRY_CONFIG = {ALLOWED_COUNTRY_CODES: ["1", "44"]}


# --- shared helpers -------------------------------------------------------------------------------


class TestReadProps:
    def test_replaces_unknowns_from_the_proxy(self) -> None:
        props = unknown_checking_proxy({"a": "x", "b": UNKNOWN, "c": None})
        read = policy.read_props(props)
        assert read == {"a": "x", "b": policy.UNKNOWN, "c": None}

    def test_replaces_raw_sentinels(self) -> None:
        read = policy.read_props({"a": UNKNOWN_OBJECT_VALUE})
        assert read["a"] is policy.UNKNOWN
        assert policy.is_unknown(read["a"])
        assert policy.is_unknown(UNKNOWN)
        assert not policy.is_unknown("TK")
        assert not policy.is_unknown(None)


# --- 1. well-formed -------------------------------------------------------------------------------


class TestWellFormed:
    @pytest.mark.parametrize(
        "props",
        [
            {"trunk_sid": TRUNK_A, "phone_number_sid": NUMBER_SID_1},
            {"trunk_sid": TRUNK_A, "phone_number": NUMBER_US},
            {"trunk_sid": TRUNK_A.upper(), "phone_number": NUMBER_UK},
            # None is how an omitted optional input can show up; it counts as absent
            {"trunk_sid": TRUNK_A, "phone_number_sid": NUMBER_SID_1, "phone_number": None},
        ],
    )
    def test_valid_inputs_pass(self, props: dict[str, Any]) -> None:
        assert len(run(validate_binding_well_formed, resource_args(props))) == 0

    @pytest.mark.parametrize(
        ("props", "expected"),
        [
            ({"phone_number": NUMBER_US}, "trunk_sid: is required"),
            ({"trunk_sid": "TK123", "phone_number": NUMBER_US}, "trunk_sid: must be a trunk SID"),
            ({"trunk_sid": TRUNK_A}, "neither was given"),
            (
                {"trunk_sid": TRUNK_A, "phone_number_sid": NUMBER_SID_1, "phone_number": NUMBER_US},
                "not both",
            ),
            ({"trunk_sid": TRUNK_A, "phone_number": "415-555-0100"}, "phone_number: must be an E.164"),
            ({"trunk_sid": TRUNK_A, "phone_number": "+014155550100"}, "phone_number: must be an E.164"),
            ({"trunk_sid": TRUNK_A, "phone_number_sid": "PN42"}, "phone_number_sid: must be"),
            ({"trunk_sid": TRUNK_A, "phone_number_sid": NUMBER_SID_1.replace("PN", "TK")}, "PN"),
            ({"trunk_sid": 42, "phone_number": NUMBER_US}, "must be a string"),
        ],
    )
    def test_invalid_inputs_violate(self, props: dict[str, Any], expected: str) -> None:
        reports = run(validate_binding_well_formed, resource_args(props, name="sales-line"))
        assert len(reports) == 1, reports.messages
        message = reports.messages[0]
        assert expected in message
        assert "TrunkPhoneNumberAssociation 'sales-line'" in message
        assert reports.violations[0][1] is None  # a resource policy reports on its own resource

    def test_every_problem_is_reported(self) -> None:
        reports = run(
            validate_binding_well_formed,
            resource_args({"trunk_sid": "nope", "phone_number": "nope"}),
        )
        assert len(reports) == 2
        assert any("trunk_sid" in m for m in reports.messages)
        assert any("E.164" in m for m in reports.messages)

    def test_messages_say_how_to_fix(self) -> None:
        reports = run(validate_binding_well_formed, resource_args({"trunk_sid": TRUNK_A}))
        assert "Pass exactly one of phone_number_sid" in reports.messages[0]

    def test_other_resource_types_are_ignored(self) -> None:
        args = resource_args({"foo": "bar"}, resource_type=OTHER_TYPE)
        assert len(run(validate_binding_well_formed, args)) == 0

    @pytest.mark.parametrize(
        "props",
        [
            {"trunk_sid": UNKNOWN, "phone_number_sid": NUMBER_SID_1},
            {"trunk_sid": TRUNK_A, "phone_number_sid": UNKNOWN},
            {"trunk_sid": TRUNK_A, "phone_number": UNKNOWN},
            {"trunk_sid": UNKNOWN, "phone_number": UNKNOWN},
        ],
    )
    def test_unknown_values_pass_during_preview(self, props: dict[str, Any]) -> None:
        assert len(run(validate_binding_well_formed, resource_args(props))) == 0

    def test_known_values_are_still_checked_next_to_unknown_ones(self) -> None:
        reports = run(
            validate_binding_well_formed,
            resource_args({"trunk_sid": UNKNOWN, "phone_number": "0044 20 7183 8750"}),
        )
        assert len(reports) == 1
        assert "phone_number" in reports.messages[0]

    def test_policy_object(self) -> None:
        p = trunk_binding_well_formed_policy()
        assert p.name == "twilio-trunk-binding-well-formed"
        assert p.enforcement_level == EnforcementLevel.MANDATORY
        reports = run(p.validate, resource_args({"trunk_sid": TRUNK_A}))
        assert len(reports) == 1


# --- 2. one binding per number --------------------------------------------------------------------


class TestSingleBindingPerNumber:
    def test_distinct_numbers_pass(self) -> None:
        args = stack_args(
            resource("a", outputs(phone_number_sid=NUMBER_SID_1, phone_number=NUMBER_US)),
            resource("b", outputs(phone_number_sid=NUMBER_SID_2, phone_number=NUMBER_US_2)),
        )
        assert len(run(validate_single_binding_per_number, args)) == 0

    def test_same_number_sid_on_two_trunks_violates(self) -> None:
        args = stack_args(
            resource("main-line", {"trunk_sid": TRUNK_A, "phone_number_sid": NUMBER_SID_1}),
            resource("backup-line", {"trunk_sid": TRUNK_B, "phone_number_sid": NUMBER_SID_1}),
        )
        reports = run(validate_single_binding_per_number, args)
        assert len(reports) == 1
        message, urn = reports.violations[0]
        assert urn == urn_of("backup-line")
        for expected in ("'main-line'", "'backup-line'", urn_of("main-line"), urn_of("backup-line")):
            assert expected in message
        assert NUMBER_SID_1 in message
        assert TRUNK_A in message
        assert TRUNK_B in message
        assert "change trunk_sid" in message

    def test_same_number_on_the_same_trunk_violates(self) -> None:
        args = stack_args(
            resource("a", {"trunk_sid": TRUNK_A, "phone_number": NUMBER_US}),
            resource("b", {"trunk_sid": TRUNK_A, "phone_number": NUMBER_US}),
        )
        assert len(run(validate_single_binding_per_number, args)) == 1

    def test_binding_by_sid_and_binding_by_number_are_matched_through_outputs(self) -> None:
        # "a" was created with phone_number_sid; its outputs carry the E.164 number too.
        # "b" is new and given as phone_number (preview: its outputs are its inputs).
        args = stack_args(
            resource("a", outputs(phone_number_sid=NUMBER_SID_1, phone_number=NUMBER_US)),
            resource("b", {"trunk_sid": TRUNK_B, "phone_number": NUMBER_US}),
        )
        reports = run(validate_single_binding_per_number, args)
        assert len(reports) == 1
        assert NUMBER_US in reports.messages[0]
        assert NUMBER_SID_1 in reports.messages[0]

    def test_sid_comparison_ignores_hex_case(self) -> None:
        args = stack_args(
            resource("a", {"trunk_sid": TRUNK_A, "phone_number_sid": NUMBER_SID_1}),
            resource("b", {"trunk_sid": TRUNK_A, "phone_number_sid": NUMBER_SID_1.upper()}),
        )
        assert len(run(validate_single_binding_per_number, args)) == 1

    def test_three_bindings_give_two_violations_linked_transitively(self) -> None:
        args = stack_args(
            resource("a", outputs(phone_number_sid=NUMBER_SID_1, phone_number=NUMBER_US)),
            resource("b", {"trunk_sid": TRUNK_A, "phone_number_sid": NUMBER_SID_1}),
            resource("c", {"trunk_sid": TRUNK_B, "phone_number": NUMBER_US}),
            resource("d", outputs(phone_number_sid=NUMBER_SID_2, phone_number=NUMBER_UK)),
        )
        reports = run(validate_single_binding_per_number, args)
        assert [urn for _, urn in reports.violations] == [urn_of("b"), urn_of("c")]
        assert all("'a'" in m for m in reports.messages)

    @pytest.mark.parametrize(
        ("first", "second"),
        [
            # the number of the second binding is not known yet
            (
                {"trunk_sid": TRUNK_A, "phone_number_sid": NUMBER_SID_1},
                {"trunk_sid": TRUNK_B, "phone_number_sid": UNKNOWN},
            ),
            # different identifiers, each unknown on the other side: cannot tell
            (
                {"trunk_sid": TRUNK_A, "phone_number_sid": NUMBER_SID_1, "phone_number": UNKNOWN},
                {"trunk_sid": TRUNK_B, "phone_number_sid": UNKNOWN, "phone_number": NUMBER_US},
            ),
            (
                {"trunk_sid": UNKNOWN, "phone_number": UNKNOWN},
                {"trunk_sid": UNKNOWN, "phone_number": UNKNOWN},
            ),
            # absent outputs (new resources during preview)
            ({"trunk_sid": TRUNK_A}, {"trunk_sid": TRUNK_A}),
        ],
    )
    def test_unknown_values_are_ignored(self, first: dict[str, Any], second: dict[str, Any]) -> None:
        args = stack_args(resource("a", first), resource("b", second))
        assert len(run(validate_single_binding_per_number, args)) == 0

    def test_other_resource_types_are_ignored(self) -> None:
        args = stack_args(
            resource("a", {"trunk_sid": TRUNK_A, "phone_number": NUMBER_US}),
            resource("b", {"trunk_sid": TRUNK_A, "phone_number": NUMBER_US}, resource_type=OTHER_TYPE),
        )
        assert len(run(validate_single_binding_per_number, args)) == 0

    def test_empty_stack_passes(self) -> None:
        assert len(run(validate_single_binding_per_number, stack_args())) == 0

    @given(st.lists(st.sampled_from([None, 0, 1, 2, 3]), max_size=12))
    def test_one_violation_per_extra_binding(self, choices: list[int | None]) -> None:
        sids = [f"PN{i:032x}" for i in range(4)]
        resources = [
            resource(
                f"b{i}",
                {"trunk_sid": TRUNK_A, "phone_number_sid": UNKNOWN if c is None else sids[c]},
            )
            for i, c in enumerate(choices)
        ]
        known = [c for c in choices if c is not None]
        reports = run(validate_single_binding_per_number, stack_args(*resources))
        assert len(reports) == len(known) - len(set(known))

    def test_policy_object(self) -> None:
        p = single_binding_per_number_policy()
        assert p.name == "twilio-phone-number-single-binding"
        assert p.enforcement_level == EnforcementLevel.MANDATORY
        args = stack_args(
            resource("a", {"trunk_sid": TRUNK_A, "phone_number": NUMBER_US}),
            resource("b", {"trunk_sid": TRUNK_B, "phone_number": NUMBER_US}),
        )
        assert len(run(p.validate, args)) == 1


# --- 3. allowed trunks ----------------------------------------------------------------------------


class TestTrunkAllowed:
    @pytest.mark.parametrize("config", [None, {}, {ALLOWED_TRUNK_SIDS: []}, {ALLOWED_TRUNK_SIDS: None}])
    def test_unconfigured_passes(self, config: dict[str, Any] | None) -> None:
        assert len(run(validate_trunk_allowed, resource_args(PROPS_TRUNK_B, config=config))) == 0

    @pytest.mark.parametrize("allowed", [[TRUNK_B], [TRUNK_A, TRUNK_B], [TRUNK_B.upper()], TRUNK_B])
    def test_allowed_trunk_passes(self, allowed: Any) -> None:
        args = resource_args(PROPS_TRUNK_B, config={ALLOWED_TRUNK_SIDS: allowed})
        assert len(run(validate_trunk_allowed, args)) == 0

    def test_other_trunk_violates(self) -> None:
        args = resource_args(PROPS_TRUNK_B, name="support", config={ALLOWED_TRUNK_SIDS: [TRUNK_A]})
        reports = run(validate_trunk_allowed, args)
        assert len(reports) == 1
        message = reports.messages[0]
        assert "TrunkPhoneNumberAssociation 'support'" in message
        assert TRUNK_B in message
        assert TRUNK_A in message
        assert ALLOWED_TRUNK_SIDS in message

    def test_unknown_trunk_passes(self) -> None:
        args = resource_args(
            {"trunk_sid": UNKNOWN, "phone_number": NUMBER_US}, config={ALLOWED_TRUNK_SIDS: [TRUNK_A]}
        )
        assert len(run(validate_trunk_allowed, args)) == 0

    def test_missing_trunk_is_left_to_the_well_formed_rule(self) -> None:
        args = resource_args({"phone_number": NUMBER_US}, config={ALLOWED_TRUNK_SIDS: [TRUNK_A]})
        assert len(run(validate_trunk_allowed, args)) == 0

    def test_other_resource_types_are_ignored(self) -> None:
        args = resource_args(PROPS_TRUNK_B, resource_type=OTHER_TYPE, config={ALLOWED_TRUNK_SIDS: [TRUNK_A]})
        assert len(run(validate_trunk_allowed, args)) == 0

    def test_bad_config_type_is_an_error(self) -> None:
        args = resource_args(PROPS_TRUNK_B, config={ALLOWED_TRUNK_SIDS: 42})
        with pytest.raises(TypeError, match=ALLOWED_TRUNK_SIDS):
            validate_trunk_allowed(args, ignore_violation)

    def test_policy_object(self) -> None:
        p = trunk_allowed_policy()
        assert p.name == "twilio-trunk-allowed"
        assert p.enforcement_level == EnforcementLevel.MANDATORY
        assert p.config_schema is not None
        assert ALLOWED_TRUNK_SIDS in p.config_schema.properties
        args = resource_args(PROPS_TRUNK_B, config={ALLOWED_TRUNK_SIDS: [TRUNK_A]})
        assert len(run(p.validate, args)) == 1


# --- 4. protection --------------------------------------------------------------------------------


def stack_named(name: str | None) -> Any:
    return lambda: name


class TestProtected:
    def check(
        self,
        stack: str | None,
        *,
        protect: bool,
        config: dict[str, Any] | None = None,
        props: dict[str, Any] | None = None,
    ) -> list[str]:
        args = resource_args(props or PROPS_TRUNK_A, name="hq", protect=protect, config=config)
        reports: list[str] = []
        validate_binding_protected(args, append_violations_to(reports), stack_name=stack_named(stack))
        return reports

    @pytest.mark.parametrize("stack", ["prod", "prod-eu", "production"])
    def test_unprotected_in_prod_violates(self, stack: str) -> None:
        reports = self.check(stack, protect=False)
        assert len(reports) == 1
        assert "TrunkPhoneNumberAssociation 'hq'" in reports[0]
        assert f"stack '{stack}'" in reports[0]
        assert "protect=True" in reports[0]

    def test_protected_in_prod_passes(self) -> None:
        assert self.check("prod", protect=True) == []

    @pytest.mark.parametrize("stack", ["dev", "staging", "Prod", "preprod", None])
    def test_other_or_unknown_stacks_pass(self, stack: str | None) -> None:
        assert self.check(stack, protect=False) == []

    def test_custom_pattern(self) -> None:
        config = {STACK_PATTERN: "live-*"}
        assert len(self.check("live-eu", protect=False, config=config)) == 1
        assert self.check("prod", protect=False, config=config) == []

    def test_empty_pattern_falls_back_to_default(self) -> None:
        assert len(self.check("prod", protect=False, config={STACK_PATTERN: ""})) == 1

    def test_unknown_props_do_not_matter(self) -> None:
        props = {"trunk_sid": UNKNOWN, "phone_number": UNKNOWN}
        assert len(self.check("prod", protect=False, props=props)) == 1

    def test_other_resource_types_are_ignored(self) -> None:
        args = resource_args(PROPS_TRUNK_A, resource_type=OTHER_TYPE)
        reports: list[str] = []
        validate_binding_protected(args, append_violations_to(reports), stack_name=stack_named("prod"))
        assert reports == []

    def test_policy_object_uses_the_injected_stack_name(self) -> None:
        p = binding_protected_policy(stack_name=stack_named("prod"))
        assert p.name == "twilio-trunk-binding-protected"
        assert p.enforcement_level == EnforcementLevel.ADVISORY
        assert len(run(p.validate, resource_args(PROPS_TRUNK_A))) == 1
        assert len(run(p.validate, resource_args(PROPS_TRUNK_A, protect=True))) == 0
        dev = binding_protected_policy(stack_name=stack_named("dev"))
        assert len(run(dev.validate, resource_args(PROPS_TRUNK_A))) == 0

    def test_default_stack_name_comes_from_pulumi_stack(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PULUMI_STACK", "prod-us")
        assert policy.current_stack_name() == "prod-us"
        p = binding_protected_policy()
        assert len(run(p.validate, resource_args(PROPS_TRUNK_A))) == 1

    def test_default_stack_name_falls_back_to_runtime_settings(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("PULUMI_STACK", raising=False)
        settings = pulumi.runtime.settings.SETTINGS
        monkeypatch.setattr(settings, "stack", "stack")  # the SDK's unconfigured placeholder
        assert policy.current_stack_name() is None
        monkeypatch.setattr(settings, "stack", "prod")
        assert policy.current_stack_name() == "prod"


# --- 5. allowed country codes ---------------------------------------------------------------------


class TestCountryAllowed:
    def check(self, props: dict[str, Any], config: dict[str, Any] | None = None) -> list[str]:
        args = resource_args(props, name="paris", config=config or COUNTRY_CONFIG)
        return run(validate_country_allowed, args).messages

    @pytest.mark.parametrize("config", [None, {}, {ALLOWED_COUNTRY_CODES: []}])
    def test_unconfigured_is_a_no_op(self, config: dict[str, Any] | None) -> None:
        args = resource_args({"trunk_sid": TRUNK_A, "phone_number": NUMBER_FR}, config=config)
        assert len(run(validate_country_allowed, args)) == 0

    @pytest.mark.parametrize("number", [NUMBER_US, NUMBER_UK, "+12425550100"])
    def test_allowed_country_passes(self, number: str) -> None:
        assert self.check({"trunk_sid": TRUNK_A, "phone_number": number}) == []

    def test_other_country_violates(self) -> None:
        messages = self.check({"trunk_sid": TRUNK_A, "phone_number": NUMBER_FR})
        assert len(messages) == 1
        assert "TrunkPhoneNumberAssociation 'paris'" in messages[0]
        assert NUMBER_FR in messages[0]
        assert "+1, +44" in messages[0]
        assert ALLOWED_COUNTRY_CODES in messages[0]

    def test_codes_may_carry_a_plus(self) -> None:
        config = {ALLOWED_COUNTRY_CODES: ["+33"]}
        assert self.check({"trunk_sid": TRUNK_A, "phone_number": NUMBER_FR}, config) == []
        assert len(self.check({"trunk_sid": TRUNK_A, "phone_number": NUMBER_US}, config)) == 1

    def test_code_is_a_prefix_of_the_digits_after_plus_only(self) -> None:
        # the code must follow the "+" directly; "33" further inside the number does not count
        config = {ALLOWED_COUNTRY_CODES: ["3"]}
        assert len(self.check({"trunk_sid": TRUNK_A, "phone_number": "+4433142685300"}, config)) == 1

    @pytest.mark.parametrize(
        "props",
        [
            {"trunk_sid": TRUNK_A, "phone_number": UNKNOWN},  # unknown during preview
            {"trunk_sid": TRUNK_A, "phone_number_sid": NUMBER_SID_1},  # bound by SID
            {"trunk_sid": TRUNK_A, "phone_number": "33 1 42 68 53 00"},  # malformed: rule 1
        ],
    )
    def test_skipped_values(self, props: dict[str, Any]) -> None:
        assert self.check(props) == []

    def test_invalid_code_config_is_an_error(self) -> None:
        args = resource_args(
            {"trunk_sid": TRUNK_A, "phone_number": NUMBER_FR}, config={ALLOWED_COUNTRY_CODES: ["FR"]}
        )
        with pytest.raises(ValueError, match="country calling code"):
            validate_country_allowed(args, ignore_violation)

    def test_policy_object_is_advisory_by_default(self) -> None:
        p = country_allowed_policy()
        assert p.name == "twilio-phone-number-country-allowed"
        assert p.enforcement_level == EnforcementLevel.ADVISORY


class TestCountryAllowedStack:
    def test_bound_numbers_are_checked_from_outputs(self) -> None:
        args = stack_args(
            resource("us", outputs(phone_number_sid=NUMBER_SID_1, phone_number=NUMBER_US)),
            resource("fr", outputs(phone_number_sid=NUMBER_SID_2, phone_number=NUMBER_FR)),
            config=COUNTRY_CONFIG,
        )
        reports = run(validate_country_allowed_stack, args)
        assert len(reports) == 1
        message, urn = reports.violations[0]
        assert urn == urn_of("fr")
        assert urn_of("fr") in message
        assert NUMBER_FR in message

    def test_unconfigured_is_a_no_op(self) -> None:
        args = stack_args(resource("fr", outputs(phone_number=NUMBER_FR)))
        assert len(run(validate_country_allowed_stack, args)) == 0

    def test_unknown_or_absent_numbers_are_skipped(self) -> None:
        args = stack_args(
            resource("a", {"trunk_sid": TRUNK_A, "phone_number_sid": NUMBER_SID_1}),
            resource("b", {"trunk_sid": TRUNK_A, "phone_number": UNKNOWN}),
            resource("c", {"phone_number": NUMBER_FR}, resource_type=OTHER_TYPE),
            config=COUNTRY_CONFIG,
        )
        assert len(run(validate_country_allowed_stack, args)) == 0

    def test_policy_object(self) -> None:
        p = country_allowed_stack_policy()
        assert p.name == "twilio-phone-number-country-allowed-stack"
        assert p.enforcement_level == EnforcementLevel.ADVISORY
        args = stack_args(resource("fr", outputs(phone_number=NUMBER_FR)), config=COUNTRY_CONFIG)
        assert len(run(p.validate, args)) == 1


# --- enforcement levels can be chosen by whoever composes a pack -----------------------------------


@pytest.mark.parametrize(
    "factory",
    [
        trunk_binding_well_formed_policy,
        single_binding_per_number_policy,
        trunk_allowed_policy,
        binding_protected_policy,
        country_allowed_policy,
        country_allowed_stack_policy,
    ],
)
def test_factories_accept_an_enforcement_level(factory: Any) -> None:
    assert factory(EnforcementLevel.DISABLED).enforcement_level == EnforcementLevel.DISABLED
