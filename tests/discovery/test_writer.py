"""Names, the written project, and the rules about DIR: stable, idempotent, never touching others' files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pulumi_twilio_trunking.discovery import (
    DiscoveredBinding,
    DiscoveryOutputError,
    assign_names,
    render_project,
    write_project,
)
from pulumi_twilio_trunking.discovery.python_program import DATA_FILE
from pulumi_twilio_trunking.discovery.writer import HANDOVER_FILE
from pulumi_twilio_trunking.generated_files import MANIFEST, digest
from tests.discovery.terraform_fixtures import PN_1, PN_2, PN_3, PN_4, TRUNK_A, TRUNK_B

VENV = Path("/opt/venv")
BINDINGS = [
    DiscoveredBinding(TRUNK_B, PN_2, "+14155550102"),
    DiscoveredBinding(TRUNK_A, PN_1, "+14155550101"),
    DiscoveredBinding(TRUNK_A, PN_3, "+442071838750"),
]


def names(bindings: list[DiscoveredBinding]) -> dict[str, str]:
    return {entry.name: entry.binding.id for entry in assign_names(bindings)}


def test_names_come_from_the_number_sid_and_are_sorted() -> None:
    entries = assign_names(BINDINGS)
    assert [e.name for e in entries] == [f"tpn-{pn.lower()}" for pn in (PN_1, PN_2, PN_3)]
    assert [e.binding for e in entries] == [BINDINGS[1], BINDINGS[0], BINDINGS[2]]
    assert assign_names(reversed(BINDINGS)) == entries  # input order does not matter


def test_a_known_number_aliases_the_name_older_versions_gave() -> None:
    entries = assign_names(BINDINGS)
    assert [e.aliases for e in entries] == [("tpn-14155550101",), ("tpn-14155550102",), ("tpn-442071838750",)]
    assert assign_names([DiscoveredBinding(TRUNK_A, PN_4)])[0].aliases == ()  # the same name then


def test_every_source_gives_one_binding_the_same_name() -> None:
    account = assign_names([DiscoveredBinding(TRUNK_A, PN_1, "+14155550101")])
    twilio_terraform = assign_names([DiscoveredBinding(TRUNK_A, PN_1)])  # records no E.164 number
    assert account[0].name == twilio_terraform[0].name == f"tpn-{PN_1.lower()}"
    # Both sources at once (a state holding both resource types): one entry, keeping the number.
    (both,) = assign_names(
        [DiscoveredBinding(TRUNK_A, PN_1), DiscoveredBinding(TRUNK_A, PN_1, "+14155550101")]
    )
    assert both.binding.phone_number == "+14155550101"


def test_one_number_on_two_trunks_gets_each_trunk_in_its_name() -> None:
    # Only a stale Terraform state can say so (Twilio binds a number to one trunk at most).
    named = names([DiscoveredBinding(TRUNK_A, PN_1, "+19"), DiscoveredBinding(TRUNK_B, PN_1, "+19")])
    assert named == {
        f"tpn-{PN_1.lower()}-{TRUNK_A.lower()}": f"{TRUNK_A}/{PN_1}",
        f"tpn-{PN_1.lower()}-{TRUNK_B.lower()}": f"{TRUNK_B}/{PN_1}",
    }
    # A neighbour coming or going never renames another entry.
    assert (
        names([DiscoveredBinding(TRUNK_A, PN_1, "+19"), BINDINGS[0]])[f"tpn-{PN_2.lower()}"] == BINDINGS[0].id
    )
    # An exact duplicate is one binding.
    assert len(names([BINDINGS[0], BINDINGS[0]])) == 1


def test_aliases_keep_the_suffixes_older_versions_gave_to_a_shared_number() -> None:
    entries = assign_names(
        [DiscoveredBinding(TRUNK_A, PN_1, "+14155550101"), DiscoveredBinding(TRUNK_B, PN_2, "+14155550101")]
    )
    assert [e.aliases for e in entries] == [
        (f"tpn-14155550101-{PN_1[-8:]}",),
        (f"tpn-14155550101-{PN_2[-8:]}",),
    ]


def test_the_project_files(tmp_path: Path) -> None:
    out = tmp_path / "project"
    project = render_project(assign_names(BINDINGS), virtualenv=VENV, project_name="my-bindings")
    write_project(out, project)
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "Pulumi.yaml", "__main__.py", DATA_FILE]
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest == {
        "generated_by": "twilio-trunking discover",
        "files": {name: digest(text) for name, text in sorted(project.files.items())},
    }
    pulumi_yaml = yaml.safe_load((out / "Pulumi.yaml").read_text())
    assert pulumi_yaml["name"] == "my-bindings"
    assert pulumi_yaml["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": str(VENV)},
    }
    assert pulumi_yaml["config"] == {"twilio:snapshotTtl": {"value": "300"}}
    data = json.loads((out / DATA_FILE).read_text())
    assert data["source"] == "account"
    assert data["bindings"][0] == {
        "name": f"tpn-{PN_1.lower()}",
        "id": f"{TRUNK_A}/{PN_1}",
        "trunk_sid": TRUNK_A,
        "phone_number_sid": PN_1,
        "phone_number": "+14155550101",
        "aliases": ["tpn-14155550101"],
    }
    main_py = (out / "__main__.py").read_text()
    assert 'import_=entry["id"]' in main_py and "protect=True" in main_py
    assert 'aliases=[pulumi.Alias(name=alias) for alias in entry["aliases"]]' in main_py
    compile(main_py, "__main__.py", "exec")


def test_a_rerun_gives_identical_bytes_and_rewrites_nothing(tmp_path: Path) -> None:
    out = tmp_path / "project"
    write_project(out, render_project(assign_names(BINDINGS), virtualenv=VENV))
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    again = render_project(assign_names(list(reversed(BINDINGS))), virtualenv=VENV)
    assert write_project(out, again, force=True) == []
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()} == before


def test_a_non_empty_dir_needs_force_and_foreign_files_are_never_touched(tmp_path: Path) -> None:
    out = tmp_path / "project"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    project = render_project(assign_names(BINDINGS), virtualenv=VENV)
    with pytest.raises(DiscoveryOutputError, match="not empty; use --force"):
        write_project(out, project)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    write_project(out, project, force=True)
    assert (out / "notes.txt").read_text() == "mine"

    (out / "Pulumi.yaml").write_text("name: hand-written\n")
    with pytest.raises(DiscoveryOutputError, match=r"Pulumi\.yaml exists and was not written by"):
        write_project(out, project, force=True)
    assert (out / "Pulumi.yaml").read_text() == "name: hand-written\n"

    (out / "Pulumi.yaml").unlink()
    (out / DATA_FILE).write_text('{"bindings": []}\n')
    with pytest.raises(DiscoveryOutputError, match=r"bindings\.json exists and was not written by"):
        write_project(out, project, force=True)
    assert not (out / "Pulumi.yaml").exists()  # nothing is written when anything is refused


def test_the_terraform_project_has_an_executable_handover_script(tmp_path: Path) -> None:
    out = tmp_path / "project"
    project = render_project(
        assign_names(BINDINGS), virtualenv=VENV, terraform_addresses=["b.x[1]", 'a.y["k"]']
    )
    write_project(out, project)
    script = out / HANDOVER_FILE
    assert script.stat().st_mode & 0o111
    lines = script.read_text().splitlines()
    assert lines[-2:] == ["terraform state rm 'a.y[\"k\"]'", "terraform state rm 'b.x[1]'"]
    assert json.loads((out / DATA_FILE).read_text())["source"] == "terraform"


def test_a_rerun_from_the_account_drops_the_handover_script_it_wrote_before(tmp_path: Path) -> None:
    out = tmp_path / "project"
    write_project(out, render_project(assign_names(BINDINGS), virtualenv=VENV, terraform_addresses=["a.b"]))
    assert (out / HANDOVER_FILE).exists()
    changed = write_project(out, render_project(assign_names(BINDINGS), virtualenv=VENV), force=True)
    assert not (out / HANDOVER_FILE).exists()
    assert out / HANDOVER_FILE in changed
    assert json.loads((out / DATA_FILE).read_text())["source"] == "account"


def test_a_handover_script_edited_since_it_was_written_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "project"
    write_project(out, render_project(assign_names(BINDINGS), virtualenv=VENV, terraform_addresses=["a.b"]))
    (out / HANDOVER_FILE).write_text("#!/bin/sh\necho edited\n")
    changed = write_project(out, render_project(assign_names(BINDINGS), virtualenv=VENV), force=True)
    assert (out / HANDOVER_FILE).read_text() == "#!/bin/sh\necho edited\n"
    assert out / HANDOVER_FILE not in changed
    assert HANDOVER_FILE not in json.loads((out / MANIFEST).read_text())["files"]


def test_a_handover_script_someone_else_wrote_is_never_removed(tmp_path: Path) -> None:
    out = tmp_path / "project"
    out.mkdir()
    (out / HANDOVER_FILE).write_text("#!/bin/sh\necho mine\n")
    write_project(out, render_project(assign_names(BINDINGS), virtualenv=VENV), force=True)
    assert (out / HANDOVER_FILE).read_text() == "#!/bin/sh\necho mine\n"


def test_the_generated_program_is_mypy_strict_clean(tmp_path: Path) -> None:
    out = tmp_path / "project"
    write_project(out, render_project(assign_names(BINDINGS), virtualenv=VENV))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(out / "__main__.py")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
