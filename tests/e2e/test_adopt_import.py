"""Bindings that already exist in Twilio: adopting them, ``import_``, and ``pulumi import``.

What works, and what does not and why (Pulumi CLI v3.274.1, Python SDK 3.272):

1. **Declaring it** is refused (one owner per binding): the create finds the number already on that
   trunk and fails in one line naming the trunk, the number and the opt-ins; nothing is posted. With
   ``adopt=True`` on the resource, or once with ``TWILIO_TRUNKING_ADOPT_EXISTING=true`` in the
   environment (the recovery switch), the create adopts the binding instead: no POST, no duplicate,
   and ``up`` prints ``twilio-trunking: adopted existing binding TK…/PN…``.

2. **``pulumi.ResourceOptions(import_="TK…/PN…")``** works, through the package rather than the engine.
   For an import, the engine calls the provider's ``Read`` with the id only: no inputs, no state
   (``ImportStep.Apply`` in pkg/resource/deploy/step.go). The SDK's dynamic provider host
   (``pulumi/dynamic/__main__.py``) needs ``__provider`` (the pickled provider) from the inputs or
   the state to know which provider to run, so it fails with ``KeyError: '__provider'`` before any of
   our code runs (pulumi/pulumi#16175; its fallback to inputs only helps ``ResourceOptions(id=…)``
   reads, for which the engine does send the inputs). ``TrunkPhoneNumberAssociation`` therefore takes
   ``import_`` off the options it hands to the engine and passes the id to its provider instead, whose
   create then adopts exactly that binding and never binds: it fails when the number is not on that
   trunk, or when the id does not match the declared ``trunk_sid`` and number. The preview shows
   ``+ create`` rather than ``= import``. Once imported, ``import_`` can stay in the program or go.

3. **``pulumi import <type> <name> TK…/PN…``** does not work, for the same reason (the engine reads
   with the id only: ``KeyError: '__provider'``), and no package code runs in that path to work around
   it. Code generation would not work either: our language host has no ``GenerateProgram``.

4. **``pulumi import --file import.json --generate-code=false``** works when the file gives the
   resource's ``inputs`` *and* ``outputs``, each with ``__provider``: with outputs given the engine
   skips ``Read`` (v3.274.1 import files accept both). ``__provider`` is the base64 pickle of the
   provider class, the same for every binding; copy it from any binding in ``pulumi stack export``.
   The import trusts the file, so run ``pulumi refresh`` right after: it reads the binding from
   Twilio, fills in every output, and drops the resource if the binding does not exist. ``pulumi
   import`` marks the resource protected; the next ``up`` of a program that declares it without
   ``protect`` clears that.

5. **``pulumi.ResourceOptions(id="TK…/PN…")``** (a read, not an import) works as Pulumi defines it:
   the engine sends the inputs with the read, so the host finds ``__provider``. The binding becomes
   an *external* resource: its outputs come from Twilio, and ``destroy`` leaves it bound.
"""

from __future__ import annotations

import json

from pulumi.dynamic.dynamic import serialize_provider

from pulumi_twilio_trunking.provider import TrunkPhoneNumberAssociationProvider
from tests.e2e.conftest import (
    BINDING_TYPE,
    BINDINGS_PROGRAM,
    ProjectFactory,
    TwilioApi,
    bindings_with,
    numbers,
)
from twilio_trunking_emulator.jsontypes import RequestLogEntryJson

IMPORT_PROGRAM = """
import pulumi
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

config = pulumi.Config()
line = TrunkPhoneNumberAssociation(
    "main-line",
    trunk_sid=config.require("trunk"),
    phone_number=config.require("number"),
    opts=pulumi.ResourceOptions(import_=config.get("import")),
)
pulumi.export("sid", line.phone_number_sid)
"""

SID_PROGRAM = """
import pulumi
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

config = pulumi.Config()
line = TrunkPhoneNumberAssociation(
    "main-line", trunk_sid=config.require("trunk"), phone_number_sid=config.require("number_sid")
)
pulumi.export("sid", line.phone_number_sid)
"""


READ_PROGRAM = """
import pulumi
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

config = pulumi.Config()
line = TrunkPhoneNumberAssociation(
    "main-line",
    trunk_sid=config.require("trunk"),
    phone_number_sid=config.require("number_sid"),
    opts=pulumi.ResourceOptions(id=config.require("id")),
)
pulumi.export("name", line.friendly_name)
"""


def _posts(project_log: list[RequestLogEntryJson]) -> list[str]:
    return [e["path"] for e in project_log if e["method"] == "POST"]


def test_declaring_an_existing_binding_is_refused_unless_adopted(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(2)
    existing, _ = declared
    seeded = project.seed(declared)
    trunk = seeded.trunks[0]
    twilio_api.bind(trunk, seeded.numbers[existing])
    project.configure()
    project.declare(trunk, declared)

    refused = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert f"is already bound to trunk {trunk}, not by this resource" in " ".join(output.split())
    assert "TWILIO_TRUNKING_ADOPT_EXISTING=true" in output

    # The one-off switch (as in the recovery recipe) adopts it, visibly.
    project.emulator.control.clear_requests()
    adopted = project.pulumi.run(
        "up", "--yes", "--skip-preview", env={"TWILIO_TRUNKING_ADOPT_EXISTING": "true"}
    )
    assert f"twilio-trunking: adopted existing binding {trunk}/{seeded.numbers[existing]}" in adopted.stdout
    project.assert_converged(seeded, trunk, declared)
    # No POST: the other number was bound by the refused run; the existing binding was adopted.
    assert _posts(project.emulator.control.requests()["requests"]) == []
    assert sorted(twilio_api.trunk_numbers(trunk)) == sorted(seeded.numbers.values())
    assert project.pulumi.outputs()["bindings"][existing] == {"sid": seeded.numbers[existing], "trunk": trunk}


def test_import_resource_option_adopts_exactly_that_binding(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(IMPORT_PROGRAM)
    bound, unbound = numbers(2)
    seeded = project.seed([bound, unbound], trunks=2)
    trunk, other_trunk = seeded.trunks
    twilio_api.bind(trunk, seeded.numbers[bound])
    project.configure()

    # An id that names a binding which does not exist: the import fails and binds nothing.
    project.pulumi.set_config_values(
        {"trunk": trunk, "number": unbound, "import": f"{trunk}/{seeded.numbers[unbound]}"}
    )
    failed = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    assert failed.returncode != 0
    message = " ".join((failed.stdout + failed.stderr).split())
    assert f"is not bound to trunk {trunk}" in message, message
    assert project.bound()[seeded.numbers[unbound]] is None

    # An id that names an existing binding, but not the declared one, fails too.
    twilio_api.bind(other_trunk, seeded.numbers[unbound])
    project.pulumi.set_config_values({"number": bound, "import": f"{other_trunk}/{seeded.numbers[unbound]}"})
    mismatch = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    assert mismatch.returncode != 0
    assert "does not match the declared trunk_sid" in " ".join((mismatch.stdout + mismatch.stderr).split())

    # The right id: adopted, no POST.
    project.pulumi.set_config_values({"import": f"{trunk}/{seeded.numbers[bound]}"})
    project.emulator.control.clear_requests()
    project.pulumi.run("up", "--yes", "--skip-preview")
    assert _posts(project.emulator.control.requests()["requests"]) == []
    (resource,) = project.bindings_in_state().values()
    assert resource["id"] == f"{trunk}/{seeded.numbers[bound]}"
    assert resource["outputs"]["phone_number"] == bound
    assert project.pulumi.outputs() == {"sid": seeded.numbers[bound]}

    # Dropping `import_` afterwards (as Pulumi recommends) changes nothing.
    project.pulumi.run("config", "rm", "import")
    project.pulumi.run("preview", "--expect-no-changes")
    project.pulumi.run("destroy", "--yes", "--skip-preview")
    assert project.bound()[seeded.numbers[bound]] is None


def test_pulumi_import_command(make_project: ProjectFactory, twilio_api: TwilioApi) -> None:
    project = make_project(SID_PROGRAM)
    trunk, number, number_sid = project.seed_one()
    twilio_api.bind(trunk, number_sid)
    project.configure()
    project.pulumi.set_config_values({"trunk": trunk, "number_sid": number_sid})
    binding_id = f"{trunk}/{number_sid}"

    # The plain command cannot work with a dynamic provider: the engine reads with the id only.
    plain = project.pulumi.run("import", BINDING_TYPE, "main-line", binding_id, "--yes", check=False)
    assert plain.returncode != 0
    assert "KeyError: '__provider'" in plain.stdout + plain.stderr
    assert project.bindings_in_state() == {}

    # An import file with inputs and outputs (both with __provider) works.
    blob = serialize_provider(TrunkPhoneNumberAssociationProvider())
    inputs = {"trunk_sid": trunk, "phone_number_sid": number_sid, "__provider": blob}
    outputs = {**inputs, "sid": number_sid, "__number_key": "phone_number_sid"}
    import_file = project.pulumi.work_dir / "import.json"
    import_file.write_text(
        json.dumps(
            {
                "resources": [
                    {
                        "type": BINDING_TYPE,
                        "name": "main-line",
                        "id": binding_id,
                        "inputs": inputs,
                        "outputs": outputs,
                    }
                ]
            }
        )
    )
    project.emulator.control.clear_requests()
    project.pulumi.run("import", "--file", str(import_file), "--generate-code=false", "--yes")
    (resource,) = project.bindings_in_state().values()
    assert resource["id"] == binding_id and resource["protect"] is True

    # refresh fills in the outputs from Twilio; the program that declares it then changes nothing.
    project.pulumi.run("refresh", "--yes", "--skip-preview")
    (resource,) = project.bindings_in_state().values()
    assert resource["outputs"]["phone_number"] == number
    assert resource["outputs"]["account_sid"] == project.emulator.auth[0]
    up = project.pulumi.run("up", "--yes", "--skip-preview")
    assert bindings_with(up.stdout, "created") == set(), up.stdout
    assert project.pulumi.outputs() == {"sid": number_sid}
    assert _posts(project.emulator.control.requests()["requests"]) == []
    (resource,) = project.bindings_in_state().values()
    assert not resource.get("protect")
    assert project.bound() == {number_sid: trunk}


def test_reading_an_existing_binding_with_the_id_option(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(READ_PROGRAM)
    trunk, _, number_sid = project.seed_one()
    twilio_api.bind(trunk, number_sid)
    project.configure()
    project.pulumi.set_config_values(
        {"trunk": trunk, "number_sid": number_sid, "id": f"{trunk}/{number_sid}"}
    )

    project.emulator.control.clear_requests()
    project.pulumi.run("up", "--yes", "--skip-preview")
    (resource,) = project.bindings_in_state().values()
    assert resource["external"] is True and resource["id"] == f"{trunk}/{number_sid}"
    assert project.pulumi.outputs() == {"name": "(415) 555-0000"}
    assert _posts(project.emulator.control.requests()["requests"]) == []

    project.pulumi.run("destroy", "--yes", "--skip-preview")
    assert project.bound() == {number_sid: trunk}  # read, never owned: destroy leaves it alone
