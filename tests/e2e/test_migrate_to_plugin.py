"""Moving a stack's bindings from the dynamic resource to the provider plugin's, as the README says:
with no write to Twilio and nothing unbound on the way.

1. ``retain_on_delete=True`` on the dynamic bindings, ``pulumi up``: only their state changes;
2. the plugin's own credentials (``twilio-trunking:*`` config, or the environment), and the same
   bindings declared as the plugin's resources with the ``import`` option (id: the PN SID)
   in place of the dynamic ones, ``pulumi up``: the plugin reads and imports them, and the engine
   drops the dynamic ones from the stack without calling their provider.
"""

from __future__ import annotations

import json

from tests.e2e.conftest import ProjectFactory, numbers

DYNAMIC = """
import pulumi
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

config = pulumi.Config()
for number in config.require_object("numbers"):
    TrunkPhoneNumberAssociation(
        f"line-{number.lstrip('+')}",
        trunk_sid=config.require("trunk"),
        phone_number=number,
        opts=pulumi.ResourceOptions(retain_on_delete=config.get_bool("retain") or False),
    )
"""

# The plugin's resources, declared without a generated SDK (any Python program can do this).
PLUGIN = """
import pulumi

config = pulumi.Config()
sids = config.require_object("sids")
for number in config.require_object("numbers"):
    pulumi.CustomResource(
        "twilio-trunking:index:TrunkPhoneNumberAssociation",
        f"line-{number.lstrip('+')}",
        {"trunkSid": config.require("trunk"), "phoneNumber": number, "phoneNumberSid": None},
        opts=pulumi.ResourceOptions(import_=sids[number]),
    )
"""


def test_moving_to_the_plugin_writes_nothing_to_twilio_and_unbinds_nothing(
    make_project: ProjectFactory,
) -> None:
    project = make_project(DYNAMIC)
    declared = numbers(3)
    seeded = project.prepare(declared)
    trunk = seeded.trunks[0]
    project.pulumi.run("up", "--yes", "--skip-preview")
    project.assert_converged(seeded, trunk, declared)

    project.emulator.control.clear_requests()
    project.pulumi.set_config_values({"retain": "true"})
    project.pulumi.run("up", "--yes", "--skip-preview")

    account, token = project.emulator.auth
    plugin_config = {"twilio-trunking:accountSid": account, "twilio-trunking:authToken": token}
    project.pulumi.set_config_values(plugin_config, secret={"twilio-trunking:authToken"})
    project.pulumi.set_config_values({"sids": json.dumps(seeded.numbers)})
    project.write_program(PLUGIN)
    up = project.pulumi.run("up", "--yes", "--skip-preview")
    writes = [e for e in project.emulator.control.requests()["requests"] if e["method"] in ("POST", "DELETE")]
    assert writes == [], up.stdout
    assert project.bound() == {seeded.numbers[n]: trunk for n in declared}
    assert project.bindings_in_state() == {}  # no dynamic binding left
    plugin = project.pulumi.resources("twilio-trunking:index:TrunkPhoneNumberAssociation")
    assert sorted(r["id"] for r in plugin) == sorted(seeded.numbers[n] for n in declared)
    assert project.pulumi.run("preview", "--expect-no-changes").returncode == 0
