"""One owner per binding, through the real engine: twins refused, opt-ins, removal never unbinds a
number another declaration holds, and errors that reach `pulumi up` as one clear line."""

from __future__ import annotations

from tests.e2e.conftest import ProjectFactory, TwilioApi, bindings_with

TWINS_PROGRAM = """
import pulumi
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

config = pulumi.Config()
trunk, number, sid = config.require("trunk"), config.require("number"), config.require("sid")
a = TrunkPhoneNumberAssociation("twinA", trunk_sid=trunk, phone_number=number)
if config.get_bool("twin"):
    adopt = config.get_bool("adopt")
    TrunkPhoneNumberAssociation("twinB", trunk_sid=trunk, phone_number_sid=sid, adopt=adopt)
"""


def test_twins_in_one_stack_never_share_a_binding(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(TWINS_PROGRAM)
    trunk, number, sid = project.seed_one()
    project.configure()
    project.pulumi.set_config_values({"trunk": trunk, "number": number, "sid": sid, "twin": "false"})
    project.pulumi.run("up", "--yes", "--skip-preview")

    # A twin of twinA (by PN SID), even with adopt=True: twinA still declares it, so it is refused.
    project.pulumi.set_config_values({"adopt": "true", "twin": "true"})
    up = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    assert up.returncode != 0
    assert len(project.bindings_in_state()) == 1
    assert project.bound() == {sid: trunk}
    # One short traceback per failed resource (two progress lines + the diagnostics), no chained ones.
    assert "During handling" not in up.stdout and up.stdout.count("Traceback") <= 3

    # Removing the twin's declaration leaves the live binding alone.
    project.pulumi.set_config_values({"twin": "false"})
    project.pulumi.run("up", "--yes", "--skip-preview")
    assert project.bound() == {sid: trunk}
    assert set(project.bindings_in_state()) == {"twinA"}
    assert "twinA" in " ".join(up.stdout.split()) or "already held by another resource" in up.stdout


def test_a_second_stack_is_refused_and_may_adopt_explicitly(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(TWINS_PROGRAM)
    trunk, number, sid = project.seed_one()
    for stack in ("staging", "prod"):
        project.configure(stack=stack)
        project.pulumi.set_config_values({"trunk": trunk, "number": number, "sid": sid})
    project.pulumi.select_stack("staging")
    project.pulumi.run("up", "--yes", "--skip-preview")
    project.pulumi.select_stack("prod")
    refused = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    assert refused.returncode != 0
    assert f"already bound to trunk {trunk}, not by this resource" in " ".join(refused.stdout.split())
    assert project.bindings_in_state() == {}
    # prod's destroy has nothing to unbind: staging's number stays.
    project.pulumi.run("destroy", "--yes", "--skip-preview")
    assert project.bound() == {sid: trunk}
    assert bindings_with(refused.stdout, "created") == set()


def test_credential_bearing_base_url_from_env_is_one_clear_line(make_project: ProjectFactory) -> None:
    project = make_project(TWINS_PROGRAM)
    trunk, number, sid = project.seed_one()
    project.configure()
    project.pulumi.set_config_values({"trunk": trunk, "number": number, "sid": sid})
    project.pulumi.extra_env["TWILIO_API_BASE_URL"] = "htp://admin:s3cr3t@127.0.0.1:8765"
    up = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    output = up.stdout + up.stderr
    assert up.returncode != 0
    assert "s3cr3t" not in output and "admin" not in output
    assert "environment variable TWILIO_API_BASE_URL" in output
    assert "twilio:apiBaseUrl must" not in output
