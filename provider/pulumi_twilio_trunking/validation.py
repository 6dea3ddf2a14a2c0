"""Input rules for a trunk phone-number binding, shared by the provider's ``check`` and the policy pack.

Every rule is a pure function of the inputs: no API call, no credentials. Values that are not yet
known (``pulumi preview`` passes placeholders for outputs of other resources) are skipped, never
rejected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .properties import PHONE_NUMBER, PHONE_NUMBER_SID, TRUNK_SID

TRUNK_SID_PATTERN: Final = r"^TK[0-9a-fA-F]{32}$"
PHONE_NUMBER_SID_PATTERN: Final = r"^PN[0-9a-fA-F]{32}$"
E164_PATTERN: Final = r"^\+[1-9][0-9]{1,14}$"

_TRUNK_SID = re.compile(TRUNK_SID_PATTERN)
_PHONE_NUMBER_SID = re.compile(PHONE_NUMBER_SID_PATTERN)
_E164 = re.compile(E164_PATTERN)


@dataclass(frozen=True)
class InputProblem:
    """One broken rule: which property, and what the rule says."""

    property: str
    reason: str

    def __str__(self) -> str:
        return f"{self.property}: {self.reason}"


def is_trunk_sid(value: str) -> bool:
    return bool(_TRUNK_SID.fullmatch(value))


def is_phone_number_sid(value: str) -> bool:
    return bool(_PHONE_NUMBER_SID.fullmatch(value))


def is_e164(value: str) -> bool:
    return bool(_E164.fullmatch(value))


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_pattern(
    name: str,
    value: Any,
    matches: Callable[[str], bool],
    rule: str,
    is_unknown: Callable[[Any], bool],
) -> InputProblem | None:
    if is_unknown(value):
        return None
    if not isinstance(value, str):
        return InputProblem(name, f"must be a string {rule}; got {type(value).__name__}")
    if not matches(value):
        return InputProblem(name, f"must be {rule}; got {_describe(value)}")
    return None


def _never_unknown(_value: Any) -> bool:
    return False


def _trunk_problems(inputs: Mapping[str, Any], is_unknown: Callable[[Any], bool]) -> list[InputProblem]:
    trunk_sid = inputs.get(TRUNK_SID)
    if trunk_sid is None:
        return [InputProblem(TRUNK_SID, "is required: the SID of an Elastic SIP Trunk (TK…)")]
    problem = _check_pattern(
        TRUNK_SID, trunk_sid, is_trunk_sid, f"a trunk SID matching {TRUNK_SID_PATTERN}", is_unknown
    )
    return [problem] if problem else []


def validate_binding_inputs(
    inputs: Mapping[str, Any],
    is_unknown: Callable[[Any], bool] = _never_unknown,
) -> list[InputProblem]:
    """Return every rule the inputs break (empty when they are valid).

    ``is_unknown`` tells whether a value is a preview placeholder; such values pass.
    """
    problems = _trunk_problems(inputs, is_unknown)
    number_sid = inputs.get(PHONE_NUMBER_SID)
    number = inputs.get(PHONE_NUMBER)
    if number_sid is None and number is None:
        problems.append(
            InputProblem(
                PHONE_NUMBER_SID,
                f"exactly one of {PHONE_NUMBER_SID} (PN…) or {PHONE_NUMBER} (E.164) is required; "
                "neither was given",
            )
        )
    elif number_sid is not None and number is not None:
        problems.append(
            InputProblem(
                PHONE_NUMBER,
                f"exactly one of {PHONE_NUMBER_SID} or {PHONE_NUMBER} may be given, not both",
            )
        )
    if number_sid is not None:
        problem = _check_pattern(
            PHONE_NUMBER_SID,
            number_sid,
            is_phone_number_sid,
            f"a phone number SID matching {PHONE_NUMBER_SID_PATTERN}",
            is_unknown,
        )
        if problem:
            problems.append(problem)
    if number is not None:
        problem = _check_pattern(
            PHONE_NUMBER,
            number,
            is_e164,
            f"an E.164 number matching {E164_PATTERN} (for example +14155550100)",
            is_unknown,
        )
        if problem:
            problems.append(problem)
    return problems


def validate_exclusive_inputs(
    inputs: Mapping[str, Any],
    is_unknown: Callable[[Any], bool] = _never_unknown,
    *,
    sid_lists: Sequence[str] = (),
) -> list[InputProblem]:
    """The rules of an ``ExclusiveTrunk``: a trunk SID, and lists of phone number SIDs (``sid_lists``)."""
    problems = _trunk_problems(inputs, is_unknown)
    for key in sid_lists:
        value = inputs.get(key)
        if value is None or is_unknown(value):
            continue
        items = value if isinstance(value, list | tuple) else [value]
        bad = [v for v in items if not is_unknown(v) and not (isinstance(v, str) and is_phone_number_sid(v))]
        if bad:
            problems.append(
                InputProblem(
                    key,
                    f"must be phone number SIDs matching {PHONE_NUMBER_SID_PATTERN}; got {_describe(bad)}",
                )
            )
    return problems
