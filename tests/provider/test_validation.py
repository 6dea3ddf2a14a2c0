from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_twilio_trunking.properties import PHONE_NUMBER, PHONE_NUMBER_SID, TRUNK_SID
from pulumi_twilio_trunking.validation import is_e164, validate_binding_inputs

HEX = "0123456789abcdefABCDEF"
TRUNK = "TK" + "a" * 32
NUMBER_SID = "PN" + "b" * 32

sids = st.text(alphabet=HEX, min_size=32, max_size=32)


def _properties(inputs: dict[str, object]) -> list[str]:
    return [p.property for p in validate_binding_inputs(inputs)]


@given(sids, sids)
def test_well_formed_sids_pass(trunk_hex: str, number_hex: str) -> None:
    assert validate_binding_inputs({TRUNK_SID: "TK" + trunk_hex, PHONE_NUMBER_SID: "PN" + number_hex}) == []


@given(
    st.text(max_size=40).filter(
        lambda s: not (len(s) == 34 and s.startswith("TK") and all(c in HEX for c in s[2:]))
    )
)
def test_any_other_trunk_sid_fails_naming_the_property_and_pattern(value: str) -> None:
    problems = validate_binding_inputs({TRUNK_SID: value, PHONE_NUMBER_SID: NUMBER_SID})
    assert [p.property for p in problems] == [TRUNK_SID]
    assert "^TK[0-9a-fA-F]{32}$" in problems[0].reason


@given(st.from_regex(r"\A\+[1-9][0-9]{1,14}\Z"))
def test_e164_numbers_pass(number: str) -> None:
    assert validate_binding_inputs({TRUNK_SID: TRUNK, PHONE_NUMBER: number}) == []


@given(st.text(alphabet=string.digits + "+- ()", max_size=20).filter(lambda s: not is_e164(s)))
def test_non_e164_numbers_fail(number: str) -> None:
    problems = validate_binding_inputs({TRUNK_SID: TRUNK, PHONE_NUMBER: number})
    assert [p.property for p in problems] == [PHONE_NUMBER]
    assert "E.164" in problems[0].reason


def test_exactly_one_number_form_is_required() -> None:
    assert _properties({TRUNK_SID: TRUNK}) == [PHONE_NUMBER_SID]
    both = validate_binding_inputs(
        {TRUNK_SID: TRUNK, PHONE_NUMBER_SID: NUMBER_SID, PHONE_NUMBER: "+14155550100"}
    )
    assert [p.property for p in both] == [PHONE_NUMBER]
    assert "not both" in both[0].reason


def test_missing_trunk_is_reported() -> None:
    problems = validate_binding_inputs({PHONE_NUMBER_SID: NUMBER_SID})
    assert [p.property for p in problems] == [TRUNK_SID]
    assert "required" in problems[0].reason


def test_non_string_values_fail_with_their_type() -> None:
    problems = validate_binding_inputs({TRUNK_SID: 42, PHONE_NUMBER_SID: NUMBER_SID})
    assert "got int" in problems[0].reason


def test_unknown_values_pass() -> None:
    marker = object()
    inputs = {TRUNK_SID: marker, PHONE_NUMBER: marker}
    assert validate_binding_inputs(inputs, lambda v: v is marker) == []
    assert _properties(inputs) == [TRUNK_SID, PHONE_NUMBER]


def test_resource_ids_parse_in_both_forms() -> None:
    from pulumi_twilio_trunking.properties import parse_binding_id as parse_id

    assert parse_id(f"{TRUNK}/{NUMBER_SID}") == (TRUNK, NUMBER_SID)
    assert parse_id(f"/Trunks/{TRUNK}/PhoneNumbers/{NUMBER_SID}") == (TRUNK, NUMBER_SID)
    for bad in ("", TRUNK, f"{NUMBER_SID}/{TRUNK}", f"{TRUNK}/{NUMBER_SID}/x"):
        with pytest.raises(ValueError, match="looks like TK…/PN…"):
            parse_id(bad)
