"""up / second up / destroy of a small program through the real engine."""

from __future__ import annotations

from tests.e2e.conftest import ProjectFactory

PROGRAM = """
import pulumi
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

config = pulumi.Config()
binding = TrunkPhoneNumberAssociation(
    "main-line", trunk_sid=config.require("trunk"), phone_number=config.require("number")
)
pulumi.export("sid", binding.phone_number_sid)
pulumi.export("trunk", binding.trunk_sid)
"""


def test_up_binds_then_second_up_changes_nothing_then_destroy_unbinds(make_project: ProjectFactory) -> None:
    project = make_project(PROGRAM)
    control = project.emulator.control
    seeded = control.seed(
        {"trunks": [{"friendly_name": "t"}], "phone_numbers": [{"phone_number": "+14155550101"}]}
    )
    trunk, number = seeded["trunks"][0]["sid"], seeded["phone_numbers"][0]["sid"]
    project.configure()
    project.pulumi.set_config("trunk", trunk)
    project.pulumi.set_config("number", "+14155550101")

    project.pulumi.run("up", "--yes")
    assert project.pulumi.outputs() == {"sid": number, "trunk": trunk}
    assert [n["trunk_sid"] for n in control.state()["phone_numbers"]] == [trunk]

    second = project.pulumi.run("up", "--yes")
    assert "unchanged" in second.stdout and "created" not in second.stdout

    project.pulumi.run("destroy", "--yes")
    assert [n["trunk_sid"] for n in control.state()["phone_numbers"]] == [None]
