"""Policy-as-code (pulumi-policy) rules for ``TrunkPhoneNumberAssociation`` resources.

Importing this package never starts a policy server: it only defines policies. Build the pack in
the ``__main__.py`` of a policy pack directory::

    from pulumi_policy import PolicyPack
    from pulumi_twilio_trunking.policy import all_policies

    PolicyPack(name="twilio-trunking", policies=all_policies())

See ``docs/policy.md`` for the rules, their config and how to run them. The rule names and
config keys are in ``.rules``; the type token is ``pulumi_twilio_trunking.RESOURCE_TYPE``.

Without the ``policy`` extra, importing this package raises
``pulumi_twilio_trunking.extras.PolicyExtraMissing``, an ``ImportError`` whose message is the one
line that says what to install.
"""

from __future__ import annotations

from ..extras import PolicyExtraMissing

try:
    import pulumi_policy  # noqa: F401 - only to fail early, with one line, when the extra is missing
except ModuleNotFoundError as exc:
    if exc.name != "pulumi_policy":
        raise
    raise PolicyExtraMissing from None

from .rules import (
    POLICY_NAMES,
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
    "POLICY_NAMES",
    "all_policies",
    "binding_protected_policy",
    "country_allowed_policy",
    "country_allowed_stack_policy",
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
