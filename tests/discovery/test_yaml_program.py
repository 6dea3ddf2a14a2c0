"""``discover --language yaml``: the YAML program over the provider plugin; switching languages in one DIR."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_twilio_trunking.cli import discover as discover_command
from pulumi_twilio_trunking.cli import main
from pulumi_twilio_trunking.discovery import (
    DiscoveredBinding,
    DiscoveredValueError,
    DiscoveryOutputError,
    ProjectEntry,
    TerraformStateError,
    assign_names,
    parse_terraform_state,
    render_project,
    write_project,
)
from pulumi_twilio_trunking.discovery.output import LANGUAGES, yaml_string
from pulumi_twilio_trunking.discovery.python_program import DATA_FILE
from pulumi_twilio_trunking.discovery.writer import HANDOVER_FILE
from pulumi_twilio_trunking.discovery.yaml_program import PLUGIN_EXECUTABLE
from pulumi_twilio_trunking.generated_files import MANIFEST, digest
from tests.discovery.terraform_fixtures import (
    PN_1,
    PN_2,
    PN_3,
    PN_4,
    TRUNK_A,
    TRUNK_B,
    community_binding,
    show_json,
    twilio_binding,
)

VENV = Path("/opt/venv")
ASSOCIATION = "twilio-trunking:index:TrunkPhoneNumberAssociation"
BINDINGS = [
    DiscoveredBinding(TRUNK_B, PN_2, "+14155550102"),
    DiscoveredBinding(TRUNK_A, PN_1, "+14155550101"),
    DiscoveredBinding(TRUNK_A, PN_3, "+442071838750"),
    DiscoveredBinding(TRUNK_B, PN_4),  # from Twilio's Terraform provider: no E.164 number
]


def rendered(bindings: list[DiscoveredBinding], **options: Any) -> str:
    project = render_project(assign_names(bindings), virtualenv=VENV, language="yaml", **options)
    return project.files["Pulumi.yaml"]


def program(bindings: list[DiscoveredBinding], **options: Any) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(rendered(bindings, **options))
    return document


def test_the_yaml_project_references_the_plugin_and_sets_the_snapshot_ttl() -> None:
    document = program(BINDINGS, project_name="my-bindings")
    assert document["name"] == "my-bindings"
    assert document["description"] == "4 existing Twilio trunk phone-number bindings, adopted"
    assert document["runtime"] == "yaml"
    assert document["plugins"] == {"providers": [{"name": "twilio-trunking", "path": str(VENV / "bin")}]}
    assert document["config"] == {"twilio-trunking:snapshotTtl": {"value": 300}}
    assert set(document) == {"name", "description", "runtime", "plugins", "config", "resources"}


def test_one_imported_protected_resource_per_binding_named_as_in_the_python_project() -> None:
    resources = program(BINDINGS)["resources"]
    python = json.loads(
        render_project(assign_names(BINDINGS), virtualenv=VENV, language="python").files[DATA_FILE]
    )
    assert list(resources) == [entry["name"] for entry in python["bindings"]]  # same names, same order
    assert list(resources) == [f"tpn-{pn.lower()}" for pn in (PN_1, PN_2, PN_3, PN_4)]
    assert resources[f"tpn-{PN_1.lower()}"] == {
        "type": ASSOCIATION,
        "properties": {"trunkSid": TRUNK_A, "phoneNumber": "+14155550101"},
        "options": {"import": f"{TRUNK_A}/{PN_1}", "protect": True},
    }
    # A binding whose source knew no E.164 number is declared by its SID.
    assert resources[f"tpn-{PN_4.lower()}"] == {
        "type": ASSOCIATION,
        "properties": {"trunkSid": TRUNK_B, "phoneNumberSid": PN_4},
        "options": {"import": f"{TRUNK_B}/{PN_4}", "protect": True},
    }
    for resource in resources.values():
        assert set(resource["options"]) == {"import", "protect"}  # no aliases: pulumi-yaml takes only URNs
    # The Python project of the same bindings does alias older names; the YAML one has none to keep.
    assert python["bindings"][0]["aliases"] == ["tpn-14155550101"]


def test_every_number_and_sid_is_a_quoted_string() -> None:
    text = rendered(BINDINGS)
    values = re.findall(r"^\s+(?:trunkSid|phoneNumber|phoneNumberSid|import): (.*)$", text, re.MULTILINE)
    assert len(values) == 12
    assert all(re.fullmatch(r'"[A-Za-z0-9+/]+"', value) for value in values), values
    assert 'phoneNumber: "+442071838750"' in text
    assert not re.search(r":\s*\+\d", text)  # an unquoted +… would be read as a number


def test_an_account_with_no_binding_is_an_empty_program() -> None:
    document = program([])
    assert document["resources"] == {}
    assert document["description"].startswith("0 existing")


def test_a_number_on_two_trunks_cannot_be_two_plugin_resources() -> None:
    # Only a stale Terraform state can say so; the Python project declares both (one import fails).
    stale = [DiscoveredBinding(TRUNK_A, PN_1, "+14155550101"), DiscoveredBinding(TRUNK_B, PN_1)]
    with pytest.raises(DiscoveredValueError, match=rf"binds phone number {PN_1} to 2 trunks \({TRUNK_A}, "):
        rendered(stale)
    assert len(render_project(assign_names(stale), virtualenv=VENV).files) == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone_number", '+14155550101"\n    evil: true'),
        ("phone_number", "+1415555010${secret}"),
        ("phone_number", "+14155550101 # comment"),
        ("phone_number", "14155550101"),
        ("phone_number_sid", PN_1 + "\n  injected:"),
        ("phone_number_sid", 'PN" : {'),
        ("trunk_sid", TRUNK_A + '"'),
        ("trunk_sid", "${pulumi.stack}"),
    ],
)
def test_hostile_values_are_refused_before_anything_is_rendered(field: str, value: str) -> None:
    values = {"trunk_sid": TRUNK_A, "phone_number_sid": PN_1, "phone_number": "+14155550101", field: value}
    with pytest.raises(DiscoveredValueError, match=f"a binding's {field} must be"):
        DiscoveredBinding(**values)


def test_a_resource_name_is_checked_before_it_is_written_as_a_plain_key() -> None:
    entry = ProjectEntry("tpn-x:\n  evil: true", BINDINGS[0])
    with pytest.raises(ValueError, match="not a resource name discover gives"):
        render_project([entry], virtualenv=VENV, language="yaml")


def test_hostile_values_in_a_terraform_state_never_reach_the_program() -> None:
    hostile = community_binding(
        "twilio_sip_trunking_phone_number.x", "x", TRUNK_A, PN_1, '+1"\nresources: {}', None
    )
    with pytest.raises(TerraformStateError, match=r"`phone_number` should look like an E\.164 number"):
        parse_terraform_state({"format_version": "1.0", "values": {"root_module": {"resources": [hostile]}}})


@pytest.mark.parametrize(
    "text",
    [
        'a "quoted" \\ back\\slash',
        "line\nbreak\r\ttab",
        "# not a comment",
        "key: value, [flow], {map}, &anchor *alias !tag",
        "${pulumi.stack} $${escaped}",
        "émis, ça, 東京",
        "emoji 😀 and U+2028\u2028 U+FEFF\ufeff NEL\x85 DEL\x7f NUL\x00",
        "",
        "'single'",
        "---",
    ],
)
def test_a_yaml_string_reads_back_as_exactly_the_text(text: str) -> None:
    quoted = yaml_string(text)
    assert "\n" not in quoted
    assert yaml.safe_load(f"value: {quoted}\nnext: 1\n") == {"value": text, "next": 1}


def test_a_hostile_project_name_and_virtualenv_path_stay_strings() -> None:
    # The command checks --project-name; the path is whatever the user's virtualenv is called.
    venv = Path('/tmp/x"\n  evil: true\n# ${pulumi.stack}')
    name = 'p"\nruntime: python'
    project = render_project(assign_names(BINDINGS[:1]), virtualenv=venv, project_name=name, language="yaml")
    document = yaml.safe_load(project.files["Pulumi.yaml"])
    assert document["name"] == name and document["runtime"] == "yaml"
    assert document["plugins"]["providers"] == [{"name": "twilio-trunking", "path": str(venv / "bin")}]
    assert "evil" not in document


def test_a_virtualenv_path_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(DiscoveryOutputError, match=r"not valid UTF-8.*--virtualenv"):
        render_project(assign_names(BINDINGS), virtualenv=Path("/opt/v\udce9nv"), language="yaml")


def test_the_command_offers_the_languages_discover_writes() -> None:
    assert discover_command.LANGUAGES == LANGUAGES == ("python", "yaml")


def tree(out: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(out.iterdir())}


def test_a_rerun_in_the_other_language_removes_only_the_files_the_first_wrote(tmp_path: Path) -> None:
    out = tmp_path / "project"
    entries = assign_names(BINDINGS)
    write_project(out, render_project(entries, virtualenv=VENV))
    (out / "notes.txt").write_text("mine")
    (out / "__pycache__").mkdir()  # Python wrote it when the program ran

    yaml_project = render_project(entries, virtualenv=VENV, language="yaml")
    changed = write_project(out, yaml_project, force=True)
    assert sorted(p.name for p in changed) == ["Pulumi.yaml", "__main__.py", DATA_FILE]
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "Pulumi.yaml", "__pycache__", "notes.txt"]
    assert json.loads((out / MANIFEST).read_text())["files"] == {
        "Pulumi.yaml": digest(yaml_project.files["Pulumi.yaml"])
    }
    assert write_project(out, yaml_project, force=True) == []  # a rerun rewrites nothing

    # Back to Python: Pulumi.yaml rewritten, the program and its data written again.
    changed = write_project(out, render_project(entries, virtualenv=VENV), force=True)
    assert sorted(p.name for p in changed) == ["Pulumi.yaml", "__main__.py", DATA_FILE]
    assert yaml.safe_load((out / "Pulumi.yaml").read_text())["runtime"]["name"] == "python"
    assert (out / "notes.txt").read_text() == "mine"


def test_a_program_edited_since_it_was_written_is_left_when_the_language_changes(tmp_path: Path) -> None:
    out = tmp_path / "project"
    entries = assign_names(BINDINGS)
    write_project(out, render_project(entries, virtualenv=VENV))
    (out / "__main__.py").write_text("# my own changes\n")
    write_project(out, render_project(entries, virtualenv=VENV, language="yaml"), force=True)
    assert (out / "__main__.py").read_text() == "# my own changes\n"
    assert not (out / DATA_FILE).exists()
    assert yaml.safe_load((out / "Pulumi.yaml").read_text())["runtime"] == "yaml"


def test_a_yaml_project_from_terraform_has_the_handover_script(tmp_path: Path) -> None:
    out = tmp_path / "project"
    project = render_project(
        assign_names(BINDINGS), virtualenv=VENV, terraform_addresses=["b.x[1]", "a.y"], language="yaml"
    )
    write_project(out, project)
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "Pulumi.yaml", HANDOVER_FILE]
    assert (out / HANDOVER_FILE).stat().st_mode & 0o111
    assert (out / HANDOVER_FILE).read_text().splitlines()[-2:] == [
        "terraform state rm a.y",
        "terraform state rm 'b.x[1]'",
    ]
    assert "read from a Terraform state" in (out / "Pulumi.yaml").read_text()
    # From the account later: the script this command wrote goes.
    write_project(out, render_project(assign_names(BINDINGS), virtualenv=VENV, language="yaml"), force=True)
    assert not (out / HANDOVER_FILE).exists()
    assert "read from the Twilio account" in (out / "Pulumi.yaml").read_text()


def test_the_command_writes_yaml_from_terraform_and_says_when_the_plugin_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps(show_json()))
    out = tmp_path / "out"
    venv = tmp_path / "venv"
    args = ["discover", "--from-terraform", str(state), "--language", "yaml", "--out", str(out)]
    assert main([*args, "--virtualenv", str(venv)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "Pulumi.yaml", HANDOVER_FILE]
    document = yaml.safe_load((out / "Pulumi.yaml").read_text())
    assert document["name"] == "out"
    assert document["plugins"]["providers"][0]["path"] == str(venv / "bin")
    assert len(document["resources"]) == 4
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"twilio-trunking discover: 4 bindings on 2 trunks written to {out} (yaml)"
    assert err[1] == (
        f"twilio-trunking discover: {venv / 'bin' / PLUGIN_EXECUTABLE} does not exist yet: install "
        f"pulumi-twilio-trunking into {venv} (or pass --virtualenv) before `pulumi up`"
    )
    # This checkout's virtualenv has the plugin: no such line.
    assert main([*args, "--force", "--virtualenv", sys.prefix, "--project-name", "mine"]) == 0
    assert not any("does not exist" in line for line in capsys.readouterr().err.splitlines())
    assert yaml.safe_load((out / "Pulumi.yaml").read_text())["name"] == "mine"


def test_an_unknown_language_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["discover", "--language", "go", "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    assert "argument --language: invalid choice: 'go'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_both_terraform_providers_give_the_yaml_program_the_same_names() -> None:
    twilio = parse_terraform_state(
        {"values": {"root_module": {"resources": [twilio_binding("t.a", "a", TRUNK_A, PN_1)]}}}
    )
    community = parse_terraform_state(
        {
            "values": {
                "root_module": {"resources": [community_binding("c.a", "a", TRUNK_A, PN_1, "+14155550101")]}
            }
        }
    )
    from_twilio = program([t.binding for t in twilio])["resources"]
    from_community = program([c.binding for c in community])["resources"]
    assert list(from_twilio) == list(from_community) == [f"tpn-{PN_1.lower()}"]
    assert from_twilio[f"tpn-{PN_1.lower()}"]["options"] == from_community[f"tpn-{PN_1.lower()}"]["options"]
