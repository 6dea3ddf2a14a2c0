"""Bind a list of phone numbers to one Elastic SIP trunk and export the bindings.

Configure with:
    pulumi config set trunkSid TK…
    pulumi config set --path 'phoneNumbers[0]' +14155550100
    pulumi config set twilio:accountSid AC…
    pulumi config set --secret twilio:authToken …
"""

import pulumi

from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

config = pulumi.Config()
trunk_sid = config.require("trunkSid")
phone_numbers: list[str] = config.require_object("phoneNumbers")

bindings = [
    TrunkPhoneNumberAssociation(
        f"number-{number.lstrip('+')}",
        trunk_sid=trunk_sid,
        phone_number=number,
    )
    for number in phone_numbers
]

pulumi.export(
    "bindings",
    [
        pulumi.Output.all(b.phone_number, b.phone_number_sid, b.trunk_sid, b.friendly_name).apply(
            lambda values: {
                "phone_number": values[0],
                "phone_number_sid": values[1],
                "trunk_sid": values[2],
                "friendly_name": values[3],
            }
        )
        for b in bindings
    ],
)
