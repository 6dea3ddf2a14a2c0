"""A Python program through the provider plugin and its typed SDK (``pulumi_twilio_trunking.plugin``),
through the real CLI: bind, move in place, refresh, a read-only ``get``, ``pulumi import`` with
generated Python code, destroy."""

from __future__ import annotations

import subprocess

from tests.e2e.conftest import VENV, Project, ProjectFactory, numbers

ASSOCIATION = "twilio-trunking:index:TrunkPhoneNumberAssociation"

TYPED = """
import pulumi
import pulumi_twilio_trunking.plugin as twilio_trunking

config = pulumi.Config()
line = twilio_trunking.TrunkPhoneNumberAssociation(
    "line",
    trunk_sid=config.require("trunk"),
    phone_number=config.require("number"),
    opts=pulumi.ResourceOptions(protect=True),
)
pulumi.export("sid", line.phone_number_sid)
pulumi.export("trunk", line.trunk_sid)
pulumi.export("ownership", line.ownership)
"""

REFERENCE = """
import pulumi
import pulumi_twilio_trunking.plugin as twilio_trunking

shared = twilio_trunking.TrunkPhoneNumberAssociation.get("shared", pulumi.Config().require("sid"))
pulumi.export("number", shared.phone_number)
pulumi.export("trunk", shared.trunk_sid)
"""


def _plugin_project(make_project: ProjectFactory, program: str, name: str = "e2e") -> Project:
    project = make_project(program, name=name)
    pulumi_yaml = project.pulumi.project_dir / "Pulumi.yaml"
    pulumi_yaml.write_text(
        pulumi_yaml.read_text()
        + f"plugins:\n  providers:\n    - name: twilio-trunking\n      path: {VENV / 'bin'}\n"
    )
    return project


def _configure(project: Project, stack: str = "dev") -> None:
    project.pulumi.select_stack(stack)
    account, token = project.emulator.auth
    project.pulumi.set_config_values(
        {"twilio-trunking:accountSid": account, "twilio-trunking:authToken": token},
        secret={"twilio-trunking:authToken"},
    )
    project.pulumi.extra_env["TWILIO_API_BASE_URL"] = project.emulator.base_url


def _text(result: subprocess.CompletedProcess[str]) -> str:
    return " ".join((result.stdout + result.stderr).split())


def test_a_typed_python_program_binds_moves_and_refreshes_through_the_plugin(
    make_project: ProjectFactory,
) -> None:
    project = _plugin_project(make_project, TYPED)
    (number,) = numbers(1)
    seeded = project.seed([number], trunks=2)
    main, backup = seeded.trunks
    sid = seeded.numbers[number]
    _configure(project)
    project.pulumi.set_config_values({"trunk": main, "number": number})
    project.pulumi.run("up", "--yes", "--skip-preview")
    assert project.pulumi.outputs() == {"sid": sid, "trunk": main, "ownership": "created"}
    assert project.bound() == {sid: main}

    # Another stack references it read-only through the SDK's get.
    user = _plugin_project(make_project, REFERENCE, name="user")
    _configure(user, stack="user")
    user.pulumi.set_config_values({"sid": sid})
    user.pulumi.run("up", "--yes", "--skip-preview")
    assert user.pulumi.outputs() == {"number": number, "trunk": main}
    user.pulumi.run("destroy", "--yes", "--skip-preview")
    assert project.bound() == {sid: main}

    project.pulumi.set_config_values({"trunk": backup})
    moved = project.pulumi.run("up", "--yes", "--skip-preview")
    assert "twilio-trunking: moved" in _text(moved) and project.bound() == {sid: backup}
    assert project.pulumi.outputs()["ownership"] == "moved"
    project.pulumi.run("refresh", "--yes", "--skip-preview")
    assert project.pulumi.run("preview", "--expect-no-changes").returncode == 0


def test_pulumi_import_generates_python_code_for_the_plugins_sdk(make_project: ProjectFactory) -> None:
    project = _plugin_project(make_project, "import pulumi\n")
    (number,) = numbers(1)
    seeded = project.seed([number])
    trunk, sid = seeded.trunks[0], seeded.numbers[number]
    project.emulator.control.seed({"phone_numbers": [{"phone_number": number, "trunk_sid": trunk}]})
    _configure(project)
    project.emulator.control.clear_requests()
    imported = project.pulumi.run("import", ASSOCIATION, "line", sid, "--yes")
    assert [e for e in project.emulator.control.requests()["requests"] if e["method"] != "GET"] == []
    code = imported.stdout
    assert "import pulumi_twilio_trunking.plugin as twilio_trunking" in code, code
    assert 'twilio_trunking.TrunkPhoneNumberAssociation("line"' in code, code
    assert f'trunk_sid="{trunk}"' in code

    # Pasted as the CLI says (after its own import line), the program changes nothing.
    generated = code[code.index("import pulumi") :]
    project.write_program(generated)
    assert project.pulumi.run("preview", "--expect-no-changes").returncode == 0, generated
