"""The ways a user declares bindings (the *front doors*), as the programs the acceptance suite runs.

Every front door reads the same stack config and declares the same resources, so each acceptance
test runs unchanged through each of them (the ``front_door`` fixture is parametrized over
``FRONT_DOORS``):

* ``bindings``: a JSON list of ``{"name", "trunk", "sid" | "e164", "adopt"?, "import"?}``, one binding
  each (``import`` is the ``import_`` resource option);
* ``exclusive``: a JSON list of ``{"name", "trunk", "keep"?}``, one ExclusiveTrunk each;

and exports ``resources``: per name, a binding's ``id``, ``phone_number_sid``, ``trunk_sid`` and
``ownership``, an ExclusiveTrunk's ``stray_phone_number_sids`` and ``unbound_phone_number_sids``.

Adding a front door (the provider plugin's ``twilio-trunking:index:…`` resources) is one more
:class:`FrontDoor` in ``FRONT_DOORS``: its program and the type tokens its resources have in state.
"""

from __future__ import annotations

from dataclasses import dataclass

from pulumi_twilio_trunking.properties import EXCLUSIVE_RESOURCE_TYPE, RESOURCE_TYPE


@dataclass(frozen=True)
class FrontDoor:
    name: str
    program: str  # __main__.py of a Python project on the repository's virtualenv
    binding_type: str
    exclusive_type: str


DYNAMIC_PROGRAM = '''\
"""The acceptance suite's program: the resources its stack config declares (tests/live/front_doors.py)."""

import pulumi

from pulumi_twilio_trunking import ExclusiveTrunk, TrunkPhoneNumberAssociation

config = pulumi.Config()
resources: dict[str, pulumi.Output[dict[str, object]]] = {}
for spec in config.get_object("bindings") or []:
    binding = TrunkPhoneNumberAssociation(
        spec["name"],
        trunk_sid=spec["trunk"],
        phone_number_sid=spec.get("sid"),
        phone_number=spec.get("e164"),
        adopt=spec.get("adopt"),
        opts=pulumi.ResourceOptions(import_=spec.get("import")),
    )
    resources[spec["name"]] = pulumi.Output.all(
        id=binding.id,
        phone_number_sid=binding.phone_number_sid,
        trunk_sid=binding.trunk_sid,
        ownership=binding.ownership,
    )
for spec in config.get_object("exclusive") or []:
    exclusive = ExclusiveTrunk(spec["name"], trunk_sid=spec["trunk"], keep=spec.get("keep") or [])
    resources[spec["name"]] = pulumi.Output.all(
        stray_phone_number_sids=exclusive.stray_phone_number_sids,
        unbound_phone_number_sids=exclusive.unbound_phone_number_sids,
    )
pulumi.export("resources", resources)
'''

DYNAMIC = FrontDoor("dynamic", DYNAMIC_PROGRAM, RESOURCE_TYPE, EXCLUSIVE_RESOURCE_TYPE)

FRONT_DOORS = (DYNAMIC,)
