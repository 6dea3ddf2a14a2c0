"""The ways a user declares bindings (the *front doors*), as the programs the acceptance suite runs.

Every front door reads the same stack config and declares the same resources, so each acceptance
test runs unchanged through each of them (the ``front_door`` fixture is parametrized over
``FRONT_DOORS``):

* ``bindings``: a JSON list of ``{"name", "trunk", "sid" | "e164", "adopt"?, "import"?}``, one binding
  each (``import`` is the ``import_`` resource option);
* ``exclusive``: a JSON list of ``{"name", "trunk", "keep"?}``, one ExclusiveTrunk each (the plugin's
  also lists, in ``associated_phone_number_sids``, the numbers the program's bindings put on its trunk);

and exports ``resources``: per name, a binding's ``id``, ``phone_number_sid``, ``trunk_sid`` and
``ownership``, an ExclusiveTrunk's ``stray_phone_number_sids`` and ``unbound_phone_number_sids``.

Two front doors today:

* ``dynamic``: the dynamic resources (``pulumi_twilio_trunking``); a binding's id is ``TK…/PN…``, a
  trunk change replaces the resource (the replacement moves the number), and ``import_`` is done by
  the provider itself (it prints ``imported existing binding …`` and the ownership is ``imported``);
* ``plugin``: the provider plugin ``twilio-trunking`` through its typed SDK
  (``pulumi_twilio_trunking.plugin``), loaded from the repository's virtualenv by the project's
  ``plugins.providers``; a binding's id is its number's ``PN…``, a trunk change moves the number in
  place (an update), and ``import_`` is the engine's import (a read, then an update of the state to
  what the program declares, if it differs; the provider prints nothing and sets no ownership).

Both take their credentials and Twilio's address (``TWILIO_API_BASE_URL``: the guard proxy) from the
same ``TWILIO_*`` environment. Adding a front door is one more :class:`FrontDoor` in ``FRONT_DOORS``:
its program, the type tokens its resources have in state, and how the tests' expectations differ
through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pulumi_twilio_trunking.properties import (
    EXCLUSIVE_RESOURCE_TYPE,
    PLUGIN_ASSOCIATION_TYPE,
    PLUGIN_EXCLUSIVE_TYPE,
    PLUGIN_PACKAGE,
    RESOURCE_TYPE,
    binding_id,
)
from pulumi_twilio_trunking.testing.pulumi_cli import write_python_project


@dataclass(frozen=True)
class FrontDoor:
    """One front door: its program, its resources' type tokens, and what differs through it."""

    name: str
    program: str  # __main__.py of a Python project on the repository's virtualenv
    binding_type: str
    exclusive_type: str
    plugin: str | None  # the provider plugin the project loads from the virtualenv's bin, if any
    id_names_trunk: bool  # a binding's id: TK…/PN… (True) or the number's PN… (False)
    # The steps ``pulumi up`` says it completed on a binding (``AccStack.binding_steps``) when its
    # trunk_sid changed, and when it was declared with ``import_``.
    move_steps: frozenset[str]
    import_steps: frozenset[str]
    imported_ownership: str | None  # a binding's ownership output after ``import_``
    reports_import: bool  # the provider prints ``imported existing binding <id>`` for ``import_``

    def binding_id(self, trunk_sid: str, number_sid: str) -> str:
        """A binding's resource id, which is also the id its ``import_`` option takes."""
        return binding_id(trunk_sid, number_sid) if self.id_names_trunk else number_sid

    def write_project(self, project_dir: Path, name: str, virtualenv: Path) -> None:
        """The program as a Python project on ``virtualenv`` (and its plugin, from the same ``bin``)."""
        write_python_project(project_dir, name, self.program, virtualenv)
        if self.plugin is not None:
            with (project_dir / "Pulumi.yaml").open("a") as pulumi_yaml:
                pulumi_yaml.write(
                    f"plugins:\n  providers:\n    - name: {self.plugin}\n      path: {virtualenv / 'bin'}\n"
                )


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

PLUGIN_PROGRAM = '''\
"""The acceptance suite's program through the provider plugin's typed SDK (tests/live/front_doors.py)."""

import pulumi

import pulumi_twilio_trunking.plugin as twilio_trunking

config = pulumi.Config()
resources: dict[str, pulumi.Output[dict[str, object]]] = {}
on_trunk: dict[str, list[pulumi.Output[str]]] = {}  # trunk SID -> the numbers the bindings put there
for spec in config.get_object("bindings") or []:
    binding = twilio_trunking.TrunkPhoneNumberAssociation(
        spec["name"],
        trunk_sid=spec["trunk"],
        phone_number_sid=spec.get("sid"),
        phone_number=spec.get("e164"),
        adopt=spec.get("adopt"),
        opts=pulumi.ResourceOptions(import_=spec.get("import")),
    )
    on_trunk.setdefault(spec["trunk"], []).append(binding.phone_number_sid)
    resources[spec["name"]] = pulumi.Output.all(
        id=binding.id,
        phone_number_sid=binding.phone_number_sid,
        trunk_sid=binding.trunk_sid,
        ownership=binding.ownership,
    )
for spec in config.get_object("exclusive") or []:
    exclusive = twilio_trunking.ExclusiveTrunk(
        spec["name"],
        trunk_sid=spec["trunk"],
        keep=spec.get("keep") or [],
        associated_phone_number_sids=on_trunk.get(spec["trunk"], []),
    )
    resources[spec["name"]] = pulumi.Output.all(
        stray_phone_number_sids=exclusive.stray_phone_number_sids,
        unbound_phone_number_sids=exclusive.unbound_phone_number_sids,
    )
pulumi.export("resources", resources)
'''

DYNAMIC = FrontDoor(
    name="dynamic",
    program=DYNAMIC_PROGRAM,
    binding_type=RESOURCE_TYPE,
    exclusive_type=EXCLUSIVE_RESOURCE_TYPE,
    plugin=None,
    id_names_trunk=True,
    move_steps=frozenset({"created replacement", "replaced", "deleted original"}),
    import_steps=frozenset({"created"}),
    imported_ownership="imported",
    reports_import=True,
)

PLUGIN = FrontDoor(
    name="plugin",
    program=PLUGIN_PROGRAM,
    binding_type=PLUGIN_ASSOCIATION_TYPE,
    exclusive_type=PLUGIN_EXCLUSIVE_TYPE,
    plugin=PLUGIN_PACKAGE,
    id_names_trunk=False,
    move_steps=frozenset({"updated"}),
    # The engine reads the binding by its id, which does not say the number was declared by SID
    # rather than by E.164; it then updates the state to the declared form (no request to Twilio).
    import_steps=frozenset({"imported", "updated"}),
    imported_ownership=None,
    reports_import=False,
)

FRONT_DOORS = (DYNAMIC, PLUGIN)
