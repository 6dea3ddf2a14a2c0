"""``TrunkPhoneNumberAssociation``: an existing Twilio phone number bound to an Elastic SIP trunk."""

from __future__ import annotations

import copy
import inspect
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from .config_secrecy import warn_if_credentials_not_secret
from .declarations import declare
from .errors import InvalidBindingInputs
from .program_run import Declaration
from .properties import (
    ADOPT,
    IMPORT_ID,
    OUTPUT_PROPERTIES,
    OWNERSHIP,
    PHONE_NUMBER,
    PHONE_NUMBER_SID,
    RESOURCE_MODULE,
    RESOURCE_NAME,
    RESOURCE_NAME_INPUT,
    TRUNK_SID,
    parse_binding_id,
)
from .provider import TrunkPhoneNumberAssociationProvider
from .validation import validate_binding_inputs


@dataclass
class TrunkPhoneNumberAssociationArgs:
    """Inputs of a binding: the trunk, and exactly one of the number's SID or its E.164 form."""

    trunk_sid: pulumi.Input[str]
    phone_number_sid: pulumi.Input[str] | None = None
    phone_number: pulumi.Input[str] | None = None
    adopt: pulumi.Input[bool] | None = None


def _is_deferred(value: Any) -> bool:
    # Outputs of other resources are validated later by the provider's check(); plain values now.
    return isinstance(value, pulumi.Output) or inspect.isawaitable(value)


class TrunkPhoneNumberAssociation(Resource, module=RESOURCE_MODULE, name=RESOURCE_NAME):
    """Binds a Twilio phone number (PN…) to an Elastic SIP trunk (TK…).

    Type token ``pulumi-python:dynamic/twilio:TrunkPhoneNumberAssociation``; id ``TK…/PN…``.
    Changing the trunk or the number replaces the binding (a trunk change moves the number).
    """

    trunk_sid: pulumi.Output[str]
    phone_number_sid: pulumi.Output[str]
    phone_number: pulumi.Output[str]
    sid: pulumi.Output[str]
    account_sid: pulumi.Output[str]
    address_requirements: pulumi.Output[str | None]
    api_version: pulumi.Output[str | None]
    beta: pulumi.Output[bool | None]
    capabilities: pulumi.Output[dict[str, bool] | None]
    date_created: pulumi.Output[str | None]
    date_updated: pulumi.Output[str | None]
    friendly_name: pulumi.Output[str | None]
    links: pulumi.Output[dict[str, str] | None]
    sms_application_sid: pulumi.Output[str | None]
    sms_fallback_method: pulumi.Output[str | None]
    sms_fallback_url: pulumi.Output[str | None]
    sms_method: pulumi.Output[str | None]
    sms_url: pulumi.Output[str | None]
    status_callback: pulumi.Output[str | None]
    status_callback_method: pulumi.Output[str | None]
    url: pulumi.Output[str | None]
    voice_application_sid: pulumi.Output[str | None]
    voice_caller_id_lookup: pulumi.Output[bool | None]
    voice_fallback_method: pulumi.Output[str | None]
    voice_fallback_url: pulumi.Output[str | None]
    voice_method: pulumi.Output[str | None]
    voice_url: pulumi.Output[str | None]
    ownership: pulumi.Output[str]
    """How this resource holds its binding: ``created``, ``adopted``, ``imported``, ``moved``, or
    ``referenced`` (read-only, through :meth:`get`)."""

    def __init__(
        self,
        resource_name: str,
        args: TrunkPhoneNumberAssociationArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        trunk_sid: pulumi.Input[str] | None = None,
        phone_number_sid: pulumi.Input[str] | None = None,
        phone_number: pulumi.Input[str] | None = None,
        adopt: pulumi.Input[bool] | None = None,
    ) -> None:
        """``adopt=True``: take over the binding if the number is already on this trunk (otherwise
        create refuses it, so that two declarations never share one binding unknowingly)."""
        if args is not None:
            if trunk_sid is not None or phone_number_sid is not None or phone_number is not None:
                raise TypeError("pass either args or keyword inputs to TrunkPhoneNumberAssociation, not both")
            trunk_sid, phone_number_sid, phone_number = (
                args.trunk_sid,
                args.phone_number_sid,
                args.phone_number,
            )
            adopt = args.adopt if adopt is None else adopt
        inputs: dict[str, Any] = {
            TRUNK_SID: trunk_sid,
            PHONE_NUMBER_SID: phone_number_sid,
            PHONE_NUMBER: phone_number,
        }
        problems = validate_binding_inputs({k: v for k, v in inputs.items() if v is not None}, _is_deferred)
        if problems:
            raise InvalidBindingInputs(resource_name, problems)
        props = _output_placeholders()
        props.update(inputs)
        props[RESOURCE_NAME_INPUT] = resource_name
        if adopt is not None:  # only when given, so existing stacks see no new input
            props[ADOPT] = adopt
        if opts is not None and opts.import_ is not None:
            # The engine reads an imported resource without its inputs, so the dynamic provider host
            # cannot find ``__provider`` and fails (pulumi/pulumi#16175). The import is therefore done
            # as a create that only adopts this exact binding (an explicit opt-in, like adopt=True).
            parse_binding_id(opts.import_)
            props[IMPORT_ID] = opts.import_
            opts = copy.copy(opts)
            opts.import_ = None
        warn_if_credentials_not_secret()
        super().__init__(TrunkPhoneNumberAssociationProvider(), resource_name, props, opts)
        # For ExclusiveTrunk: only a protect given in this resource's own options is seen.
        declare(Declaration(trunk_sid, self.phone_number_sid, protected=bool(opts and opts.protect)))

    @classmethod
    def get(
        cls, resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> TrunkPhoneNumberAssociation:
        """A read-only reference to an existing binding ``TK…/PN…`` (owned by another stack, say).

        Its outputs come from Twilio at every ``up`` and ``refresh``; this stack never binds or unbinds
        it (``destroy`` and removing the reference only drop it from the stack), and its ``ownership``
        is ``referenced``. It is not counted as declared by an ``ExclusiveTrunk``.
        """
        if isinstance(id, str):
            parse_binding_id(id)
        reference = cls.__new__(cls)
        options = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        Resource.__init__(
            reference, TrunkPhoneNumberAssociationProvider(), resource_name, _output_placeholders(), options
        )
        return reference


def _output_placeholders() -> dict[str, Any]:
    """Every output the engine may resolve: the SDK only resolves keys present in the props."""
    props: dict[str, Any] = dict.fromkeys(OUTPUT_PROPERTIES)
    props[OWNERSHIP] = None
    return props
