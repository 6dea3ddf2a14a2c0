"""The SDKs `make sdk` generates from sdk/schema.json: up to date (regenerating is a no-op), and each
compiles against its Pulumi SDK from its package registry (Python: imports and runs under mocks).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from tests.missing_tool import missing_tool
from tests.pulumi_runtime import pulumi_test
from tests.tooling.conftest import ROOT

pytestmark = pytest.mark.e2e

SCHEMA = ROOT / "sdk" / "schema.json"
GENERATED = ("provider/pulumi_twilio_trunking/plugin", "sdk/nodejs", "sdk/go")
CLI_VERSION = (ROOT / "tools" / "pulumi-cli" / "VERSION").read_text().strip()
# The build flags of the CLI (tools/pulumi-cli/ensure-pulumi.sh), so its Go build cache is reused.
GO_ENV = {"CGO_ENABLED": "0", "GOFLAGS": "-trimpath -tags=osusergo,grpcnotrace"}


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory, pulumi_bin: str, go_bin: str) -> Path:
    root = tmp_path_factory.mktemp("regenerated")
    run(
        "bash",
        ROOT / "tools" / "pulumi-cli" / "gen-sdks.sh",
        root,
        cwd=ROOT,
        env={"PULUMI": pulumi_bin, "GO": go_bin},
    )
    return root


@pytest.mark.parametrize("path", GENERATED)
def test_regenerating_changes_nothing(regenerated: Path, path: str) -> None:
    want, have = files(regenerated / path), files(ROOT / path)
    changed = sorted(n for n in want.keys() & have.keys() if want[n] != have[n])
    stale = {"missing": sorted(want.keys() - have.keys()), "extra": sorted(have.keys() - want.keys())}
    assert (changed, stale) == ([], {"missing": [], "extra": []}), f"{path} is stale: run `make sdk`"


def test_the_schema_is_the_one_the_plugin_prints(plugin_bin: Path, pulumi_bin: str, tmp_path: Path) -> None:
    env = {"PULUMI_HOME": str(tmp_path / "home"), "PULUMI_SKIP_UPDATE_CHECK": "true"}
    printed = run(pulumi_bin, "package", "get-schema", plugin_bin, cwd=tmp_path, env=env)
    assert json.loads(printed) == json.loads(SCHEMA.read_text()), "sdk/schema.json is stale: run `make sdk`"


@pytest.fixture(scope="module")
def node_modules() -> Path:
    if shutil.which("npm") is None:
        missing_tool("npm is needed to install typescript and @pulumi/pulumi for the TypeScript SDK check")
    out = run("bash", ROOT / "tools" / "sdk-check" / "ensure-node-modules.sh", cwd=ROOT)
    return Path(out.splitlines()[-1])


def test_the_typescript_sdk_type_checks_against_pulumi_from_npm(node_modules: Path, tmp_path: Path) -> None:
    sdk = tmp_path / "nodejs"
    shutil.copytree(ROOT / "sdk" / "nodejs", sdk)
    (sdk / "node_modules").symlink_to(node_modules)
    run(node_modules / ".bin" / "tsc", "--noEmit", "-p", sdk, cwd=sdk)

    wanted = json.loads((sdk / "package.json").read_text())["dependencies"]["@pulumi/pulumi"]
    installed = json.loads((node_modules / "@pulumi" / "pulumi" / "package.json").read_text())["version"]
    assert wanted.startswith("^"), wanted
    floor = tuple(int(x) for x in wanted[1:].split("."))
    assert floor[0] == int(installed.split(".")[0]) and tuple(int(x) for x in installed.split(".")) >= floor


def test_the_go_sdk_builds_against_the_pulumi_go_sdk(go_bin: str, tmp_path: Path) -> None:
    sdk = tmp_path / "go"
    shutil.copytree(ROOT / "sdk" / "go", sdk)
    # The generated go.mod names the oldest Pulumi Go SDK its code needs; the module proxy here
    # refuses one of that version's dependencies, so the check builds against the CLI's version.
    run(go_bin, "mod", "edit", f"-require=github.com/pulumi/pulumi/sdk/v3@v{CLI_VERSION}", cwd=sdk)
    run(go_bin, "mod", "tidy", cwd=sdk, env=GO_ENV)
    run(go_bin, "build", "./...", cwd=sdk, env=GO_ENV)
    run(go_bin, "vet", "./...", cwd=sdk, env=GO_ENV)


class Mocks(pulumi.runtime.Mocks):
    """Every resource comes back with its inputs plus what the provider would add."""

    def __init__(self) -> None:
        self.registered: list[tuple[str, str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered.append((args.typ, args.name, dict(args.inputs)))
        return f"{args.name}-id", {**args.inputs, "phoneNumberSid": "PN" + "1" * 32, "ownership": "created"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@pytest.fixture
def mocks() -> Iterator[Mocks]:
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, preview=False)
    yield mocks
    pulumi.runtime.settings.reset_options()


def test_the_python_sdk_is_a_subpackage_that_registers_typed_resources(mocks: Mocks) -> None:
    from pulumi_twilio_trunking import plugin as twilio_trunking

    seen: list[Any] = []

    @pulumi_test
    def program() -> pulumi.Output[None]:
        account = twilio_trunking.Provider("account", account_sid="AC1", auth_token="token")
        opts = pulumi.ResourceOptions(provider=account)
        binding = twilio_trunking.TrunkPhoneNumberAssociation(
            "line", trunk_sid="TK" + "a" * 32, phone_number="+14155550100", opts=opts
        )
        twilio_trunking.ExclusiveTrunk("trunk", trunk_sid=binding.trunk_sid, keep=["+14155550199"], opts=opts)
        return pulumi.Output.all(binding.phone_number_sid, binding.ownership).apply(seen.extend)

    program()
    assert seen == ["PN" + "1" * 32, "created"]
    kinds = {(typ, name) for typ, name, _ in mocks.registered}
    assert kinds == {
        ("pulumi:providers:twilio-trunking", "account"),
        ("twilio-trunking:index:TrunkPhoneNumberAssociation", "line"),
        ("twilio-trunking:index:ExclusiveTrunk", "trunk"),
    }
    line = next(inputs for typ, name, inputs in mocks.registered if name == "line")
    assert line == {"trunkSid": "TK" + "a" * 32, "phoneNumber": "+14155550100"}
    schema_version = json.loads(SCHEMA.read_text())["version"]
    version = twilio_trunking._utilities.get_version()
    assert version == schema_version
