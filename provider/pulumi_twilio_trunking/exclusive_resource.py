"""``ExclusiveTrunk``: opt-in "this trunk holds exactly the numbers this program declares" (program side).

The rules are in ``exclusive_trunk``; the dynamic provider in ``exclusive``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
from pulumi import dynamic

from .config_secrecy import warn_if_credentials_not_secret
from .declarations import numbers_declared_on
from .errors import InvalidBindingInputs
from .exclusive import ExclusiveTrunkProvider
from .exclusive_trunk import DECLARATION_INPUTS
from .properties import (
    ASSOCIATED_SIDS,
    DECLARED_SIDS,
    EXCLUSIVE_RESOURCE_NAME,
    KEEP,
    PROTECTED_SIDS,
    RESOURCE_MODULE,
    RESOURCE_NAME_INPUT,
    RETAINED_SIDS,
    STRAY_SIDS,
    TRUNK_SID,
    UNBOUND_SIDS,
)
from .validation import validate_exclusive_inputs


def _is_deferred(value: Any) -> bool:
    return isinstance(value, pulumi.Output)


class ExclusiveTrunk(dynamic.Resource, module=RESOURCE_MODULE, name=EXCLUSIVE_RESOURCE_NAME):
    """Trunk ``trunk_sid`` holds exactly the numbers this program binds to it, plus ``keep``.

    Type token ``pulumi-python:dynamic/twilio:ExclusiveTrunk``; id: the trunk SID. A number bound to the
    trunk that nothing declares (a *stray*) is first recorded in ``stray_phone_number_sids`` and shown
    (by ``pulumi refresh`` or ``up``), never unbound on sight; the next ``pulumi up`` unbinds the
    recorded strays and lists them in ``unbound_phone_number_sids``. Associations created inside an
    ``apply`` are not seen: list their numbers in ``keep``.
    """

    trunk_sid: pulumi.Output[str]
    associated_phone_number_sids: pulumi.Output[list[str]]
    protected_phone_number_sids: pulumi.Output[list[str]]
    retained_phone_number_sids: pulumi.Output[list[str]]
    keep: pulumi.Output[list[str]]
    declared_phone_number_sids: pulumi.Output[list[str]]
    stray_phone_number_sids: pulumi.Output[list[str]]
    unbound_phone_number_sids: pulumi.Output[list[str]]

    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        trunk_sid: pulumi.Input[str],
        keep: Sequence[pulumi.Input[str]] | None = None,
    ) -> None:
        kept = list(keep or [])
        given = {TRUNK_SID: trunk_sid, KEEP: [k for k in kept if not _is_deferred(k)]}
        problems = validate_exclusive_inputs(given, _is_deferred, sid_lists=DECLARATION_INPUTS)
        if problems:
            raise InvalidBindingInputs(resource_name, problems, resource_type=EXCLUSIVE_RESOURCE_NAME)
        props: dict[str, Any] = {
            TRUNK_SID: trunk_sid,
            ASSOCIATED_SIDS: numbers_declared_on(trunk_sid, protected_only=False),
            PROTECTED_SIDS: numbers_declared_on(trunk_sid, protected_only=True),
            KEEP: pulumi.Output.all(*kept).apply(lambda v: sorted(set(v))),
            RESOURCE_NAME_INPUT: resource_name,
            RETAINED_SIDS: None,
            DECLARED_SIDS: None,
            STRAY_SIDS: None,
            UNBOUND_SIDS: None,
        }
        warn_if_credentials_not_secret()
        super().__init__(ExclusiveTrunkProvider(), resource_name, props, opts)
