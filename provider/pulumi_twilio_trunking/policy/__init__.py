"""Policy-as-code (pulumi-policy) rules for ``TrunkPhoneNumberAssociation`` resources.

Importing this package never starts a policy server: it only defines policies. Build the pack in
the ``__main__.py`` of a policy pack directory::

    from pulumi_policy import PolicyPack
    from pulumi_twilio_trunking.policy import all_policies

    PolicyPack(name="twilio-trunking", policies=all_policies())

See ``docs/policy.md`` for the rules, their config and how to run them.
"""

from ..properties import RESOURCE_TYPE
from ._values import (
    UNKNOWN,
    StackNameProvider,
    current_stack_name,
    is_unknown,
    read_props,
)
from .rules import (
    ALLOWED_COUNTRY_CODES,
    ALLOWED_TRUNK_SIDS,
    ALLOWED_TRUNKS,
    COUNTRY_ALLOWED,
    COUNTRY_ALLOWED_STACK,
    DEFAULT_STACK_PATTERN,
    POLICY_NAMES,
    PROTECTED,
    SINGLE_BINDING,
    STACK_PATTERN,
    WELL_FORMED,
    all_policies,
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

__all__ = [
    "ALLOWED_COUNTRY_CODES",
    "ALLOWED_TRUNKS",
    "ALLOWED_TRUNK_SIDS",
    "COUNTRY_ALLOWED",
    "COUNTRY_ALLOWED_STACK",
    "DEFAULT_STACK_PATTERN",
    "POLICY_NAMES",
    "PROTECTED",
    "RESOURCE_TYPE",
    "SINGLE_BINDING",
    "STACK_PATTERN",
    "UNKNOWN",
    "WELL_FORMED",
    "StackNameProvider",
    "all_policies",
    "binding_protected_policy",
    "country_allowed_policy",
    "country_allowed_stack_policy",
    "current_stack_name",
    "is_unknown",
    "read_props",
    "single_binding_per_number_policy",
    "trunk_allowed_policy",
    "trunk_binding_well_formed_policy",
    "validate_binding_protected",
    "validate_binding_well_formed",
    "validate_country_allowed",
    "validate_country_allowed_stack",
    "validate_single_binding_per_number",
    "validate_trunk_allowed",
]
