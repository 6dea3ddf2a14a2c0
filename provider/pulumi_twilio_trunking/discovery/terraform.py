"""Trunk bindings held by a Terraform state, from ``terraform show -json``.

Two Terraform resources bind a number to a trunk (attribute names from each provider's schema):

* ``twilio_trunking_trunks_phone_numbers_v1`` (Twilio's provider, twilio/terraform-provider-twilio):
  ``trunk_sid`` and ``phone_number_sid`` (required), ``sid`` (computed: the number's PN SID); its
  id is ``TK…/PN…``. It does not record the E.164 number.
* ``twilio_sip_trunking_phone_number`` (the community provider, RJPearson94/terraform-provider-twilio):
  ``trunk_sid``, ``phone_number_sid`` (older versions: ``sid`` as the input), ``phone_number`` (E.164);
  its id is the PN SID.

Every module is walked (``values.root_module`` and its ``child_modules``, recursively); data sources
and other resource types are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ..validation import is_e164, is_phone_number_sid, is_trunk_sid
from .model import DiscoveredBinding, unsafe_text

TWILIO_RESOURCE: Final = "twilio_trunking_trunks_phone_numbers_v1"
COMMUNITY_RESOURCE: Final = "twilio_sip_trunking_phone_number"
BINDING_RESOURCE_TYPES: Final = (TWILIO_RESOURCE, COMMUNITY_RESOURCE)


class TerraformStateError(ValueError):
    """The document is not usable ``terraform show -json`` output, or a binding lacks an attribute."""


@dataclass(frozen=True)
class TerraformBinding:
    """A binding and the Terraform address that manages it (``module.x.TYPE.NAME["key"]``)."""

    address: str
    binding: DiscoveredBinding


def load_terraform_state(path: Path) -> list[TerraformBinding]:
    """Parse a file written by ``terraform show -json``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise TerraformStateError(
            f"{path} is not JSON (expected `terraform show -json` output): {exc}"
        ) from None
    return parse_terraform_state(document, source=str(path))


def parse_terraform_state(document: Any, *, source: str = "the Terraform state") -> list[TerraformBinding]:
    """The bindings of every module of a ``terraform show -json`` document, sorted by address."""
    if not isinstance(document, Mapping):
        raise TerraformStateError(f"{source} is not a `terraform show -json` document (not a JSON object)")
    if "values" not in document and "format_version" not in document:
        raise TerraformStateError(
            f"{source} has no `values`: is it `terraform show -json` output? (a raw .tfstate file is not)"
        )
    values = document.get("values") or {}  # a state with no resources has no values
    if not isinstance(values, Mapping):
        raise TerraformStateError(f"{source}: `values` is not an object")
    root = values.get("root_module") or {}
    found = [_binding(resource) for resource in _resources(root, "root_module")]
    return sorted(found, key=lambda b: b.address)


def _resources(module: Any, where: str) -> Iterator[Mapping[str, Any]]:
    if not isinstance(module, Mapping):
        raise TerraformStateError(f"{where} is not a module object")
    for resource in module.get("resources") or []:
        if (
            isinstance(resource, Mapping)
            and resource.get("mode", "managed") == "managed"
            and resource.get("type") in BINDING_RESOURCE_TYPES
        ):
            yield resource
    for index, child in enumerate(module.get("child_modules") or []):
        address = child.get("address") if isinstance(child, Mapping) else None
        yield from _resources(child, address or f"{where}.child_modules[{index}]")


def _binding(resource: Mapping[str, Any]) -> TerraformBinding:
    address = str(resource.get("address") or "")
    if not address:
        raise TerraformStateError(f"a {resource.get('type')} resource has no `address`")
    # The address becomes an argument of `terraform state rm` in the handover script.
    if unsafe_text(address):
        raise TerraformStateError(
            f"a {resource.get('type')} resource has the `address` {address!r}: an address must not start "
            "with '-' or hold control characters"
        )
    attributes = resource.get("values")
    if not isinstance(attributes, Mapping):
        raise TerraformStateError(f"{address} has no attribute `values`")
    trunk_sid = _attribute(address, attributes, "trunk_sid", is_trunk_sid, "TK…")
    # Both providers name the number's SID phone_number_sid; older community versions took `sid`.
    key = "phone_number_sid" if attributes.get("phone_number_sid") else "sid"
    if not attributes.get(key):
        raise TerraformStateError(
            f"{address} has neither `phone_number_sid` nor `sid`: cannot tell which number it binds"
        )
    number_sid = _attribute(address, attributes, key, is_phone_number_sid, "PN…")
    e164 = None
    if attributes.get("phone_number"):
        e164 = _attribute(address, attributes, "phone_number", is_e164, "an E.164 number (+14155550100)")
    return TerraformBinding(address, DiscoveredBinding(trunk_sid, number_sid, e164))


def _attribute(
    address: str, attributes: Mapping[str, Any], key: str, matches: Callable[[str], bool], shape: str
) -> str:
    value = attributes.get(key)
    if value is None or value == "":
        raise TerraformStateError(f"{address} has no `{key}` attribute")
    if not isinstance(value, str) or not matches(value):
        raise TerraformStateError(f"{address}: `{key}` should look like {shape}; got {value!r}")
    return value
