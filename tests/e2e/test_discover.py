"""``twilio-trunking discover`` end to end: an account of 1,000+ bindings into a stack in one ``up``.

discover -> ``pulumi up`` (no POST or DELETE, a few list requests per trunk, every binding in
state) -> ``pulumi up`` again (no changes) -> ``pulumi destroy`` (refused: every binding is
protected; nothing unbound). Requests are counted with the emulator's request log.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

from pulumi_twilio_trunking.properties import IMPORT_ID, PLUGIN_ASSOCIATION_TYPE
from pulumi_twilio_trunking.testing.pulumi_cli import LocalPulumi
from tests.discovery.terraform_fixtures import community_binding, twilio_binding
from tests.e2e.conftest import BINDING_TYPE, TOKEN, VENV, bindings_with
from twilio_trunking_emulator import EmulatorProcess

ROOT = Path(__file__).resolve().parents[2]
README_SECTION = "## Bring an existing account under a stack"

TRUNKS = 3
PER_TRUNK = (334, 333, 340)  # 1,007 bindings
UNBOUND = 25  # numbers on no trunk: discover must leave them out
PAGE_SIZE = 1000
# The file backend rewrites the whole state (~3.5 MB here: each binding carries the pickled dynamic
# provider) after every step unless checkpoints are skipped; then it writes the state once, when the
# run ends. That is engine bookkeeping, not provider behaviour: the provider sees the same calls
# either way, and the assertions read the state the backend holds afterwards (the ups take ~15 s
# each instead of minutes).
NO_CHECKPOINTS = {"PULUMI_SKIP_CHECKPOINTS": "true"}


def twilio_env(emulator: EmulatorProcess) -> dict[str, str]:
    return {
        "TWILIO_ACCOUNT_SID": emulator.auth[0],
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_API_BASE_URL": emulator.base_url,
    }


def discover(emulator: EmulatorProcess, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
    env.update(twilio_env(emulator))
    return subprocess.run(
        [str(VENV / "bin" / "twilio-trunking"), "discover", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def methods(emulator: EmulatorProcess) -> Counter[str]:
    return Counter(entry["method"] for entry in emulator.control.requests()["requests"])


def recorded(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """What the state records of each binding, by URN, apart from the one-off import request.

    The program passes ``__import_id`` on every run; the provider only honours it on the first, and
    the second ``up`` records the inputs without it (its steps are "same": no provider write).
    """
    return {
        r["urn"]: (
            r["id"],
            r.get("protect"),
            r["outputs"],
            {k: v for k, v in r["inputs"].items() if k != IMPORT_ID},
        )
        for r in resources
    }


def test_discover_then_up_adopts_1000_bindings_without_a_write(
    tmp_path: Path, pulumi_bin: str, emulator_process: EmulatorProcess
) -> None:
    control = emulator_process.control
    generated = control.generate(sum(PER_TRUNK) + UNBOUND, TRUNKS, list(PER_TRUNK))
    trunks = {trunk["sid"] for trunk in generated["trunks"]}
    before = {n["sid"]: n["trunk_sid"] for n in control.state()["phone_numbers"]}
    bound = {sid: trunk for sid, trunk in before.items() if trunk}
    assert len(bound) == sum(PER_TRUNK)

    out = tmp_path / "discovered"
    control.clear_requests()
    started = time.monotonic()
    result = discover(emulator_process, "--out", str(out))
    discover_seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    discover_requests = control.requests()["requests"]
    assert {e["method"] for e in discover_requests} == {"GET"}
    # One list of trunks, then one page per trunk (each holds fewer than 1,000 numbers... or two).
    pages = sum(-(-count // PAGE_SIZE) for count in PER_TRUNK)
    assert len(discover_requests) == 1 + pages

    # The same run again: identical bytes, so a clean diff.
    data = json.loads((out / "bindings.json").read_text())
    assert {b["trunk_sid"] for b in data["bindings"]} == trunks
    assert [b["name"] for b in data["bindings"]] == sorted(b["name"] for b in data["bindings"])
    snapshot = {p.name: p.read_bytes() for p in out.iterdir()}
    assert discover(emulator_process, "--out", str(out), "--force").returncode == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == snapshot

    pulumi = LocalPulumi(out, tmp_path / "pulumi", pulumi_bin)
    pulumi.extra_env.update(twilio_env(emulator_process))
    pulumi.select_stack("e2e")

    control.clear_requests()
    started = time.monotonic()
    up = pulumi.run("up", "--yes", "--skip-preview", env=NO_CHECKPOINTS)
    up_seconds = time.monotonic() - started
    log = control.requests()["requests"]
    counts = Counter(e["method"] for e in log)
    assert counts["POST"] == 0 and counts["DELETE"] == 0, counts
    # Per trunk: the first read of a wave asks Twilio directly (one GET), then one list snapshot
    # (a page per 1,000), plus a reload per snapshot TTL that the wave outlasts; nothing per binding.
    budget = 2 * TRUNKS + pages + 10
    assert len(log) <= budget, (len(log), Counter(e["route"] for e in log))
    # The state the backend holds after the run (written once at the end, see NO_CHECKPOINTS).
    adopted = pulumi.resources(BINDING_TYPE)
    assert sorted(r["id"] for r in adopted) == sorted(f"{t}/{n}" for n, t in bound.items())
    assert all(r.get("protect") for r in adopted)
    assert len(bindings_with(up.stdout, "created")) == len(bound)

    # A second `up` (which fails on any change) leaves every binding as the first one recorded it.
    control.clear_requests()
    started = time.monotonic()
    again = pulumi.run("up", "--yes", "--skip-preview", "--expect-no-changes", env=NO_CHECKPOINTS)
    again_seconds = time.monotonic() - started
    again_counts = methods(emulator_process)
    assert again_counts["POST"] == 0 and again_counts["DELETE"] == 0, again_counts
    assert again_counts.total() <= budget, again_counts
    assert bindings_with(again.stdout, "created") == set()
    unchanged = rf"^\s*{len(bound) + 1} unchanged\s*$"  # the bindings and the stack
    assert re.search(unchanged, again.stdout, flags=re.MULTILINE), again.stdout[-2000:]
    settled = pulumi.resources(BINDING_TYPE)
    assert recorded(settled) == recorded(adopted)

    # Destroy is refused: every binding is protected, so no delete runs and the state (written at
    # the end of the run) is left as it was. With checkpoints, saving the state after each of the
    # 1,008 refused steps alone takes minutes.
    control.clear_requests()
    started = time.monotonic()
    destroy = pulumi.run("destroy", "--yes", "--skip-preview", check=False, env=NO_CHECKPOINTS)
    destroy_seconds = time.monotonic() - started
    assert destroy.returncode != 0
    assert "protected" in destroy.stdout + destroy.stderr
    destroy_counts = methods(emulator_process)
    assert destroy_counts["DELETE"] == 0 and destroy_counts["POST"] == 0, destroy_counts
    assert {n["sid"]: n["trunk_sid"] for n in control.state()["phone_numbers"]} == before
    assert pulumi.resources(BINDING_TYPE) == settled  # the state is untouched

    print(
        f"\n{len(bound)} bindings on {TRUNKS} trunks: discover {discover_seconds:.1f}s "
        f"({len(discover_requests)} requests); first up {up_seconds:.1f}s ({len(log)} requests: "
        f"{dict(counts)}); second up {again_seconds:.1f}s ({again_counts.total()} requests); "
        f"destroy {destroy_seconds:.1f}s (refused)"
    )


def readme_blocks() -> list[str]:
    """The ``sh`` blocks of the README's discovery section, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(README_SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)


def test_readme_commands_run_as_written(
    tmp_path: Path, pulumi_bin: str, emulator_process: EmulatorProcess
) -> None:
    account_block, terraform_block, yaml_block = readme_blocks()
    assert account_block.splitlines()[0] == "twilio-trunking discover --out twilio-bindings"
    assert "twilio-trunking discover --from-terraform terraform-state.json --out twilio-bindings" in (
        terraform_block
    )
    assert yaml_block.splitlines()[0] == "twilio-trunking discover --language yaml --out twilio-bindings"
    control = emulator_process.control
    generated = control.generate(12, 3, [4, 3, 2])
    trunks = sorted(t["sid"] for t in generated["trunks"])
    numbers = control.state()["phone_numbers"]
    bound = {n["sid"]: n for n in numbers if n["trunk_sid"]}

    # A stand-in `terraform`: `show -json` prints a state that manages the bindings of the first two
    # trunks (one provider each); `state rm` records its addresses.
    first = [n for n in bound.values() if n["trunk_sid"] == trunks[0]]
    second = [n for n in bound.values() if n["trunk_sid"] == trunks[1]]
    state = {
        "format_version": "1.0",
        "values": {
            "root_module": {
                "resources": [
                    twilio_binding(
                        f"twilio_trunking_trunks_phone_numbers_v1.lines[{i}]",
                        "lines",
                        n["trunk_sid"],
                        n["sid"],
                        i,
                    )
                    for i, n in enumerate(first)
                ],
                "child_modules": [
                    {
                        "address": "module.sip",
                        "resources": [
                            community_binding(
                                f'module.sip.twilio_sip_trunking_phone_number.n["{n["phone_number"]}"]',
                                "n",
                                n["trunk_sid"],
                                n["sid"],
                                n["phone_number"],
                                n["phone_number"],
                            )
                            for n in second
                        ],
                    }
                ],
            }
        },
    }
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    (tmp_path / "state.json").write_text(json.dumps(state))
    removed = tmp_path / "removed.txt"
    terraform = fake_bin / "terraform"
    terraform.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = show ]; then cat {tmp_path / "state.json"}; exit 0; fi\n'
        f'if [ "$1 $2" = "state rm" ]; then shift 2; printf "%s\\n" "$@" >> {removed}; exit 0; fi\n'
        "exit 1\n"
    )
    terraform.chmod(0o755)

    (tmp_path / "pulumi" / "state").mkdir(parents=True)
    env = LocalPulumi(tmp_path, tmp_path / "pulumi", pulumi_bin).env()
    env.update(twilio_env(emulator_process))
    env["PATH"] = os.pathsep.join(
        [str(fake_bin), str(VENV / "bin"), str(Path(pulumi_bin).parent), env["PATH"]]
    )
    for name, block, expected, binding_type in (
        ("account", account_block, set(bound), BINDING_TYPE),
        ("terraform", terraform_block, {n["sid"] for n in first + second}, BINDING_TYPE),
        ("yaml", yaml_block, set(bound), PLUGIN_ASSOCIATION_TYPE),
    ):
        work = tmp_path / name
        work.mkdir()
        control.clear_requests()
        result = subprocess.run(
            ["bash", "-e", "-x", "-c", block], cwd=work, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert methods(emulator_process)["POST"] == 0 and methods(emulator_process)["DELETE"] == 0
        pulumi = LocalPulumi(work / "twilio-bindings", tmp_path / "pulumi", pulumi_bin)
        pulumi.run("stack", "select", "prod")
        assert {r["id"].rsplit("/", 1)[-1] for r in pulumi.resources(binding_type)} == expected
        # Later blocks start from a clean backend: drop this stack (unprotect first: all protected).
        pulumi.run("state", "unprotect", "--all", "--yes")
        pulumi.run("stack", "rm", "--force", "--yes", "prod")
    assert sorted(removed.read_text().splitlines()) == sorted(
        [f"twilio_trunking_trunks_phone_numbers_v1.lines[{i}]" for i in range(len(first))]
        + [f'module.sip.twilio_sip_trunking_phone_number.n["{n["phone_number"]}"]' for n in second]
    )
    assert {n["sid"]: n["trunk_sid"] for n in control.state()["phone_numbers"] if n["trunk_sid"]} == {
        sid: n["trunk_sid"] for sid, n in bound.items()
    }


def terraform_state_of(bindings: dict[str, str]) -> dict[str, Any]:
    """A ``terraform show -json`` document managing ``bindings`` (PN SID -> trunk) with Twilio's provider."""
    resources = [
        twilio_binding(f"twilio_trunking_trunks_phone_numbers_v1.lines[{i}]", "lines", trunk, sid, i)
        for i, (sid, trunk) in enumerate(sorted(bindings.items()))
    ]
    return {"format_version": "1.0", "values": {"root_module": {"resources": resources}}}


def binding_names(pulumi: LocalPulumi) -> dict[str, str]:
    """Resource name -> id of every binding in the stack's state."""
    return {r["urn"].rsplit("::", 1)[1]: r["id"] for r in pulumi.resources(BINDING_TYPE)}


def test_rediscovering_from_the_account_after_terraform_is_a_clean_diff(
    tmp_path: Path, pulumi_bin: str, emulator_process: EmulatorProcess
) -> None:
    emulator = emulator_process
    control = emulator.control
    control.generate(8, 2, [3, 3])
    before = {n["sid"]: n["trunk_sid"] for n in control.state()["phone_numbers"]}
    bound = {sid: trunk for sid, trunk in before.items() if trunk}
    state = tmp_path / "terraform-state.json"
    state.write_text(json.dumps(terraform_state_of(bound)))
    out = tmp_path / "twilio-bindings"

    # From Twilio's Terraform provider (which records no E.164 number), then up.
    result = discover(emulator, "--from-terraform", str(state), "--out", str(out))
    assert result.returncode == 0, result.stderr
    pulumi = LocalPulumi(out, tmp_path / "pulumi", pulumi_bin)
    pulumi.extra_env.update(twilio_env(emulator))
    pulumi.select_stack("prod")
    pulumi.run("up", "--yes", "--skip-preview")
    adopted = binding_names(pulumi)
    assert adopted == {f"tpn-{sid.lower()}": f"{trunk}/{sid}" for sid, trunk in bound.items()}

    # Later, from the account, into the same folder: the same names, so nothing to do.
    result = discover(emulator, "--out", str(out), "--force")
    assert result.returncode == 0, result.stderr
    assert not (out / "terraform-handover.sh").exists()  # ours, and no longer part of the project
    data = json.loads((out / "bindings.json").read_text())
    assert data["source"] == "account" and all(b["phone_number"] for b in data["bindings"])
    control.clear_requests()
    pulumi.run("preview", "--expect-no-changes", "--diff")
    up = pulumi.run("up", "--yes", "--skip-preview", "--expect-no-changes")
    assert bindings_with(up.stdout, "deleted") == set() and bindings_with(up.stdout, "created") == set()
    counts = methods(emulator)
    assert counts["DELETE"] == 0 and counts["POST"] == 0, counts
    assert {n["sid"]: n["trunk_sid"] for n in control.state()["phone_numbers"]} == before
    assert binding_names(pulumi) == adopted


def test_a_stack_made_by_an_older_discover_sees_no_rename(
    tmp_path: Path, pulumi_bin: str, emulator_process: EmulatorProcess
) -> None:
    emulator = emulator_process
    control = emulator.control
    control.generate(4, 1, [3])
    numbers = {n["sid"]: n for n in control.state()["phone_numbers"] if n["trunk_sid"]}

    # What `discover` wrote before this version: bindings named after their E.164 number.
    old = tmp_path / "old"
    assert discover(emulator, "--out", str(old), "--project-name", "twilio-bindings").returncode == 0
    data = json.loads((old / "bindings.json").read_text())
    for entry in data["bindings"]:
        (entry["name"],) = entry["aliases"]
        entry["aliases"] = []
    (old / "bindings.json").write_text(json.dumps(data))
    pulumi = LocalPulumi(old, tmp_path / "pulumi", pulumi_bin)
    pulumi.extra_env.update(twilio_env(emulator))
    pulumi.select_stack("prod")
    pulumi.run("up", "--yes", "--skip-preview")
    assert set(binding_names(pulumi)) == {f"tpn-{n['phone_number'].lstrip('+')}" for n in numbers.values()}

    # This version's project for the same stack: renamed through its aliases, nothing else.
    new = tmp_path / "new"
    assert discover(emulator, "--out", str(new), "--project-name", "twilio-bindings").returncode == 0
    renamed = LocalPulumi(new, tmp_path / "pulumi", pulumi_bin)
    renamed.extra_env.update(twilio_env(emulator))
    renamed.run("stack", "select", "prod")
    control.clear_requests()
    up = renamed.run("up", "--yes", "--skip-preview")
    assert bindings_with(up.stdout, "deleted") == set() and bindings_with(up.stdout, "created") == set()
    counts = methods(emulator)
    assert counts["DELETE"] == 0 and counts["POST"] == 0, counts
    assert binding_names(renamed) == {
        f"tpn-{sid.lower()}": f"{n['trunk_sid']}/{sid}" for sid, n in numbers.items()
    }
    assert {n["sid"] for n in control.state()["phone_numbers"] if n["trunk_sid"]} == set(numbers)
