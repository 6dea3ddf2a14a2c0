"""Twilio SIP-trunk phone-number bindings as Pulumi resources.

>>> from pulumi_twilio_trunking import TrunkPhoneNumberAssociation
>>> TrunkPhoneNumberAssociation("main-line", trunk_sid="TK…", phone_number="+14155550100")

Names are imported on first use, so tools that only need a submodule (the CLI, the policy rules)
do not pay for importing the Pulumi SDK.
"""

from __future__ import annotations

import importlib.metadata
from typing import TYPE_CHECKING

from ._lazy import lazy_exports

if TYPE_CHECKING:
    from .errors import BindingError, ConfigurationError, InvalidBindingInputs, ProviderError
    from .exclusive import ExclusiveTrunkProvider
    from .exclusive_resource import ExclusiveTrunk
    from .properties import EXCLUSIVE_RESOURCE_TYPE, RESOURCE_TYPE
    from .provider import TrunkPhoneNumberAssociationProvider
    from .resource import TrunkPhoneNumberAssociation, TrunkPhoneNumberAssociationArgs

__version__ = importlib.metadata.version("pulumi-twilio-trunking")

_EXPORTS = {
    "RESOURCE_TYPE": ".properties",
    "BindingError": ".errors",
    "ConfigurationError": ".errors",
    "EXCLUSIVE_RESOURCE_TYPE": ".properties",
    "ExclusiveTrunk": ".exclusive_resource",
    "ExclusiveTrunkProvider": ".exclusive",
    "InvalidBindingInputs": ".errors",
    "ProviderError": ".errors",
    "TrunkPhoneNumberAssociation": ".resource",
    "TrunkPhoneNumberAssociationArgs": ".resource",
    "TrunkPhoneNumberAssociationProvider": ".provider",
}

__all__ = [
    "EXCLUSIVE_RESOURCE_TYPE",
    "RESOURCE_TYPE",
    "BindingError",
    "ConfigurationError",
    "ExclusiveTrunk",
    "ExclusiveTrunkProvider",
    "InvalidBindingInputs",
    "ProviderError",
    "TrunkPhoneNumberAssociation",
    "TrunkPhoneNumberAssociationArgs",
    "TrunkPhoneNumberAssociationProvider",
    "__version__",
]


__getattr__ = lazy_exports(__name__, _EXPORTS)
