"""``twilio-trunking discover --language yaml`` end to end: the real CLI, the YAML language host built
from Go modules (``make pulumi``) and the provider plugin from this checkout's virtualenv.

From the account: discover -> ``pulumi stack init`` -> ``pulumi up`` (every binding imported, no POST
or DELETE) -> ``up --expect-no-changes`` -> ``destroy`` (refused: protected; nothing unbound). From a
Terraform state (both providers) the same, plus the handover script. A stack a Python project made
moves to the YAML one without a write. Requests are counted with the emulator's request log.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_twilio_trunking.generated_files import MANIFEST
from pulumi_twilio_trunking.properties import PLUGIN_ASSOCIATION_TYPE
from pulumi_twilio_trunking.testing.pulumi_cli import LocalPulumi
from tests.discovery.terraform_fixtures import community_binding, twilio_binding
from tests.e2e.conftest import BINDING_TYPE, VENV
from tests.e2e.test_discover import discover, methods, twilio_env
from tests.missing_tool import missing_tool
from twilio_trunking_emulator import EmulatorProcess

ASSOCIATION = PLUGIN_ASSOCIATION_TYPE
PROVIDER = "pulumi:providers:twilio-trunking"


@pytest.fixture(autouse=True)
def _yaml_host(pulumi_bin: str) -> None:
    if not (Path(pulumi_bin).parent / "pulumi-language-yaml").exists() and not shutil.which(
        "pulumi-language-yaml"
    ):
        missing_tool("the YAML language host is needed (run `make pulumi`)")


def bound_numbers(emulator: EmulatorProcess) -> dict[str, dict[str, Any]]:
    """PN SID -> the emulator's number, for every number on a trunk."""
    return {n["sid"]: n for n in emulator.control.state()["phone_numbers"] if n["trunk_sid"]}


def trunk_of_each(emulator: EmulatorProcess) -> dict[str, str | None]:
    return {n["sid"]: n["trunk_sid"] for n in emulator.control.state()["phone_numbers"]}


def in_state(pulumi: LocalPulumi) -> dict[str, dict[str, Any]]:
    """The plugin's bindings in the stack's state, by resource name."""
    return {r["urn"].rsplit("::", 1)[1]: r for r in pulumi.resources(ASSOCIATION)}


def recorded(pulumi: LocalPulumi) -> dict[str, Any]:
    """What the state records of each binding: id, protection, outputs and inputs."""
    return {
        name: (r["id"], r.get("protect"), r["outputs"], r["inputs"]) for name, r in in_state(pulumi).items()
    }


def writes(emulator: EmulatorProcess) -> Counter[str]:
    counts = methods(emulator)
    return Counter({m: counts[m] for m in ("POST", "DELETE") if counts[m]})


def project_for(out: Path, tmp_path: Path, pulumi_bin: str, emulator: EmulatorProcess) -> LocalPulumi:
    pulumi = LocalPulumi(out, tmp_path / "pulumi", pulumi_bin)
    pulumi.extra_env.update(twilio_env(emulator))  # the plugin falls back to TWILIO_*, as the provider does
    return pulumi


def test_discover_yaml_then_up_imports_every_binding_without_a_write(
    tmp_path: Path, pulumi_bin: str, emulator_process: EmulatorProcess
) -> None:
    emulator = emulator_process
    emulator.control.generate(10, 2, [3, 4])  # 7 bindings on two trunks, 3 numbers on no trunk
    before = trunk_of_each(emulator)
    bound = bound_numbers(emulator)
    assert len(bound) == 7

    out = tmp_path / "twilio-bindings"
    emulator.control.clear_requests()
    result = discover(emulator, "--language", "yaml", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert set(methods(emulator)) == {"GET"}
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "Pulumi.yaml"]
    program = yaml.safe_load((out / "Pulumi.yaml").read_text())
    assert program["plugins"]["providers"] == [{"name": "twilio-trunking", "path": str(VENV / "bin")}]
    assert {name: r["properties"]["phoneNumber"] for name, r in program["resources"].items()} == {
        f"tpn-{sid.lower()}": n["phone_number"] for sid, n in bound.items()
    }

    pulumi = project_for(out, tmp_path, pulumi_bin, emulator)
    pulumi.run("stack", "init", "prod")
    emulator.control.clear_requests()
    up = pulumi.run("up", "--yes")
    assert writes(emulator) == Counter(), up.stdout
    adopted = in_state(pulumi)
    assert {name: r["id"] for name, r in adopted.items()} == {f"tpn-{sid.lower()}": sid for sid in bound}
    assert {r["id"]: r["outputs"]["trunkSid"] for r in adopted.values()} == {
        sid: n["trunk_sid"] for sid, n in bound.items()
    }
    assert all(r.get("protect") for r in adopted.values())
    assert "7 imported" in up.stdout and "updated" not in up.stdout, up.stdout
    (provider,) = pulumi.resources(PROVIDER)
    assert float(provider["inputs"]["snapshotTtl"]) == 300  # Pulumi.yaml's config reached the plugin

    # A second `up` (which fails on any change) leaves every binding as the first one recorded it.
    settled = recorded(pulumi)
    emulator.control.clear_requests()
    pulumi.run("up", "--yes", "--expect-no-changes")
    assert writes(emulator) == Counter()
    assert recorded(pulumi) == settled

    # Destroy is refused: every binding is protected, so nothing is unbound and the state stays.
    emulator.control.clear_requests()
    destroy = pulumi.run("destroy", "--yes", "--skip-preview", check=False)
    assert destroy.returncode != 0
    assert "protected" in destroy.stdout + destroy.stderr
    assert writes(emulator) == Counter()
    assert trunk_of_each(emulator) == before
    assert recorded(pulumi) == settled


def test_discover_yaml_from_terraform_imports_without_a_write_and_writes_the_handover(
    tmp_path: Path, pulumi_bin: str, emulator_process: EmulatorProcess
) -> None:
    emulator = emulator_process
    generated = emulator.control.generate(8, 2, [3, 3])
    trunks = sorted(t["sid"] for t in generated["trunks"])
    before = trunk_of_each(emulator)
    bound = bound_numbers(emulator)
    # The first trunk's bindings under Twilio's provider (no E.164 number: declared by SID), the
    # second's under the community provider in a module (declared by number).
    first = [n for n in bound.values() if n["trunk_sid"] == trunks[0]]
    second = [n for n in bound.values() if n["trunk_sid"] == trunks[1]]
    resources = [
        twilio_binding(
            f"twilio_trunking_trunks_phone_numbers_v1.lines[{i}]", "lines", n["trunk_sid"], n["sid"], i
        )
        for i, n in enumerate(first)
    ]
    community = [
        community_binding(
            f'module.sip.twilio_sip_trunking_phone_number.n["{n["phone_number"]}"]',
            "n",
            n["trunk_sid"],
            n["sid"],
            n["phone_number"],
            n["phone_number"],
        )
        for n in second
    ]
    state = {
        "format_version": "1.0",
        "values": {
            "root_module": {
                "resources": resources,
                "child_modules": [{"address": "module.sip", "resources": community}],
            }
        },
    }
    state_file = tmp_path / "terraform-state.json"
    state_file.write_text(json.dumps(state))

    out = tmp_path / "twilio-bindings"
    emulator.control.clear_requests()
    result = discover(emulator, "--language", "yaml", "--from-terraform", str(state_file), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert emulator.control.requests()["requests"] == []  # the state only: no Twilio request
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "Pulumi.yaml", "terraform-handover.sh"]
    handover = (out / "terraform-handover.sh").read_text()
    assert handover.count("terraform state rm ") == len(bound)
    declared = yaml.safe_load((out / "Pulumi.yaml").read_text())["resources"]
    assert {name: sorted(r["properties"]) for name, r in declared.items()} == {
        **{f"tpn-{n['sid'].lower()}": ["phoneNumberSid", "trunkSid"] for n in first},
        **{f"tpn-{n['sid'].lower()}": ["phoneNumber", "trunkSid"] for n in second},
    }

    pulumi = project_for(out, tmp_path, pulumi_bin, emulator)
    pulumi.run("stack", "init", "prod")
    emulator.control.clear_requests()
    up = pulumi.run("up", "--yes")
    assert writes(emulator) == Counter(), up.stdout
    assert {r["id"]: r["outputs"]["trunkSid"] for r in in_state(pulumi).values()} == {
        sid: n["trunk_sid"] for sid, n in bound.items()
    }
    settled = recorded(pulumi)
    emulator.control.clear_requests()
    pulumi.run("up", "--yes", "--expect-no-changes")
    assert writes(emulator) == Counter()
    assert recorded(pulumi) == settled
    assert trunk_of_each(emulator) == before


def test_a_stack_a_python_project_made_moves_to_the_yaml_program_without_a_write(
    tmp_path: Path, pulumi_bin: str, emulator_process: EmulatorProcess
) -> None:
    emulator = emulator_process
    emulator.control.generate(6, 2, [2, 3])
    before = trunk_of_each(emulator)
    bound = bound_numbers(emulator)
    out = tmp_path / "twilio-bindings"
    assert discover(emulator, "--out", str(out)).returncode == 0
    pulumi = project_for(out, tmp_path, pulumi_bin, emulator)
    pulumi.run("stack", "init", "prod")
    pulumi.run("up", "--yes")
    assert len(pulumi.resources(BINDING_TYPE)) == len(bound)

    # The same folder, now in YAML: the Python program and its data go (this command wrote them).
    result = discover(emulator, "--language", "yaml", "--out", str(out), "--force")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "Pulumi.prod.yaml", "Pulumi.yaml"]

    # An `up` now would delete the dynamic bindings, which are protected: refused, nothing unbound.
    emulator.control.clear_requests()
    refused = pulumi.run("preview", check=False)
    assert refused.returncode != 0 and "protected" in refused.stdout + refused.stderr
    # Forget them (state only: no provider is called), then the plugin imports each binding.
    pulumi.run("state", "delete", "--all", "--force", "--yes")
    up = pulumi.run("up", "--yes")
    assert writes(emulator) == Counter(), up.stdout
    assert pulumi.resources(BINDING_TYPE) == []
    assert {r["id"] for r in in_state(pulumi).values()} == set(bound)
    pulumi.run("up", "--yes", "--expect-no-changes")
    assert writes(emulator) == Counter()
    assert trunk_of_each(emulator) == before
