"""Twilio SIP-trunk phone-number bindings as Pulumi resources.

>>> from pulumi_twilio_trunking import TrunkPhoneNumberAssociation
>>> TrunkPhoneNumberAssociation("main-line", trunk_sid="TK…", phone_number="+14155550100")
"""

from .properties import RESOURCE_TYPE
from .provider import TrunkPhoneNumberAssociationProvider
from .resource import TrunkPhoneNumberAssociation, TrunkPhoneNumberAssociationArgs
from .validation import InvalidBindingInputs

__all__ = [
    "RESOURCE_TYPE",
    "InvalidBindingInputs",
    "TrunkPhoneNumberAssociation",
    "TrunkPhoneNumberAssociationArgs",
    "TrunkPhoneNumberAssociationProvider",
]
