"""``terraform show -json`` documents holding trunk phone-number bindings, for the parser's tests.

Attribute names and ids follow each provider's published schema:

* ``twilio_trunking_trunks_phone_numbers_v1`` (twilio/terraform-provider-twilio):
  - twilio/resources/trunking/v1/README.md (commit 07795be50a8cba4e4b52d47f6f43e8502e719ab9):
    ``trunk_sid`` (Required), ``phone_number_sid`` (Required), ``sid`` (Computed).
  - twilio/resources/trunking/v1/api_default.go (commit 93c12bca56fce84bf52694b27f15df8cf92f5ad4): the
    generated resources of a trunk's sub-resources set the id to ``strings.Join([trunkSid, sid], "/")``
    and import ``trunk_sid/sid``; so the id is ``TK…/PN…``. The resource holds no E.164 number.
* ``twilio_sip_trunking_phone_number`` (RJPearson94/terraform-provider-twilio):
  - twilio/internal/services/sip_trunking/resource_sip_trunking_phone_number.go (commit
    223c9b63e0853c65ddbeaffb140754d7571322e6): ``trunk_sid`` and ``phone_number_sid`` (Required,
    ForceNew), ``sid``, ``phone_number``, ``account_sid``, ``friendly_name``, ``capabilities``,
    ``voice``/``messaging``/``fax`` blocks, …; ``d.SetId(createResult.Sid)``: the id is the PN SID.
  - docs/resources/sip_trunking_phone_number.md (commit 16f1c605251a74431c8e6707f75b346867747c7e):
    ``sid`` was the deprecated input before ``phone_number_sid`` ("Either `sid` or
    `phone_number_sid` need to be specified"); import id ``/Trunks/TK…/PhoneNumbers/PN…``.
* The document shape (``values.root_module.resources`` / ``child_modules``, ``address``, ``mode``,
  ``type``, ``name``, ``index``, ``provider_name``, ``values``) is Terraform's JSON output format.
"""

from __future__ import annotations

from typing import Any

TRUNK_A = "TK" + "a" * 32
TRUNK_B = "TK" + "b" * 32
PN_1 = "PN" + "1" * 32
PN_2 = "PN" + "2" * 32
PN_3 = "PN" + "3" * 32
PN_4 = "PN" + "4" * 32
PN_5 = "PN" + "5" * 32
ACCOUNT = "AC" + "0" * 32

TWILIO_PROVIDER = "registry.terraform.io/twilio/twilio"
COMMUNITY_PROVIDER = "registry.terraform.io/rjpearson94/twilio"


def twilio_binding(address: str, name: str, trunk: str, number: str, index: Any = None) -> dict[str, Any]:
    """A ``twilio_trunking_trunks_phone_numbers_v1`` resource (Twilio's provider)."""
    resource: dict[str, Any] = {
        "address": address,
        "mode": "managed",
        "type": "twilio_trunking_trunks_phone_numbers_v1",
        "name": name,
        "provider_name": TWILIO_PROVIDER,
        "schema_version": 0,
        "values": {"id": f"{trunk}/{number}", "phone_number_sid": number, "sid": number, "trunk_sid": trunk},
        "sensitive_values": {},
    }
    if index is not None:
        resource["index"] = index
    return resource


def community_binding(
    address: str, name: str, trunk: str, number: str, e164: str, index: Any = None, *, legacy: bool = False
) -> dict[str, Any]:
    """A ``twilio_sip_trunking_phone_number`` resource (the community provider); ``legacy``: ``sid`` input."""
    values: dict[str, Any] = {
        "id": number,
        "sid": number,
        "account_sid": ACCOUNT,
        "trunk_sid": trunk,
        "phone_number_sid": None if legacy else number,
        "friendly_name": e164,
        "phone_number": e164,
        "address_requirements": "none",
        "beta": False,
        "capabilities": [{"fax": False, "mms": True, "sms": True, "voice": True}],
        "messaging": [],
        "voice": [
            {
                "application_sid": "",
                "caller_id_lookup": False,
                "fallback_method": "POST",
                "fallback_url": "",
                "method": "POST",
                "url": "",
            }
        ],
        "fax": [],
        "status_callback_url": "",
        "status_callback_method": "POST",
        "date_created": "2024-01-02T03:04:05Z",
        "date_updated": "2024-01-02T03:04:05Z",
        "url": f"https://trunking.twilio.com/v1/Trunks/{trunk}/PhoneNumbers/{number}",
        "timeouts": None,
    }
    if legacy:
        del values["phone_number_sid"]
    resource: dict[str, Any] = {
        "address": address,
        "mode": "managed",
        "type": "twilio_sip_trunking_phone_number",
        "name": name,
        "provider_name": COMMUNITY_PROVIDER,
        "schema_version": 0,
        "values": values,
        "sensitive_values": {},
    }
    if index is not None:
        resource["index"] = index
    return resource


def show_json() -> dict[str, Any]:
    """Both resource types, in the root module, a module, and a nested module; plus things to ignore."""
    return {
        "format_version": "1.0",
        "terraform_version": "1.9.5",
        "values": {
            "root_module": {
                "resources": [
                    twilio_binding("twilio_trunking_trunks_phone_numbers_v1.main", "main", TRUNK_A, PN_1),
                    twilio_binding(
                        "twilio_trunking_trunks_phone_numbers_v1.lines[0]", "lines", TRUNK_B, PN_2, 0
                    ),
                    {  # another resource type: ignored
                        "address": "twilio_sip_trunking_trunk.trunk",
                        "mode": "managed",
                        "type": "twilio_sip_trunking_trunk",
                        "name": "trunk",
                        "provider_name": COMMUNITY_PROVIDER,
                        "values": {"id": TRUNK_A, "sid": TRUNK_A},
                    },
                    {  # a data source of the same type name: ignored (it manages nothing)
                        "address": "data.twilio_sip_trunking_phone_number.lookup",
                        "mode": "data",
                        "type": "twilio_sip_trunking_phone_number",
                        "name": "lookup",
                        "provider_name": COMMUNITY_PROVIDER,
                        "values": {"trunk_sid": TRUNK_A, "sid": PN_1},
                    },
                ],
                "child_modules": [
                    {
                        "address": "module.sip",
                        "resources": [
                            community_binding(
                                'module.sip.twilio_sip_trunking_phone_number.numbers["+14155550103"]',
                                "numbers",
                                TRUNK_A,
                                PN_3,
                                "+14155550103",
                                "+14155550103",
                            ),
                        ],
                        "child_modules": [
                            {
                                "address": 'module.sip.module.legacy["eu"]',
                                "resources": [
                                    community_binding(
                                        'module.sip.module.legacy["eu"].twilio_sip_trunking_phone_number'
                                        '.this["it\'s"]',
                                        "this",
                                        TRUNK_B,
                                        PN_4,
                                        "+442071838750",
                                        "it's",
                                        legacy=True,
                                    ),
                                ],
                            }
                        ],
                    }
                ],
            }
        },
    }
