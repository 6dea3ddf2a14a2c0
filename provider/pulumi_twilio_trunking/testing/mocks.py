"""Unit-test a Pulumi program that declares bindings, with ``pulumi.runtime.set_mocks``.

Mocks never run a dynamic provider (the engine is not there), so ``BindingMocks`` stands in for it:
it applies the same input rules the provider's ``check`` applies and answers with the outputs a
binding would have, so a program's exports and dependent resources can be asserted on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from ..errors import InvalidBindingInputs
from ..properties import (
    ADOPT,
    ASSOCIATED_SIDS,
    ASSOCIATION_TYPES,
    DECLARED_SIDS,
    EXCLUSIVE_RESOURCE_NAME,
    EXCLUSIVE_RESOURCE_TYPE,
    KEEP,
    OUTPUT_PROPERTIES,
    PHONE_NUMBER,
    PHONE_NUMBER_SID,
    PLUGIN_ASSOCIATION_TYPE,
    PLUGIN_EXCLUSIVE_TYPE,
    PROTECTED_SIDS,
    RETAINED_SIDS,
    STRAY_SIDS,
    TRUNK_SID,
    UNBOUND_SIDS,
    binding_id,
    camel,
)
from ..validation import validate_binding_inputs, validate_exclusive_inputs


@dataclass(frozen=True)
class DeclaredBinding:
    """A binding the program declared: its resource name, trunk and number (both forms)."""

    name: str
    trunk_sid: str
    phone_number_sid: str
    phone_number: str | None


def _fake_sid(prefix: str, seed: str) -> str:
    return prefix + hashlib.sha256(seed.encode()).hexdigest()[:32]


class BindingMocks(pulumi.runtime.Mocks):
    """Mocks that answer ``TrunkPhoneNumberAssociation`` and ``ExclusiveTrunk`` like the provider would,
    the dynamic resources' and the provider plugin's alike.

    ``numbers`` maps the account's E.164 numbers to their PN SIDs; a number not in it gets a stable
    made-up SID. Other resources echo their inputs. Every declared binding is in ``bindings``.
    """

    def __init__(self, numbers: Mapping[str, str] | None = None) -> None:
        self._sids = dict(numbers or {})
        self._numbers = {sid: e164 for e164, sid in self._sids.items()}
        self.bindings: list[DeclaredBinding] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        plugin = args.typ in (PLUGIN_ASSOCIATION_TYPE, PLUGIN_EXCLUSIVE_TYPE)
        if args.typ in (EXCLUSIVE_RESOURCE_TYPE, PLUGIN_EXCLUSIVE_TYPE):
            id_, outputs = self._exclusive_trunk(args.name, _core_names(args.inputs, plugin))
        elif args.typ in ASSOCIATION_TYPES:
            id_, outputs = self._association(args.name, _core_names(args.inputs, plugin))
            id_ = outputs[PHONE_NUMBER_SID] if plugin else id_  # the plugin's id is the number
        else:
            return f"{args.name}-id", dict(args.inputs)
        return id_, {camel(k): v for k, v in outputs.items()} if plugin else outputs

    def _association(self, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        problems = validate_binding_inputs(inputs)
        if problems:
            raise InvalidBindingInputs(name, problems)
        trunk_sid = str(inputs[TRUNK_SID])
        e164 = inputs.get(PHONE_NUMBER)
        sid = inputs.get(PHONE_NUMBER_SID) or self._sids.get(str(e164)) or _fake_sid("PN", str(e164))
        e164 = e164 or self._numbers.get(sid)
        self.bindings.append(DeclaredBinding(name, trunk_sid, sid, e164))
        outputs: dict[str, Any] = dict.fromkeys(OUTPUT_PROPERTIES)
        outputs.update(
            {
                TRUNK_SID: trunk_sid,
                PHONE_NUMBER_SID: sid,
                "sid": sid,
                PHONE_NUMBER: e164,
                "url": f"https://trunking.twilio.com/v1/Trunks/{trunk_sid}/PhoneNumbers/{sid}",
            }
        )
        return binding_id(trunk_sid, sid), outputs

    @staticmethod
    def _exclusive_trunk(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """An ExclusiveTrunk on a trunk that holds exactly what the program declares: no strays."""
        problems = validate_exclusive_inputs(inputs, sid_lists=(ASSOCIATED_SIDS, KEEP))
        if problems:
            raise InvalidBindingInputs(name, problems, resource_type=EXCLUSIVE_RESOURCE_NAME)
        declared = sorted(set(inputs.get(ASSOCIATED_SIDS) or []) | set(inputs.get(KEEP) or []))
        outputs = {**inputs, DECLARED_SIDS: declared, STRAY_SIDS: [], UNBOUND_SIDS: [], RETAINED_SIDS: []}
        return str(inputs[TRUNK_SID]), outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


_PLUGIN_NAMES = {
    camel(name): name for name in (*OUTPUT_PROPERTIES, ADOPT, ASSOCIATED_SIDS, PROTECTED_SIDS, KEEP)
}


def _core_names(inputs: Mapping[str, Any], plugin: bool) -> dict[str, Any]:
    """The declared inputs (no internal ``__`` keys, no nulls), by the dynamic resource's names."""
    given = {k: v for k, v in inputs.items() if not k.startswith("__") and v is not None}
    return {_PLUGIN_NAMES.get(k, k): v for k, v in given.items()} if plugin else given


def set_binding_mocks(
    numbers: Mapping[str, str] | None = None, *, project: str = "project", stack: str = "stack"
) -> BindingMocks:
    """Install ``BindingMocks`` for the Pulumi runtime of this process and return them."""
    mocks = BindingMocks(numbers)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False)
    return mocks
