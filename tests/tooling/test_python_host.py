"""The project's Python language host (tools/pulumi-cli/cmd/pulumi-language-python) through the real CLI:
code generation (`pulumi package gen-sdk`, `pulumi convert`) and where it installs dependencies.
"""

from __future__ import annotations

import json
import os
import py_compile
import subprocess
import sys
import textwrap
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import pytest

from pulumi_twilio_trunking.testing import TwilioEmulator
from pulumi_twilio_trunking.testing.pulumi_cli import LocalPulumi, write_python_project
from tests.tooling.conftest import ROOT, yaml_program

pytestmark = pytest.mark.e2e

SCHEMA = ROOT / "sdk" / "schema.json"


def test_gen_sdk_writes_a_python_sdk_of_the_schema(
    local_pulumi: Callable[[Path], LocalPulumi], tmp_path: Path
) -> None:
    schema = json.loads(SCHEMA.read_text())
    package = schema["language"]["python"]["packageName"]
    cli = local_pulumi(tmp_path / "cwd")
    cli.run("package", "gen-sdk", str(SCHEMA), "--language", "python", "--out", str(tmp_path / "sdk"))

    root = tmp_path / "sdk" / "python" / package
    for path in root.rglob("*.py"):
        py_compile.compile(str(path), doraise=True)
    association = (root / "trunk_phone_number_association.py").read_text()
    assert "class TrunkPhoneNumberAssociation(pulumi.CustomResource):" in association
    assert "twilio-trunking:index:TrunkPhoneNumberAssociation" in association
    assert "def voice_caller_id_lookup(self) -> pulumi.Output[" in association
    assert "class ExclusiveTrunk(pulumi.CustomResource):" in (root / "exclusive_trunk.py").read_text()
    # Secret provider settings stay secret in the generated Provider.
    assert "pulumi.Output.secret(auth_token)" in (root / "provider.py").read_text()
    # The generated code imports its own modules relatively, and names itself by packageName only.
    init = (root / "__init__.py").read_text()
    assert f"_utilities.lazy_import('{package}.config')" in init
    assert f'"fqn": "{package}"' in init


def test_convert_writes_a_python_program_that_runs(
    local_pulumi: Callable[[Path], LocalPulumi], beside_pulumi: Callable[[str], Path], tmp_path: Path
) -> None:
    beside_pulumi("pulumi-converter-yaml")
    source = tmp_path / "yaml"
    source.mkdir()
    (source / "Pulumi.yaml").write_text(yaml_program("converted"))
    out = tmp_path / "python"
    local_pulumi(source).run(
        "convert", "--from", "yaml", "--language", "python", "--out", str(out), "--generate-only"
    )

    main = (out / "__main__.py").read_text()
    assert 'config.get("greeting")' in main
    assert 'pulumi.export("message", ' in main
    project = (out / "Pulumi.yaml").read_text()
    # Named so that `pulumi convert` without --generate-only installs into a virtualenv of its own.
    assert "runtime:\n  name: python\n  options:\n    virtualenv: venv\n" in project

    # The program runs, on the project's virtualenv instead of the one convert would create.
    (out / "Pulumi.yaml").write_text(project.replace("virtualenv: venv", f"virtualenv: {sys.prefix}"))
    cli = local_pulumi(out)
    cli.select_stack("dev")
    cli.set_config("greeting", "hi")
    cli.run("up", "--yes")
    assert cli.outputs() == {"message": "hi, world", "stack": "dev"}


def test_pulumi_import_prints_python_code_that_declares_the_imported_binding(
    local_pulumi: Callable[[Path], LocalPulumi],
    plugin_bin: Path,
    twilio_emulator: TwilioEmulator,
    tmp_path: Path,
) -> None:
    seeded = twilio_emulator.seed(
        {"trunks": [{"friendly_name": "main"}], "phone_numbers": [{"phone_number": "+14155550100"}]}
    )
    trunk, number = seeded["trunks"][0]["sid"], seeded["phone_numbers"][0]["sid"]
    twilio_emulator.seed({"phone_numbers": [{"phone_number": "+14155550100", "trunk_sid": trunk}]})
    project = tmp_path / "program"
    write_python_project(project, "imports", "import pulumi\n", Path(sys.prefix))
    with (project / "Pulumi.yaml").open("a") as manifest:
        manifest.write(
            f"plugins:\n  providers:\n    - name: twilio-trunking\n      path: {plugin_bin.parent}\n"
        )
    cli = local_pulumi(project)
    cli.select_stack("dev")
    cli.set_config_values(
        twilio_emulator.stack_config("twilio-trunking"), secret={"twilio-trunking:authToken"}
    )

    imported = cli.run("import", "twilio-trunking:index:TrunkPhoneNumberAssociation", "line", number, "--yes")

    code = imported.stdout[imported.stdout.index("import pulumi") :]
    assert "import pulumi_twilio_trunking.plugin as twilio_trunking" in code, code
    assert 'line = twilio_trunking.TrunkPhoneNumberAssociation("line",' in code, code
    assert f'trunk_sid="{trunk}"' in code, code
    assert "opts = pulumi.ResourceOptions(protect=True)" in code, code
    # The code is valid Python that declares what the state now holds.
    compile(code, "imported.py", "exec")
    (resource,) = cli.resources("twilio-trunking:index:TrunkPhoneNumberAssociation")
    assert resource["id"] == number


PROBE_PLUGIN = textwrap.dedent(
    """\
    import json
    import sys

    from pulumi.provider.experimental.provider import GetSchemaRequest, GetSchemaResponse, Provider
    from pulumi.provider.experimental.server import main


    class Probe(Provider):
        async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
            return GetSchemaResponse(json.dumps({"name": "probe", "version": "0.0.1"}))


    main(sys.argv[1:], "0.0.1", Probe())
    """
)


def site_packages(prefix: Path) -> list[str]:
    (found,) = prefix.glob("lib/python3*/site-packages")
    return sorted(p.name for p in found.iterdir())


def logging_python(tmp_path: Path, python: Path, *, only_probes: bool = False) -> tuple[Path, Path]:
    """A ``python3`` script that logs its arguments and runs ``python`` (with ``only_probes``: only for
    ``-c CODE``, so that a failing test cannot install anything). Returns the script and its log."""
    calls = tmp_path / "python-calls.log"
    script = tmp_path / "bin" / "python3"
    script.parent.mkdir()
    guard = 'case "$1" in -c) ;; *) exit 3 ;; esac\n' if only_probes else ""
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >>{calls}\n{guard}exec {python} "$@"\n')
    script.chmod(0o755)
    return script, calls


def test_a_python_plugin_gets_its_dependencies_in_its_own_virtualenv_never_in_the_system_python(
    local_pulumi: Callable[[Path], LocalPulumi], tmp_path: Path
) -> None:
    # The "system" python: the one the host finds when nothing names a virtualenv. A throwaway
    # one, so that what lands in its site-packages can be seen.
    system = tmp_path / "system-python"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(system)], check=True)
    python, calls = logging_python(tmp_path, system / "bin" / "python3")
    before = site_packages(system)

    plugin = tmp_path / "probe"
    plugin.mkdir()
    (plugin / "PulumiPlugin.yaml").write_text("runtime: python\n")  # names no virtualenv
    (plugin / "requirements.txt").write_text(f"pulumi=={metadata.version('pulumi')}\n")
    (plugin / "__main__.py").write_text(PROBE_PLUGIN)

    cli = local_pulumi(tmp_path / "cwd")
    result = cli.run(
        "package", "get-schema", str(plugin), env={"PULUMI_PYTHON_CMD": str(python)}, timeout=600
    )

    assert json.loads(result.stdout)["name"] == "probe"
    # The system python only created the plugin's virtualenv; pip ran in that one.
    assert calls.read_text().splitlines() == [f"-m venv {plugin / 'venv'}"]
    assert site_packages(system) == before
    assert "pulumi" in site_packages(plugin / "venv")


def test_a_program_without_a_virtualenv_is_not_installed_into_the_system_python(
    local_pulumi: Callable[[Path], LocalPulumi], tmp_path: Path
) -> None:
    system = Path(os.path.realpath(sys.base_prefix)) / "bin" / "python3"
    python, calls = logging_python(tmp_path, system, only_probes=True)
    project = tmp_path / "program"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: no-virtualenv\nruntime: python\n")
    (project / "requirements.txt").write_text("pulumi\n")

    result = local_pulumi(project).run("install", check=False, env={"PULUMI_PYTHON_CMD": str(python)})
    assert result.returncode != 0
    assert f"refusing to install dependencies into the system python {system}:" in result.stderr
    assert "set runtime.options.virtualenv in Pulumi.yaml" in result.stderr
    assert [c for c in calls.read_text().splitlines() if not c.startswith("-c ")] == []


def test_the_go_tests_of_the_host_pass(go_bin: str) -> None:
    result = subprocess.run(
        [go_bin, "test", "-trimpath", "-tags", "osusergo,grpcnotrace", "./..."],
        cwd=ROOT / "tools" / "pulumi-cli",
        env={**os.environ, "CGO_ENABLED": "0"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
