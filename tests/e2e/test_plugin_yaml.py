"""The provider plugin from a YAML program, through the real CLI and the YAML language host built from
Go modules (``make pulumi``): create by E.164 and by SID, refresh, the move of a protected binding,
``pulumi import``, an exclusive trunk's strays, explicit providers for two accounts, and destroy."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import VENV, Project, ProjectFactory, numbers
from tests.missing_tool import missing_tool
from twilio_trunking_emulator import run_emulator_process

ASSOCIATION = "twilio-trunking:index:TrunkPhoneNumberAssociation"
EXCLUSIVE = "twilio-trunking:index:ExclusiveTrunk"


@pytest.fixture(autouse=True)
def _yaml_host(pulumi_bin: str) -> None:
    if not (Path(pulumi_bin).parent / "pulumi-language-yaml").exists() and not shutil.which(
        "pulumi-language-yaml"
    ):
        missing_tool("the YAML language host is needed (run `make pulumi`)")


def yaml_program(project: Project, resources: str, *, config: str = "", outputs: str = "") -> None:
    """Make the project a YAML one that loads the plugin from this checkout's virtualenv."""
    (project.pulumi.project_dir / "__main__.py").unlink(missing_ok=True)
    text = f"""\
name: {project.pulumi.project_dir.name}
runtime: yaml
plugins:
  providers:
    - name: twilio-trunking
      path: {VENV / "bin"}
"""
    for heading, body in (("config", config), ("resources", resources), ("outputs", outputs)):
        if body:
            text += f"{heading}:\n{textwrap.indent(textwrap.dedent(body).strip(), '  ')}\n"
    (project.pulumi.project_dir / "Pulumi.yaml").write_text(text)


def _configure(project: Project) -> None:
    """Point the plugin's default provider at the emulator through its own stack config."""
    project.pulumi.select_stack("dev")
    account, token = project.emulator.auth
    project.pulumi.set_config_values(
        {
            "twilio-trunking:accountSid": account,
            "twilio-trunking:authToken": token,
            "twilio-trunking:apiBaseUrl": project.emulator.base_url,
        },
        secret={"twilio-trunking:authToken"},
    )


def _text(result: subprocess.CompletedProcess[str]) -> str:
    return " ".join((result.stdout + result.stderr).split())


def _resources(project: Project, type_: str) -> dict[str, dict[str, Any]]:
    return {r["urn"].rsplit("::", 1)[1]: r for r in project.pulumi.resources(type_)}


def test_a_yaml_program_binds_moves_a_protected_binding_refreshes_and_destroys(
    make_project: ProjectFactory,
) -> None:
    project = make_project("")
    one, two = numbers(2)
    seeded = project.seed([one, two], trunks=2)
    main, backup = seeded.trunks
    _configure(project)
    project.pulumi.set_config_values({"trunk": main, "sid": seeded.numbers[two]})
    yaml_program(
        project,
        f"""
        byNumber:
          type: {ASSOCIATION}
          properties:
            trunkSid: ${{trunk}}
            phoneNumber: "{one}"
          options:
            protect: true
        bySid:
          type: {ASSOCIATION}
          properties:
            trunkSid: ${{trunk}}
            phoneNumberSid: ${{sid}}
        """,
        outputs="""
        numberSid: ${byNumber.phoneNumberSid}
        ownership: ${byNumber.ownership}
        """,
    )
    up = project.pulumi.run("up", "--yes", "--skip-preview")
    assert project.bound() == {seeded.numbers[one]: main, seeded.numbers[two]: main}, up.stdout
    in_state = _resources(project, ASSOCIATION)
    assert {name: r["id"] for name, r in in_state.items()} == {
        "byNumber": seeded.numbers[one],
        "bySid": seeded.numbers[two],
    }
    assert project.pulumi.outputs() == {"numberSid": seeded.numbers[one], "ownership": "created"}

    # No pickle and no stack config beyond the provider's own keys in state; the token stays a secret.
    state = json.dumps(project.pulumi.export_state())
    assert "__provider" not in state and project.emulator.auth[1] not in state
    (provider,) = project.pulumi.resources("pulumi:providers:twilio-trunking")
    assert set(provider["inputs"]) <= {"accountSid", "authToken", "apiBaseUrl", "version"}
    assert "trunk" not in json.dumps(provider["inputs"])

    # Fail over: the protected binding moves to the backup trunk in place, never replaced.
    project.pulumi.set_config_values({"trunk": backup})
    project.emulator.control.clear_requests()
    up = project.pulumi.run("up", "--yes", "--skip-preview")
    text = _text(up)
    assert "replace" not in up.stdout and "2 updated" in text, up.stdout
    assert f"twilio-trunking: moved {one} ({seeded.numbers[one]}) from trunk {main} to {backup}" in text
    assert project.bound() == {seeded.numbers[one]: backup, seeded.numbers[two]: backup}
    assert project.pulumi.outputs()["ownership"] == "moved"
    assert project.pulumi.run("preview", "--expect-no-changes").returncode == 0

    # Out of band, a number goes back to the main trunk: refresh sees it there, up moves it back.
    project.emulator.control.seed({"phone_numbers": [{"phone_number": two, "trunk_sid": main}]})
    project.pulumi.run("refresh", "--yes", "--skip-preview")
    assert _resources(project, ASSOCIATION)["bySid"]["outputs"]["trunkSid"] == main
    project.pulumi.run("up", "--yes", "--skip-preview")
    assert project.bound()[seeded.numbers[two]] == backup

    # destroy: the protected binding is refused by the engine, the other unbound with a line.
    destroyed = project.pulumi.run("destroy", "--yes", "--skip-preview", check=False)
    assert destroyed.returncode != 0 and "protected" in _text(destroyed)
    assert project.bound()[seeded.numbers[one]] == backup
    assert project.bound()[seeded.numbers[two]] is None
    assert f"twilio-trunking: unbound {two} ({seeded.numbers[two]}) from trunk {backup}" in _text(destroyed)


def test_pulumi_import_brings_a_binding_in_with_no_write_and_generates_yaml(
    make_project: ProjectFactory,
) -> None:
    project = make_project("")
    (number,) = numbers(1)
    seeded = project.seed([number])
    trunk, sid = seeded.trunks[0], seeded.numbers[number]
    project.emulator.control.seed({"phone_numbers": [{"phone_number": number, "trunk_sid": trunk}]})
    _configure(project)
    yaml_program(project, "", outputs="done: true")
    project.emulator.control.clear_requests()
    imported = project.pulumi.run("import", ASSOCIATION, "line", sid, "--yes")
    writes = [e for e in project.emulator.control.requests()["requests"] if e["method"] != "GET"]
    assert writes == [] and project.bound() == {sid: trunk}
    assert f"type: {ASSOCIATION.replace(':index:', ':')}" in imported.stdout, imported.stdout
    assert f"trunkSid: {trunk}" in imported.stdout
    assert _resources(project, ASSOCIATION)["line"]["id"] == sid

    # The generated code, pasted into the program as the CLI says: nothing to change.
    yaml_program(
        project,
        f"""
        line:
          type: {ASSOCIATION}
          properties:
            trunkSid: {trunk}
            phoneNumber: "{number}"
          options:
            protect: true
        """,
    )
    assert project.pulumi.run("preview", "--expect-no-changes").returncode == 0


def test_an_exclusive_trunk_in_yaml_records_strays_then_unbinds_them(make_project: ProjectFactory) -> None:
    project = make_project("")
    declared, stray = numbers(2)
    seeded = project.seed([declared, stray])
    trunk = seeded.trunks[0]
    project.emulator.control.seed({"phone_numbers": [{"phone_number": stray, "trunk_sid": trunk}]})
    _configure(project)
    project.pulumi.set_config_values({"trunk": trunk})
    yaml_program(
        project,
        f"""
        line:
          type: {ASSOCIATION}
          properties:
            trunkSid: ${{trunk}}
            phoneNumber: "{declared}"
        exact:
          type: {EXCLUSIVE}
          properties:
            trunkSid: ${{trunk}}
            associatedPhoneNumberSids:
              - ${{line.phoneNumberSid}}
        """,
        outputs="""
        strays: ${exact.strayPhoneNumberSids}
        unbound: ${exact.unboundPhoneNumberSids}
        """,
    )
    first = project.pulumi.run("up", "--yes", "--skip-preview")
    assert "recorded as strays and left bound" in _text(first), first.stdout
    assert project.pulumi.outputs() == {"strays": [seeded.numbers[stray]], "unbound": []}
    assert project.bound()[seeded.numbers[stray]] == trunk
    second = project.pulumi.run("up", "--yes", "--skip-preview")
    assert f"twilio-trunking: unbound {stray} ({seeded.numbers[stray]}) from trunk {trunk}" in _text(second)
    assert project.pulumi.outputs() == {"strays": [], "unbound": [seeded.numbers[stray]]}
    assert project.bound() == {seeded.numbers[declared]: trunk, seeded.numbers[stray]: None}


def test_explicit_providers_bind_in_two_accounts_from_one_program(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    project = make_project("")
    (number,) = numbers(1)
    first = project.seed([number])
    with run_emulator_process(
        account_sid="AC" + "2" * 32, auth_token="second-token-55", db_path=tmp_path / "second.db"
    ) as second_account:
        seeded = second_account.control.seed(
            {"trunks": [{"friendly_name": "other"}], "phone_numbers": [{"phone_number": number}]}
        )
        project.pulumi.select_stack("dev")
        project.pulumi.set_config_values(
            {"secondToken": "second-token-55", "firstToken": project.emulator.auth[1]},
            secret={"secondToken", "firstToken"},
        )
        yaml_program(
            project,
            f"""
            first:
              type: pulumi:providers:twilio-trunking
              properties:
                accountSid: {project.emulator.auth[0]}
                authToken: ${{firstToken}}
                apiBaseUrl: {project.emulator.base_url}
            second:
              type: pulumi:providers:twilio-trunking
              properties:
                accountSid: {second_account.auth[0]}
                authToken: ${{secondToken}}
                apiBaseUrl: {second_account.base_url}
            lineInFirst:
              type: {ASSOCIATION}
              properties:
                trunkSid: {first.trunks[0]}
                phoneNumber: "{number}"
              options:
                provider: ${{first}}
            lineInSecond:
              type: {ASSOCIATION}
              properties:
                trunkSid: {seeded["trunks"][0]["sid"]}
                phoneNumber: "{number}"
              options:
                provider: ${{second}}
            """,
            config="""
            firstToken:
              type: string
              secret: true
            secondToken:
              type: string
              secret: true
            """,
        )
        project.pulumi.run("up", "--yes", "--skip-preview")
        assert project.bound() == {first.numbers[number]: first.trunks[0]}
        state = second_account.control.state()["phone_numbers"]
        assert [n["trunk_sid"] for n in state] == [seeded["trunks"][0]["sid"]]
        exported = json.dumps(project.pulumi.export_state())
        assert "second-token-55" not in exported and project.emulator.auth[1] not in exported
        project.pulumi.run("destroy", "--yes", "--skip-preview")
        assert second_account.control.state()["phone_numbers"][0]["trunk_sid"] is None


def test_pulumi_import_from_a_file_takes_several_bindings_with_no_write(make_project: ProjectFactory) -> None:
    project = make_project("")
    declared = numbers(2)
    seeded = project.seed(declared)
    trunk = seeded.trunks[0]
    project.emulator.control.seed(
        {"phone_numbers": [{"phone_number": n, "trunk_sid": trunk} for n in declared]}
    )
    _configure(project)
    yaml_program(project, "", outputs="done: true")
    import_file = project.pulumi.project_dir / "import.json"
    import_file.write_text(
        json.dumps(
            {
                "resources": [
                    {"type": ASSOCIATION, "name": f"line{index}", "id": seeded.numbers[number]}
                    for index, number in enumerate(declared)
                ]
            }
        )
    )
    project.emulator.control.clear_requests()
    project.pulumi.run("import", "--file", str(import_file), "--yes")
    assert [e for e in project.emulator.control.requests()["requests"] if e["method"] != "GET"] == []
    in_state = {name: r["id"] for name, r in _resources(project, ASSOCIATION).items()}
    assert in_state == {f"line{i}": seeded.numbers[n] for i, n in enumerate(declared)}
    assert project.bound() == {seeded.numbers[n]: trunk for n in declared}


def test_an_import_of_a_binding_that_has_moved_since_fails_and_writes_nothing(
    make_project: ProjectFactory,
) -> None:
    project = make_project("")
    (number,) = numbers(1)
    seeded = project.seed([number], trunks=2)
    seen_on, now_on = seeded.trunks
    sid = seeded.numbers[number]
    # discover saw it on the first trunk; someone moved it to the second one since.
    project.emulator.control.seed({"phone_numbers": [{"phone_number": number, "trunk_sid": now_on}]})
    _configure(project)
    yaml_program(
        project,
        f"""
        line:
          type: {ASSOCIATION}
          properties:
            trunkSid: {seen_on}
            phoneNumber: "{number}"
          options:
            import: {seen_on}/{sid}
        """,
    )
    project.emulator.control.clear_requests()
    up = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    assert up.returncode != 0
    assert [e for e in project.emulator.control.requests()["requests"] if e["method"] != "GET"] == []
    assert project.bound() == {sid: now_on}
    # The read finds no such binding, so the engine will not take it in (and says to drop the import).
    assert "importing failed" in up.stdout and "import" in _text(up).split("Diagnostics:")[1], up.stdout
