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
    """A binding with its Pulumi resource name: one entry of the generated data file.

    ``aliases``: the name older versions of ``discover`` gave the same binding, so a stack they made
    sees no rename.
    """

    name: str
    binding: DiscoveredBinding
    aliases: tuple[str, ...] = ()

    def to_json(self) -> dict[str, str | list[str] | None]:
        return {
            "name": self.name,
            "id": self.binding.id,
            "trunk_sid": self.binding.trunk_sid,
            "phone_number_sid": self.binding.phone_number_sid,
            "phone_number": self.binding.phone_number,
            "aliases": list(self.aliases),
        }


def resource_name(binding: DiscoveredBinding) -> str:
    """``tpn-pn…``: from the number's SID, the one thing every source knows (Twilio's Terraform
    provider records no E.164 number), so a binding gets the same name whichever source it came from."""
    return NAME_PREFIX + binding.phone_number_sid.lower()


def assign_names(bindings: Iterable[DiscoveredBinding]) -> list[ProjectEntry]:
    """One entry per distinct binding (trunk and number), named after its number's SID, sorted by name.

    A number is on one trunk at most, so the name is unique; only a stale Terraform state can name
    one number on two trunks, and then each of those entries ends with its own trunk SID. An entry
    whose E.164 number is known carries the name older versions gave it as an alias.
    """
    unique = _distinct(bindings)
    per_number: dict[str, list[DiscoveredBinding]] = defaultdict(list)
    for binding in unique:
        per_number[binding.phone_number_sid].append(binding)
    legacy = _legacy_names(unique)
    entries = []
    for members in per_number.values():
        for binding in members:
            name = resource_name(binding)
            if len(members) > 1:
                name = f"{name}-{binding.trunk_sid.lower()}"
            old = legacy.get(binding)
            entries.append(ProjectEntry(name, binding, (old,) if old and old != name else ()))
    return sorted(entries, key=lambda entry: entry.name)


def _distinct(bindings: Iterable[DiscoveredBinding]) -> list[DiscoveredBinding]:
    """One binding per (trunk, number SID), keeping the E.164 number when any source knew it."""
    found: dict[tuple[str, str], DiscoveredBinding] = {}
    for binding in sorted(
        set(bindings), key=lambda b: (b.trunk_sid, b.phone_number_sid, b.phone_number or "")
    ):
        key = (binding.trunk_sid, binding.phone_number_sid)
        if key not in found or found[key].phone_number is None:
            found[key] = binding
    return sorted(found.values())


def _legacy_names(unique: list[DiscoveredBinding]) -> dict[DiscoveredBinding, str]:
    """The names ``discover`` gave before 0.2: from the E.164 number (``tpn-14155550100``) when
    known, else from the SID, with suffixes from the SIDs for bindings that shared a name."""
    groups: dict[str, list[DiscoveredBinding]] = defaultdict(list)
    for binding in unique:
        source = binding.phone_number or binding.phone_number_sid
        groups[NAME_PREFIX + (_NOT_NAME_CHARS.sub("", source).lower() or "unknown")].append(binding)
    named: dict[DiscoveredBinding, str] = {}
    taken: set[str] = set()
    for base, members in groups.items():
        if len(members) == 1:
            named[members[0]] = base
            taken.add(base)
            continue
        for binding in members:
            pn = binding.phone_number_sid.lower()
            tk = binding.trunk_sid.lower()
            for candidate in (f"{base}-{pn[-8:]}", f"{base}-{tk[-8:]}-{pn[-8:]}", f"{base}-{tk}-{pn}"):
                if candidate not in taken and candidate not in groups:
                    named[binding] = candidate
                    taken.add(candidate)
                    break
    return named
