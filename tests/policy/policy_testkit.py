"""Builders for the argument bags pulumi-policy passes to validations, as the real analyzer does.

The analyzer wraps props in ``unknown_checking_proxy`` (Analyze and AnalyzeStack alike); an unknown
value arrives as one of the engine's sentinel strings, e.g. ``UNKNOWN_STRING_VALUE``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from pulumi_twilio_trunking.properties import RESOURCE_TYPE

UNKNOWN = UNKNOWN_STRING_VALUE
"""What a preview placeholder looks like in the props the analyzer receives."""

TRUNK_A = "TK0123456789abcdef0123456789abcdef"
TRUNK_B = "TKfedcba9876543210fedcba9876543210"
NUMBER_SID_1 = "PN0123456789abcdef0123456789abcdef"
NUMBER_SID_2 = "PN11111111111111111111111111111111"
NUMBER_US = "+14155550100"
NUMBER_US_2 = "+14155550101"
NUMBER_UK = "+442071838750"
NUMBER_FR = "+33142685300"

PROJECT = "twilio-demo"


def urn_of(name: str, resource_type: str = RESOURCE_TYPE, stack: str = "dev") -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{resource_type}::{name}"


def options(*, protect: bool = False) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=protect,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=None,
    )


def resource_args(
    props: Mapping[str, Any],
    *,
    name: str = "binding",
    resource_type: str = RESOURCE_TYPE,
    config: Mapping[str, Any] | None = None,
    protect: bool = False,
) -> ResourceValidationArgs:
    return ResourceValidationArgs(
        resource_type=resource_type,
        props=unknown_checking_proxy(dict(props)),
        urn=urn_of(name, resource_type),
        name=name,
        opts=options(protect=protect),
        provider=None,
        config=config,
    )


def resource(name: str, props: Mapping[str, Any], *, resource_type: str = RESOURCE_TYPE) -> PolicyResource:
    return PolicyResource(
        resource_type=resource_type,
        props=unknown_checking_proxy(dict(props)),
        urn=urn_of(name, resource_type),
        name=name,
        opts=options(),
        provider=None,
        parent=None,
        dependencies=[],
        property_dependencies={},
    )


def stack_args(*resources: PolicyResource, config: Mapping[str, Any] | None = None) -> StackValidationArgs:
    return StackValidationArgs(resources=list(resources), config=config)


def outputs(
    trunk_sid: str = TRUNK_A,
    phone_number_sid: str = NUMBER_SID_1,
    phone_number: str = NUMBER_US,
    **extra: Any,
) -> dict[str, Any]:
    """Outputs of a created binding (both number identifiers are filled in)."""
    return {
        "trunk_sid": trunk_sid,
        "phone_number_sid": phone_number_sid,
        "phone_number": phone_number,
        "sid": phone_number_sid,
        "account_sid": "AC0123456789abcdef0123456789abcdef",
        "friendly_name": None,
        **extra,
    }


@dataclass
class Reports:
    """A ``report_violation`` that records what it is given."""

    violations: list[tuple[str, str | None]] = field(default_factory=list)

    def __call__(self, message: str, urn: str | None = None) -> None:
        assert isinstance(message, str)
        assert message
        self.violations.append((message, urn))

    @property
    def messages(self) -> list[str]:
        return [message for message, _ in self.violations]

    def __len__(self) -> int:
        return len(self.violations)


def ignore_violation(message: str, urn: str | None = None) -> None:
    """A ``report_violation`` that drops what it is given."""


def append_violations_to(messages: list[str]) -> Callable[[str, str | None], None]:
    """A ``report_violation`` that appends each message to ``messages``."""

    def report(message: str, urn: str | None = None) -> None:
        messages.append(message)

    return report


def run(validate: Callable[[Any, Any], Any], args: Any) -> Reports:
    reports = Reports()
    result = validate(args, reports)
    assert result is None
    return reports
