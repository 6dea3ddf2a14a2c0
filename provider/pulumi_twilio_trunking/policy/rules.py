"""The policies for ``TrunkPhoneNumberAssociation`` resources.

Each rule has a plain ``validate_*`` function (what the policy runs; call it directly in tests) and a
``*_policy()`` factory that wraps it in a ``ResourceValidationPolicy``/``StackValidationPolicy`` with
its name, description, default enforcement level and config schema. Nothing here starts a policy
server: build the ``PolicyPack`` only in a pack's ``__main__.py``.

Values that cannot be known yet (``pulumi preview`` with inputs that come from other resources)
never cause a violation: each rule checks what is known and skips the rest.
"""

from __future__ import annotations

import copy
import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from ..properties import ASSOCIATION_TYPES, PHONE_NUMBER, PHONE_NUMBER_SID, RESOURCE_TYPE, TRUNK_SID, camel
from ..validation import TRUNK_SID_PATTERN, is_e164, validate_binding_inputs
from ._values import (
    RESOURCE_KIND,
    StackNameProvider,
    config_str,
    config_str_list,
    current_stack_name,
    is_unknown,
    known_str,
    read_props,
)

# --- policy names (ids) -------------------------------------------------------------------------

WELL_FORMED: Final = "twilio-trunk-binding-well-formed"
SINGLE_BINDING: Final = "twilio-phone-number-single-binding"
ALLOWED_TRUNKS: Final = "twilio-trunk-allowed"
PROTECTED: Final = "twilio-trunk-binding-protected"
COUNTRY_ALLOWED: Final = "twilio-phone-number-country-allowed"
COUNTRY_ALLOWED_STACK: Final = "twilio-phone-number-country-allowed-stack"

# --- config keys ----------------------------------------------------------------------------------

ALLOWED_TRUNK_SIDS: Final = "allowedTrunkSids"
STACK_PATTERN: Final = "stackPattern"
DEFAULT_STACK_PATTERN: Final = "prod*"
ALLOWED_COUNTRY_CODES: Final = "allowedCountryCodes"
COUNTRY_CODE_PATTERN: Final = r"^\+?[1-9][0-9]{0,2}$"
_COUNTRY_CODE = re.compile(COUNTRY_CODE_PATTERN)

_TAGS: Final = ("twilio", "sip-trunking")


# --- what each policy says about itself -----------------------------------------------------------


@dataclass(frozen=True)
class _Settings:
    """A policy's text, severity and config schema properties (its name is its key in ``_SETTINGS``).

    The default enforcement level is the default of the policy's factory.
    """

    display_name: str
    description: str
    severity: Severity
    remediation_steps: str
    config: dict[str, dict[str, Any]] | None = None


def _unique_strings(description: str, pattern: str) -> dict[str, Any]:
    """A config property: a list of distinct strings matching ``pattern``, empty by default."""
    return {
        "type": "array",
        "description": description,
        "items": {"type": "string", "pattern": pattern},
        "uniqueItems": True,
        "default": [],
    }


_COUNTRY_CONFIG: Final = {
    ALLOWED_COUNTRY_CODES: _unique_strings(
        'E.164 country calling codes (e.g. "1", "44") that bound numbers may have. '
        "Empty: the rule checks nothing.",
        COUNTRY_CODE_PATTERN,
    ),
}
_COUNTRY_REMEDIATION: Final = f"Bind a number from an allowed country, or extend '{ALLOWED_COUNTRY_CODES}'."

_SETTINGS: Final[Mapping[str, _Settings]] = {
    WELL_FORMED: _Settings(
        display_name="Trunk bindings are well-formed",
        description=(
            "A trunk phone-number binding needs a trunk SID (TK + 32 hex digits) and exactly one of "
            "a phone number SID (PN + 32 hex digits) or an E.164 phone number."
        ),
        severity=Severity.HIGH,
        remediation_steps=(
            "Fix the inputs of the binding: trunk_sid='TK…' plus either phone_number_sid='PN…' or "
            "phone_number='+14155550100' (not both)."
        ),
    ),
    SINGLE_BINDING: _Settings(
        display_name="One binding per phone number",
        description=(
            "A phone number may be bound to a SIP trunk by only one TrunkPhoneNumberAssociation per stack."
        ),
        severity=Severity.HIGH,
        remediation_steps=(
            "Keep one binding of the number. Remove a duplicate's declaration; if the duplicate is "
            "already in the stack's state, run `pulumi state delete <its urn>` first so that removing "
            "it does not unbind the number. To move a number to another trunk, change trunk_sid on "
            "its existing binding."
        ),
    ),
    ALLOWED_TRUNKS: _Settings(
        display_name="Bindings use an allowed trunk",
        description=(
            f"When '{ALLOWED_TRUNK_SIDS}' is configured, phone numbers may only be bound to those SIP trunks."
        ),
        severity=Severity.HIGH,
        remediation_steps=(
            f"Bind to one of the trunks listed in '{ALLOWED_TRUNK_SIDS}', or add the trunk to that "
            "list in the policy pack config for this environment."
        ),
        config={
            ALLOWED_TRUNK_SIDS: _unique_strings(
                "Trunk SIDs (TK…) that bindings in this stack may use. Empty: any trunk.", TRUNK_SID_PATTERN
            ),
        },
    ),
    PROTECTED: _Settings(
        display_name="Bindings are protected in production",
        description=(
            f"In stacks whose name matches '{STACK_PATTERN}' (default '{DEFAULT_STACK_PATTERN}'), "
            "trunk phone-number bindings must have the protect resource option set."
        ),
        severity=Severity.MEDIUM,
        remediation_steps=(
            "Add opts=pulumi.ResourceOptions(protect=True) to the binding (or run "
            "`pulumi state protect <urn>` for an existing one)."
        ),
        config={
            STACK_PATTERN: {
                "type": "string",
                "description": (
                    "Glob (fnmatch, case-sensitive) on the stack name; matching stacks "
                    "require protect=True on bindings."
                ),
                "minLength": 1,
                "default": DEFAULT_STACK_PATTERN,
            },
        },
    ),
    COUNTRY_ALLOWED: _Settings(
        display_name="Numbers are from allowed countries (inputs)",
        description=(
            f"When '{ALLOWED_COUNTRY_CODES}' is configured, a phone_number input must start with "
            "'+' and one of those country calling codes."
        ),
        severity=Severity.MEDIUM,
        remediation_steps=_COUNTRY_REMEDIATION,
        config=_COUNTRY_CONFIG,
    ),
    COUNTRY_ALLOWED_STACK: _Settings(
        display_name="Numbers are from allowed countries (bound numbers)",
        description=(
            f"When '{ALLOWED_COUNTRY_CODES}' is configured, every bound number (the phone_number "
            "output, also set for bindings made by phone_number_sid) must start with '+' and one "
            "of those country calling codes."
        ),
        severity=Severity.MEDIUM,
        remediation_steps=_COUNTRY_REMEDIATION,
        config=_COUNTRY_CONFIG,
    ),
}

POLICY_NAMES: Final = tuple(_SETTINGS)

_P = TypeVar("_P", ResourceValidationPolicy, StackValidationPolicy)


def _policy(
    kind: type[_P],
    name: str,
    validate: Callable[[Any, ReportViolation], None],
    enforcement_level: EnforcementLevel,
) -> _P:
    """A fresh ``kind`` policy named ``name``, with the settings of ``_SETTINGS[name]``."""
    settings = _SETTINGS[name]
    config = settings.config
    return kind(
        name=name,
        display_name=settings.display_name,
        description=settings.description,
        validate=validate,
        enforcement_level=enforcement_level,
        config_schema=None if config is None else PolicyConfigSchema(properties=copy.deepcopy(config)),
        severity=settings.severity,
        tags=list(_TAGS),
        remediation_steps=settings.remediation_steps,
    )


# --- helpers --------------------------------------------------------------------------------------


def _label(name: str) -> str:
    return f"{RESOURCE_KIND} '{name}'"


def _label_with_urn(name: str, urn: str) -> str:
    return f"{RESOURCE_KIND} '{name}' ({urn})"


def _sid_key(sid: str) -> str:
    """Compare SIDs without regard to the case of their hex digits."""
    return sid.strip().upper()


def _is_binding(resource_type: str) -> bool:
    """The dynamic resource's type, or the provider plugin's."""
    return resource_type in ASSOCIATION_TYPES


_INPUT_NAMES: Final = (TRUNK_SID, PHONE_NUMBER_SID, PHONE_NUMBER)


def _binding_props(resource_type: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """A binding's properties by the dynamic resource's names (the plugin's are camelCase)."""
    values = read_props(props)
    if resource_type == RESOURCE_TYPE:
        return values
    return {name: values.get(camel(name)) for name in _INPUT_NAMES if camel(name) in values}


def _spelled(resource_type: str, text: str) -> str:
    """``text`` with the binding's property names as the resource's users write them."""
    if resource_type == RESOURCE_TYPE:
        return text
    for name in _INPUT_NAMES:
        text = re.sub(rf"\b{name}\b", camel(name), text)
    return text


def _bindings(resources: Iterable[PolicyResource]) -> list[PolicyResource]:
    return [r for r in resources if _is_binding(r.resource_type)]


# --- 1. well-formed bindings ----------------------------------------------------------------------

_WELL_FORMED_FIXES: Final = {
    TRUNK_SID: (
        "Set trunk_sid to the SID of an existing Elastic SIP Trunk: 'TK' followed by 32 hex digits "
        "(Twilio Console > Elastic SIP Trunking > Trunks)."
    ),
    PHONE_NUMBER_SID: (
        "Pass exactly one of phone_number_sid (the number's SID: 'PN' followed by 32 hex digits) "
        "or phone_number (E.164, e.g. +14155550100)."
    ),
    PHONE_NUMBER: (
        "Give phone_number in E.164 form ('+', country code and number, no spaces or dashes, "
        "e.g. +14155550100) and only when phone_number_sid is not set."
    ),
}


def validate_binding_well_formed(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Inputs must satisfy :func:`pulumi_twilio_trunking.validation.validate_binding_inputs`."""
    if not _is_binding(args.resource_type):
        return
    props = _binding_props(args.resource_type, args.props)
    for problem in validate_binding_inputs(props, is_unknown):
        fix = _WELL_FORMED_FIXES.get(problem.property, "")
        message = f"{_label(args.name)} has an invalid input: {problem}. {fix}".rstrip()
        report_violation(_spelled(args.resource_type, message), None)


def trunk_binding_well_formed_policy(
    enforcement_level: EnforcementLevel = EnforcementLevel.MANDATORY,
) -> ResourceValidationPolicy:
    return _policy(ResourceValidationPolicy, WELL_FORMED, validate_binding_well_formed, enforcement_level)


# --- 2. one binding per number --------------------------------------------------------------------


@dataclass(frozen=True)
class _Binding:
    name: str
    urn: str
    trunk_sid: str | None
    number_sid: str | None
    number: str | None

    @classmethod
    def of(cls, resource: PolicyResource) -> _Binding:
        props = _binding_props(resource.resource_type, resource.props)
        return cls(
            name=resource.name,
            urn=resource.urn,
            trunk_sid=known_str(props, TRUNK_SID),
            number_sid=known_str(props, PHONE_NUMBER_SID),
            number=known_str(props, PHONE_NUMBER),
        )

    def identity_keys(self) -> list[tuple[str, str]]:
        keys: list[tuple[str, str]] = []
        if self.number_sid is not None:
            keys.append((PHONE_NUMBER_SID, _sid_key(self.number_sid)))
        if self.number is not None:
            keys.append((PHONE_NUMBER, self.number.strip()))
        return keys

    def describe(self) -> str:
        trunk = f" on trunk {self.trunk_sid}" if self.trunk_sid else ""
        return f"{_label_with_urn(self.name, self.urn)}{trunk}"


def _group_by_number(bindings: Sequence[_Binding]) -> list[list[int]]:
    """Groups (indexes into ``bindings``) of two or more bindings of the same number.

    Two bindings are of the same number when they share a known phone number SID or a known E.164
    number; the relation is closed transitively (after create, outputs carry both identifiers).
    """
    parent = list(range(len(bindings)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with_key: dict[tuple[str, str], int] = {}
    for i, binding in enumerate(bindings):
        for key in binding.identity_keys():
            j = first_with_key.setdefault(key, i)
            root_i, root_j = find(i), find(j)
            if root_i != root_j:
                parent[max(root_i, root_j)] = min(root_i, root_j)

    groups: dict[int, list[int]] = {}
    for i in range(len(bindings)):
        groups.setdefault(find(i), []).append(i)
    return [members for members in groups.values() if len(members) > 1]


def _describe_number(bindings: Sequence[_Binding]) -> str:
    numbers = sorted({b.number.strip() for b in bindings if b.number})
    sids = sorted({b.number_sid for b in bindings if b.number_sid}, key=_sid_key)
    return " / ".join([*numbers, *sids])


def validate_single_binding_per_number(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """No phone number may be bound twice in one stack (to the same or to different trunks)."""
    bindings = [_Binding.of(r) for r in _bindings(args.resources)]
    for members in _group_by_number(bindings):
        group = [bindings[i] for i in members]
        number = _describe_number(group)
        first = group[0]
        for duplicate in group[1:]:
            others = ", ".join(b.describe() for b in group if b is not duplicate)
            report_violation(
                f"{duplicate.describe()} binds phone number {number}, which is already bound by "
                f"{others}. Twilio associates a number with at most one trunk, so the bindings "
                f"would fight over it. Keep a single binding for this number without unbinding it: "
                f"if '{duplicate.name}' is not in the stack's state yet, remove its declaration; if "
                f"it is, first run `pulumi state delete {duplicate.urn}` (forgets it, leaves the "
                f"number bound), then remove its declaration (keep '{first.name}'). To move the "
                f"number to another trunk, change trunk_sid on the remaining binding instead.",
                duplicate.urn,
            )


def single_binding_per_number_policy(
    enforcement_level: EnforcementLevel = EnforcementLevel.MANDATORY,
) -> StackValidationPolicy:
    return _policy(
        StackValidationPolicy, SINGLE_BINDING, validate_single_binding_per_number, enforcement_level
    )


# --- 3. allowed trunks ----------------------------------------------------------------------------


def validate_trunk_allowed(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """When ``allowedTrunkSids`` is configured (non-empty), bindings must use one of those trunks."""
    if not _is_binding(args.resource_type):
        return
    allowed = config_str_list(args.get_config(), ALLOWED_TRUNK_SIDS)
    if not allowed:
        return
    trunk = known_str(_binding_props(args.resource_type, args.props), TRUNK_SID)
    if trunk is None:  # unknown during preview, or missing (the well-formed rule reports that)
        return
    if _sid_key(trunk) in {_sid_key(sid) for sid in allowed}:
        return
    report_violation(
        f"{_label(args.name)} binds to trunk {trunk}, which is not one of the trunks allowed for "
        f"this stack ({', '.join(allowed)}). Use an allowed trunk, or, if {trunk} is right for "
        f"this environment, add it to '{ALLOWED_TRUNK_SIDS}' in the config of policy "
        f"'{ALLOWED_TRUNKS}' (--policy-pack-config).",
        None,
    )


def trunk_allowed_policy(
    enforcement_level: EnforcementLevel = EnforcementLevel.MANDATORY,
) -> ResourceValidationPolicy:
    return _policy(ResourceValidationPolicy, ALLOWED_TRUNKS, validate_trunk_allowed, enforcement_level)


# --- 4. protection in matching stacks -------------------------------------------------------------


def validate_binding_protected(
    args: ResourceValidationArgs,
    report_violation: ReportViolation,
    *,
    stack_name: StackNameProvider = current_stack_name,
) -> None:
    """In stacks whose name matches ``stackPattern``, bindings must set ``protect``."""
    if not _is_binding(args.resource_type):
        return
    pattern = config_str(args.get_config(), STACK_PATTERN, DEFAULT_STACK_PATTERN)
    stack = stack_name()
    if stack is None or not fnmatch.fnmatchcase(stack, pattern):
        return
    if args.opts.protect:
        return
    report_violation(
        f"{_label(args.name)} is not protected, but bindings in stack '{stack}' (matching "
        f"'{pattern}') must be, so that a `pulumi destroy` or a deleted line of code cannot unbind "
        "a live number. Add opts=pulumi.ResourceOptions(protect=True) to the binding.",
        None,
    )


def binding_protected_policy(
    enforcement_level: EnforcementLevel = EnforcementLevel.ADVISORY,
    *,
    stack_name: StackNameProvider = current_stack_name,
) -> ResourceValidationPolicy:
    """``stack_name`` returns the current stack's name (``None``: unknown, the rule passes)."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        validate_binding_protected(args, report_violation, stack_name=stack_name)

    return _policy(ResourceValidationPolicy, PROTECTED, validate, enforcement_level)


# --- 5. allowed country codes ---------------------------------------------------------------------


def _country_codes(config: Mapping[str, Any]) -> tuple[str, ...]:
    codes: list[str] = []
    for raw in config_str_list(config, ALLOWED_COUNTRY_CODES):
        if not _COUNTRY_CODE.fullmatch(raw):
            raise ValueError(
                f"policy config {ALLOWED_COUNTRY_CODES!r}: {raw!r} is not a country calling code "
                '(1 to 3 digits, e.g. "1" or "44")'
            )
        codes.append(raw.lstrip("+"))
    return tuple(codes)


def _country_allowed(number: str, codes: Sequence[str]) -> bool:
    # E.164 country calling codes are prefix-free, so a prefix test is exact.
    return any(number.startswith("+" + code) for code in codes)


def _country_message(label: str, number: str, codes: Sequence[str], policy_name: str) -> str:
    allowed = ", ".join("+" + code for code in codes)
    return (
        f"{label} binds {number}, whose country calling code is not allowed in this stack "
        f"(allowed: {allowed}). Bind a number from an allowed country, or add its country code to "
        f"'{ALLOWED_COUNTRY_CODES}' in the config of policy '{policy_name}'."
    )


def validate_country_allowed(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Numbers given as ``phone_number`` must have an allowed country code (when configured)."""
    if not _is_binding(args.resource_type):
        return
    codes = _country_codes(args.get_config())
    if not codes:
        return
    number = known_str(_binding_props(args.resource_type, args.props), PHONE_NUMBER)
    # Unknown, absent (bound by SID) or malformed (the well-formed rule reports it): skip.
    if number is None or not is_e164(number) or _country_allowed(number, codes):
        return
    report_violation(_country_message(_label(args.name), number, codes, COUNTRY_ALLOWED), None)


def country_allowed_policy(
    enforcement_level: EnforcementLevel = EnforcementLevel.ADVISORY,
) -> ResourceValidationPolicy:
    return _policy(ResourceValidationPolicy, COUNTRY_ALLOWED, validate_country_allowed, enforcement_level)


def validate_country_allowed_stack(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Bound numbers (the ``phone_number`` output) must have an allowed country code."""
    codes = _country_codes(args.get_config())
    if not codes:
        return
    for resource in _bindings(args.resources):
        number = known_str(_binding_props(resource.resource_type, resource.props), PHONE_NUMBER)
        if number is None or not is_e164(number) or _country_allowed(number, codes):
            continue
        label = _label_with_urn(resource.name, resource.urn)
        report_violation(_country_message(label, number, codes, COUNTRY_ALLOWED_STACK), resource.urn)


def country_allowed_stack_policy(
    enforcement_level: EnforcementLevel = EnforcementLevel.ADVISORY,
) -> StackValidationPolicy:
    return _policy(
        StackValidationPolicy, COUNTRY_ALLOWED_STACK, validate_country_allowed_stack, enforcement_level
    )


# --- all together ---------------------------------------------------------------------------------


def all_policies(*, stack_name: StackNameProvider = current_stack_name) -> list[Policy]:
    """A fresh list of every policy with its default enforcement level, for ``PolicyPack``."""
    return [
        trunk_binding_well_formed_policy(),
        single_binding_per_number_policy(),
        trunk_allowed_policy(),
        binding_protected_policy(stack_name=stack_name),
        country_allowed_policy(),
        country_allowed_stack_policy(),
    ]
