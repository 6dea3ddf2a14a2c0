"""The resource's type token, property names and id format: one home, shared by the resource
class, the provider, the validation rules and the policies. Dependency-free, so cheap to import.
"""

from __future__ import annotations

import re
from typing import Final

RESOURCE_MODULE: Final = "twilio"
RESOURCE_NAME: Final = "TrunkPhoneNumberAssociation"
RESOURCE_TYPE: Final = f"pulumi-python:dynamic/{RESOURCE_MODULE}:{RESOURCE_NAME}"

TRUNK_SID: Final = "trunk_sid"
PHONE_NUMBER_SID: Final = "phone_number_sid"
PHONE_NUMBER: Final = "phone_number"
# The 26 properties of Twilio's ``trunking.v1.trunk.phone_number`` schema (kept dependency-free so
# that importing the resource stays cheap; a test pins it to the pydantic model and the spec).
TRUNK_PHONE_NUMBER_PROPERTIES: Final = (
    "account_sid",
    "address_requirements",
    "api_version",
    "beta",
    "capabilities",
    "date_created",
    "date_updated",
    "friendly_name",
    "links",
    "phone_number",
    "sid",
    "sms_application_sid",
    "sms_fallback_method",
    "sms_fallback_url",
    "sms_method",
    "sms_url",
    "status_callback",
    "status_callback_method",
    "trunk_sid",
    "url",
    "voice_application_sid",
    "voice_caller_id_lookup",
    "voice_fallback_method",
    "voice_fallback_url",
    "voice_method",
    "voice_url",
)
OUTPUT_PROPERTIES: Final = (*TRUNK_PHONE_NUMBER_PROPERTIES, PHONE_NUMBER_SID)

# Opt-in input: take over a binding that already exists on the trunk (otherwise create refuses it).
ADOPT: Final = "adopt"
# Output: how this resource holds its binding (``ownership.Ownership``: created, adopted, imported,
# moved or referenced).
OWNERSHIP: Final = "ownership"

# Internal output key (the engine hides "__" keys from policies): which form the number was
# declared in, so refresh can hand back exactly the declared inputs.
NUMBER_KEY: Final = "__number_key"
# Internal input: the ``import_`` id of a resource declared with ``ResourceOptions(import_=...)``
# (see resource.py).
IMPORT_ID: Final = "__import_id"
# Internal input: the resource's name, so the provider's messages can name the other resource of the
# stack that declares a binding (a dynamic provider is never told the URN).
RESOURCE_NAME_INPUT: Final = "__name"

_ID_PATTERN = re.compile(r"/?(?:Trunks/)?(TK[0-9A-Za-z]+)/(?:PhoneNumbers/)?(PN[0-9A-Za-z]+)")


def binding_id(trunk_sid: str, phone_number_sid: str) -> str:
    """The resource id of a binding: ``TK…/PN…``."""
    return f"{trunk_sid}/{phone_number_sid}"


def parse_binding_id(id_: str) -> tuple[str, str]:
    """``TK…/PN…`` (also ``/Trunks/TK…/PhoneNumbers/PN…``, the Terraform import form) into its SIDs."""
    match = _ID_PATTERN.fullmatch(id_.strip())
    if match is None:
        raise ValueError(f"a TrunkPhoneNumberAssociation id looks like TK…/PN…; got {id_!r}")
    return match.group(1), match.group(2)


# ExclusiveTrunk: "this trunk holds exactly the numbers the program declares".
EXCLUSIVE_RESOURCE_NAME: Final = "ExclusiveTrunk"
EXCLUSIVE_RESOURCE_TYPE: Final = f"pulumi-python:dynamic/{RESOURCE_MODULE}:{EXCLUSIVE_RESOURCE_NAME}"
# Inputs (besides trunk_sid): gathered from the program's associations, and listed by the user.
ASSOCIATED_SIDS: Final = "associated_phone_number_sids"
PROTECTED_SIDS: Final = "protected_phone_number_sids"  # the associated numbers whose binding is protected
KEEP: Final = "keep"
# Outputs (besides the inputs).
RETAINED_SIDS: Final = "retained_phone_number_sids"  # protected associations that left the program
DECLARED_SIDS: Final = "declared_phone_number_sids"
STRAY_SIDS: Final = "stray_phone_number_sids"  # recorded strays: the next update unbinds them
UNBOUND_SIDS: Final = "unbound_phone_number_sids"  # what the last update unbound

# The provider plugin (``pulumi-resource-twilio-trunking``): the same resources under its own package,
# with camelCase property names.
PLUGIN_PACKAGE: Final = "twilio-trunking"
PLUGIN_ASSOCIATION_TYPE: Final = f"{PLUGIN_PACKAGE}:index:{RESOURCE_NAME}"
PLUGIN_EXCLUSIVE_TYPE: Final = f"{PLUGIN_PACKAGE}:index:{EXCLUSIVE_RESOURCE_NAME}"
ASSOCIATION_TYPES: Final = (RESOURCE_TYPE, PLUGIN_ASSOCIATION_TYPE)


def camel(name: str) -> str:
    """A property's name in the plugin's schema and SDKs (``phone_number_sid`` -> ``phoneNumberSid``);
    internal keys (``__number_key``) keep theirs."""
    if name.startswith("__"):
        return name
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)
