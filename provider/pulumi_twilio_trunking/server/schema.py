"""The plugin's Pulumi package schema: what ``pulumi package get-schema`` prints and SDKs are made from.

Built from the names the core uses (``properties``, ``config``), so a property or a setting is defined
once; the descriptions are what users see in their editor.
"""

from __future__ import annotations

import importlib.metadata
import json
from typing import Any, Final

from ..config import ALL_SETTINGS, Setting
from ..properties import (
    ADOPT,
    ASSOCIATED_SIDS,
    DECLARED_SIDS,
    KEEP,
    OUTPUT_PROPERTIES,
    OWNERSHIP,
    PHONE_NUMBER,
    PHONE_NUMBER_SID,
    PLUGIN_ASSOCIATION_TYPE,
    PLUGIN_EXCLUSIVE_TYPE,
    PLUGIN_PACKAGE,
    PROTECTED_SIDS,
    RETAINED_SIDS,
    STRAY_SIDS,
    TRUNK_SID,
    UNBOUND_SIDS,
    camel,
)
from .names import ASSOCIATION_INPUTS, EXCLUSIVE_INPUTS, EXCLUSIVE_OUTPUTS

PACKAGE: Final = PLUGIN_PACKAGE
ASSOCIATION_TYPE: Final = PLUGIN_ASSOCIATION_TYPE
EXCLUSIVE_TYPE: Final = PLUGIN_EXCLUSIVE_TYPE
PYTHON_PACKAGE: Final = "pulumi_twilio_trunking.plugin"

_STRING: Final = {"type": "string"}
_BOOLEAN: Final = {"type": "boolean"}
_SIDS: Final = {"type": "array", "items": {"type": "string"}}

# Twilio's descriptions of its trunk PhoneNumber properties (twilio_trunking_v1.json), shortened.
_TWILIO_PROPERTIES: Final[dict[str, tuple[dict[str, Any], str]]] = {
    "account_sid": (_STRING, "The SID of the Twilio account (AC…) that owns the number."),
    "address_requirements": (_STRING, "Whether the number needs an address: none, any, local or foreign."),
    "api_version": (_STRING, "The API version used to start a new TwiML session."),
    "beta": (_BOOLEAN, "Whether the number is new to the Twilio platform."),
    "capabilities": (
        {"type": "object", "additionalProperties": _BOOLEAN},
        "Whether the number can receive calls and messages: voice, sms, mms, fax.",
    ),
    "date_created": (_STRING, "When the number was created (GMT)."),
    "date_updated": (_STRING, "When the number was last updated (GMT)."),
    "friendly_name": (_STRING, "The number's friendly name."),
    "links": ({"type": "object", "additionalProperties": _STRING}, "URLs of related resources."),
    "phone_number": (
        _STRING,
        "The phone number in E.164 form (+ country code and subscriber number), for example "
        "+14155550100. As an input: the number to bind, resolved to its PN SID; exactly one of "
        "phoneNumber and phoneNumberSid.",
    ),
    "sid": (_STRING, "The number's PN SID (the same as phoneNumberSid)."),
    "sms_application_sid": (_STRING, "The SID of the application that handles SMS to the number."),
    "sms_fallback_method": (_STRING, "The HTTP method of smsFallbackUrl: GET or POST."),
    "sms_fallback_url": (_STRING, "The URL Twilio calls when smsUrl fails."),
    "sms_method": (_STRING, "The HTTP method of smsUrl: GET or POST."),
    "sms_url": (_STRING, "The URL Twilio calls when the number receives an SMS."),
    "status_callback": (_STRING, "The URL Twilio sends status information to."),
    "status_callback_method": (_STRING, "The HTTP method of statusCallback: GET or POST."),
    "trunk_sid": (
        _STRING,
        "The SID of the Elastic SIP trunk (TK…) the number is bound to; calls to the number follow the "
        "trunk, not its voice URLs or voice application. Changing it moves the number to the new trunk "
        "in place (checked first, and put back on the old trunk if binding to the new one fails).",
    ),
    "url": (_STRING, "The absolute URL of the binding."),
    "voice_application_sid": (
        _STRING,
        "The SID of the application that handles calls; Twilio clears it when the number joins a trunk.",
    ),
    "voice_caller_id_lookup": (_BOOLEAN, "Whether Twilio looks up the caller's CNAM name."),
    "voice_fallback_method": (_STRING, "The HTTP method of voiceFallbackUrl: GET or POST."),
    "voice_fallback_url": (_STRING, "The URL Twilio calls when voiceUrl fails."),
    "voice_method": (_STRING, "The HTTP method of voiceUrl: GET or POST."),
    "voice_url": (
        _STRING,
        "The URL Twilio calls for incoming calls; not used while the number is on a trunk.",
    ),
}

_OWN_PROPERTIES: Final[dict[str, tuple[dict[str, Any], str]]] = {
    PHONE_NUMBER_SID: (
        _STRING,
        "The number's PN SID (PN + 32 hex digits). As an input: the number to bind; exactly one of "
        "phoneNumberSid and phoneNumber.",
    ),
    ADOPT: (
        _BOOLEAN,
        "Take over a binding that already exists on the trunk (otherwise create refuses it). The resource "
        "then owns it: deleting the resource unbinds the number. To use a binding another stack owns, "
        "read it with the resource's get instead.",
    ),
    OWNERSHIP: (
        _STRING,
        "How the resource holds its binding: created, adopted or moved; empty for a binding brought in by "
        "`pulumi import` or read with get.",
    ),
    ASSOCIATED_SIDS: (
        _SIDS,
        "PN SIDs the program binds to this trunk (usually the phoneNumberSid outputs of its "
        "TrunkPhoneNumberAssociation resources, which also orders this resource after them). Bindings "
        "that resources of the same update hold on the trunk count as declared too.",
    ),
    PROTECTED_SIDS: (_SIDS, "The associated numbers whose binding is protected."),
    KEEP: (_SIDS, "PN SIDs to leave bound to the trunk although no binding of the program declares them."),
    RETAINED_SIDS: (_SIDS, "Protected bindings that left the program, kept while they stay bound."),
    DECLARED_SIDS: (_SIDS, "Every number the trunk may hold: associated, kept and retained."),
    STRAY_SIDS: (
        _SIDS,
        "Numbers found bound to the trunk that nothing declares, recorded and shown but not unbound yet: "
        "the next update unbinds them unless they are kept or declared by then.",
    ),
    UNBOUND_SIDS: (_SIDS, "The strays the last update unbound."),
}

_SETTING_DESCRIPTIONS: Final[dict[str, str]] = {
    "accountSid": "The Twilio account SID (AC…).",
    "authToken": "The account's auth token (set it as a secret).",
    "apiKey": "An API key SID (SK…) to authenticate with instead of the auth token.",
    "apiSecret": "The API key's secret (set it as a secret).",
    "region": "Twilio region, for example us1, ie1 or au1: trunking.{edge}.{region}.twilio.com.",
    "edge": "Twilio edge location, for example ashburn, dublin or sydney (an edge alone means us1).",
    "apiBaseUrl": "Send both APIs to one base URL (an emulator, a proxy); plain http:// only to loopback.",
    "maxAttempts": "Attempts per request on 429, 5xx and connection errors (default 12).",
    "maxRetrySeconds": "Longest total time spent retrying one request, in seconds (default 60).",
    "connectTimeout": "Connect timeout, in seconds (default 5).",
    "readTimeout": "Read timeout, in seconds (default 30).",
    "snapshotTtl": "Seconds a list snapshot may answer a wave of calls (default 10; 0 turns it off).",
}
_NUMBER_SETTINGS: Final = frozenset(
    {"maxAttempts", "maxRetrySeconds", "connectTimeout", "readTimeout", "snapshotTtl"}
)


def _property(spec: tuple[dict[str, Any], str]) -> dict[str, Any]:
    kind, description = spec
    return {**kind, "description": description}


def _properties(names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    table = {**_TWILIO_PROPERTIES, **_OWN_PROPERTIES}
    return {camel(name): _property(table[name]) for name in names}


def _setting(setting: Setting) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "type": "number" if setting.name in _NUMBER_SETTINGS else "string",
        "description": f"{_SETTING_DESCRIPTIONS[setting.name]} Falls back to {setting.env_var}.",
    }
    if setting.secret or setting.name == "accountSid":
        spec["secret"] = True
    return spec


def package_schema() -> dict[str, Any]:
    settings = {setting.name: _setting(setting) for setting in ALL_SETTINGS}
    association_outputs = (*OUTPUT_PROPERTIES, OWNERSHIP)
    return {
        "name": PACKAGE,
        "displayName": "Twilio SIP Trunking",
        "description": "Bind Twilio phone numbers to Elastic SIP trunks, with no number cut by surprise.",
        "version": importlib.metadata.version("pulumi-twilio-trunking"),
        "keywords": ["twilio", "sip", "trunking", "category/network"],
        "license": "Apache-2.0",
        "config": {"variables": settings},
        "provider": {
            "description": "One Twilio account. Settings fall back to the TWILIO_* environment variables.",
            "inputProperties": settings,
        },
        "resources": {
            ASSOCIATION_TYPE: {
                "description": (
                    "Binds an existing Twilio phone number to an Elastic SIP trunk. Its id is the "
                    "number's PN SID: a number is on one trunk at most, so changing trunkSid moves the "
                    "number in place (a protected binding can fail over). A number already on the trunk "
                    "is refused unless adopt is set or the binding is imported (`pulumi import "
                    f"{ASSOCIATION_TYPE} NAME PN…`); a delete never unbinds a number that another "
                    "resource of the same update declares."
                ),
                "inputProperties": _properties(ASSOCIATION_INPUTS),
                "requiredInputs": [camel(TRUNK_SID)],
                "properties": _properties(association_outputs),
                "required": [camel(TRUNK_SID), camel(PHONE_NUMBER_SID), camel(PHONE_NUMBER)],
            },
            EXCLUSIVE_TYPE: {
                "description": (
                    "Keeps a trunk to exactly the numbers the program declares (associatedPhoneNumberSids, "
                    "keep, and the bindings of the same update). A stray number is first recorded in "
                    "strayPhoneNumberSids and shown; only a later update unbinds it. Deleting this resource "
                    "unbinds nothing. Its id is the trunk SID."
                ),
                "inputProperties": _properties(EXCLUSIVE_INPUTS),
                "requiredInputs": [camel(TRUNK_SID)],
                "properties": _properties(EXCLUSIVE_OUTPUTS),
                "required": [camel(TRUNK_SID), camel(DECLARED_SIDS), camel(STRAY_SIDS), camel(UNBOUND_SIDS)],
            },
        },
        "language": {
            "python": {"packageName": PYTHON_PACKAGE, "respectSchemaVersion": True},
            "nodejs": {
                "packageName": "@pulumi-twilio-trunking/twilio-trunking",
                "respectSchemaVersion": True,
            },
            "go": {
                "importBasePath": "pulumi-twilio-trunking/sdk/go/twiliotrunking",
                "respectSchemaVersion": True,
                "generateResourceContainerTypes": False,
            },
        },
    }


def schema_json() -> str:
    return json.dumps(package_schema(), indent=2, sort_keys=True)
