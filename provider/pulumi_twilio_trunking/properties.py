"""Names of the resource's properties, shared by the resource class, the provider and the policies."""

from __future__ import annotations

from typing import Final

from .validation import PHONE_NUMBER, PHONE_NUMBER_SID, TRUNK_SID

RESOURCE_MODULE: Final = "twilio"
RESOURCE_NAME: Final = "TrunkPhoneNumberAssociation"
RESOURCE_TYPE: Final = f"pulumi-python:dynamic/{RESOURCE_MODULE}:{RESOURCE_NAME}"

INPUT_PROPERTIES: Final = (TRUNK_SID, PHONE_NUMBER_SID, PHONE_NUMBER)
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

# Internal output key (the engine hides "__" keys from policies): which form the number was
# declared in, so refresh can hand back exactly the declared inputs.
NUMBER_KEY: Final = "__number_key"

__all__ = [
    "INPUT_PROPERTIES",
    "NUMBER_KEY",
    "OUTPUT_PROPERTIES",
    "PHONE_NUMBER",
    "PHONE_NUMBER_SID",
    "RESOURCE_MODULE",
    "RESOURCE_NAME",
    "RESOURCE_TYPE",
    "TRUNK_PHONE_NUMBER_PROPERTIES",
    "TRUNK_SID",
]
