"""What discovery found, and the stable, readable Pulumi resource names given to it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..properties import binding_id
from ..validation import is_e164, is_phone_number_sid, is_trunk_sid

NAME_PREFIX = "tpn-"
_NOT_NAME_CHARS = re.compile(r"[^0-9A-Za-z]+")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def unsafe_text(value: str) -> bool:
    """A value that must not reach a generated file or script: a leading '-' or a control character."""
    return value.startswith("-") or bool(_CONTROL_CHARS.search(value))


class DiscoveredValueError(ValueError):
    """A source (the account, a Terraform state) gave a SID or number that breaks its rule."""


@dataclass(frozen=True, order=True)
class DiscoveredBinding:
    """One phone number bound to one trunk; ``phone_number`` (E.164) when the source knows it."""

    trunk_sid: str
    phone_number_sid: str
    phone_number: str | None = None

    def __post_init__(self) -> None:
        # Every source passes through here: nothing malformed reaches bindings.json or a name.
        for name, value, valid, rule in (
            ("trunk_sid", self.trunk_sid, is_trunk_sid, "a trunk SID (TK + 32 hex digits)"),
            ("phone_number_sid", self.phone_number_sid, is_phone_number_sid, "a number SID (PN + 32 hex)"),
            ("phone_number", self.phone_number, is_e164, "an E.164 number (+14155550100)"),
        ):
            if value is not None and not (isinstance(value, str) and valid(value)):
                raise DiscoveredValueError(f"a binding's {name} must be {rule}; got {value!r}")

    @property
    def id(self) -> str:
        return binding_id(self.trunk_sid, self.phone_number_sid)


@dataclass(frozen=True)
class ProjectEntry:
    """A binding with its Pulumi resource name: one entry of the generated data file."""

    name: str
    binding: DiscoveredBinding

    def to_json(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "id": self.binding.id,
            "trunk_sid": self.binding.trunk_sid,
            "phone_number_sid": self.binding.phone_number_sid,
            "phone_number": self.binding.phone_number,
        }


def base_name(binding: DiscoveredBinding) -> str:
    """``tpn-14155550100`` from the number, or ``tpn-pn…`` from its SID when the number is unknown."""
    source = binding.phone_number or binding.phone_number_sid
    return NAME_PREFIX + (_NOT_NAME_CHARS.sub("", source).lower() or "unknown")


def assign_names(bindings: Iterable[DiscoveredBinding]) -> list[ProjectEntry]:
    """One entry per distinct binding, named after its number and sorted by name.

    A name depends only on the binding itself, never on its neighbours, so adding or removing a
    binding never renames another: when two bindings would share a name (the same number seen on
    two trunks, or a source without numbers), each gets a suffix from its own SIDs.
    """
    unique = sorted(set(bindings))
    groups: dict[str, list[DiscoveredBinding]] = defaultdict(list)
    for binding in unique:
        groups[base_name(binding)].append(binding)
    named: dict[str, DiscoveredBinding] = {}
    for base, members in groups.items():
        if len(members) == 1:
            named[base] = members[0]
            continue
        for binding in members:
            pn = binding.phone_number_sid.lower()
            tk = binding.trunk_sid.lower()
            for candidate in (f"{base}-{pn[-8:]}", f"{base}-{tk[-8:]}-{pn[-8:]}", f"{base}-{tk}-{pn}"):
                if candidate not in named and candidate not in groups:
                    named[candidate] = binding
                    break
            else:  # pragma: no cover - distinct bindings always differ in their full SIDs
                raise AssertionError(f"no unique name for {binding.id}")
    return [ProjectEntry(name, named[name]) for name in sorted(named)]
