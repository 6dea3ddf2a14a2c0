"""The package as a user gets it: built, installed from the wheel, used from a project of their own.

The sdist and the wheel are built once per session with ``python -m build``. The wheel goes into a
fresh virtualenv (by direct reference, so no index is asked for our name), and a Pulumi project in
a temp dir drives it with a ``PATH`` of that virtualenv's ``bin`` and the CLI's four files only,
no ``PYTHONPATH`` and a fresh ``HOME``: preview with no credentials, the installed emulator,
``up``, the policy pack by the command README.md documents (run verbatim), and destroy. Nothing
of the checkout may show up in the program, and pulumi must install nothing in the virtualenv.
"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.installed.conftest import ROOT, Dists, make_venv, run

pytestmark = pytest.mark.e2e

ACCOUNT = "AC00000000000000000000000000000000"
TOKEN = "installed-test-token"
TRUNK = "TK0123456789abcdef0123456789abcdef"
OTHER_TRUNK = "TKfedcba9876543210fedcba9876543210"
NUMBERS = {
    "+14155550101": "PN00000000000000000000000000000001",
    "+14155550102": "PN00000000000000000000000000000002",
}
STACK = "prod"  # matches the default stackPattern of the protection rule

PROGRAM = f"""\
import os
import sys

import pulumi
import pulumi_twilio_trunking
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

lines = [
    TrunkPhoneNumberAssociation(f"line-{{number[1:]}}", trunk_sid={TRUNK!r}, phone_number=number)
    for number in {sorted(NUMBERS)!r}
]
pulumi.export("bound", [line.phone_number_sid for line in lines])
pulumi.export("package_file", pulumi_twilio_trunking.__file__)
pulumi.export("sys_path", sys.path)
pulumi.export("pythonpath_set", "PYTHONPATH" in os.environ)
"""


def readme_policy_commands() -> list[str]:
    """The commands of the first ``sh`` block of README.md's "Policy as code" section."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Policy as code\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert block is not None, "README.md: no ```sh block under '## Policy as code'"
    commands = [line for line in block[1].splitlines() if line.strip() and not line.startswith("#")]
    assert commands and all('"$(twilio-trunking policy-pack)"' in c for c in commands), commands
    return commands


def pip_freeze(venv: Path) -> list[str]:
    return run(venv / "bin" / "python", "-m", "pip", "freeze", "--all", timeout=120).stdout.splitlines()


class User:
    """A user's shell: only the virtualenv and the CLI on PATH, a fresh HOME, cwd in their project."""

    def __init__(self, venv: Path, pulumi_bin: Path, home: Path, project: Path) -> None:
        self.project = project
        self.base_env = {
            "PATH": f"{venv / 'bin'}{os.pathsep}{pulumi_bin}",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "PULUMI_BACKEND_URL": f"file://{home / 'state'}?metadata=skip",
            "PULUMI_CONFIG_PASSPHRASE": "installed-test",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "NO_COLOR": "1",
        }
        self.twilio_env: dict[str, str] = {}
        (home / "state").mkdir(parents=True)

    def env(self) -> dict[str, str]:
        return {**self.base_env, **self.twilio_env}

    def shell(self, command: str, *, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["/bin/bash", "-c", command],
            cwd=self.project,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check:
            assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        return done

    def pulumi(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.shell(" ".join(["pulumi", "--non-interactive", *args]), check=check)


@pytest.fixture(scope="session")
def venv(dists: Dists, scratch: Path) -> Path:
    return make_venv(scratch / "venv", dists.wheel, "[emulator,policy]")


@pytest.fixture
def emulator_url(venv: Path, workdir: Path) -> Iterator[str]:
    """``twilio-trunking-emulator`` from the virtualenv's ``bin``; yields its base URL."""
    seed = workdir / "seed.json"
    seed.write_text(
        json.dumps(
            {
                "trunks": [
                    {"sid": TRUNK, "friendly_name": "main"},
                    {"sid": OTHER_TRUNK, "friendly_name": "other"},
                ],
                "phone_numbers": [{"sid": sid, "phone_number": number} for number, sid in NUMBERS.items()],
            }
        )
    )
    log = (workdir / "emulator.log").open("w")
    process = subprocess.Popen(
        [venv / "bin" / "twilio-trunking-emulator", "--port", "0", "--seed", seed, "--auth-token", TOKEN],
        cwd=workdir,
        env={"PATH": str(venv / "bin"), "LANG": "C.UTF-8"},
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        base_url = process.stdout.readline().strip() if ready else ""
        assert base_url.startswith("http://127.0.0.1:"), (workdir / "emulator.log").read_text()
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def trunk_numbers(base_url: str) -> set[str]:
    response = httpx.get(
        f"{base_url}/v1/Trunks/{TRUNK}/PhoneNumbers", params={"PageSize": 1000}, auth=(ACCOUNT, TOKEN)
    )
    assert response.status_code == 200, response.text
    return {item["sid"] for item in response.json()["phone_numbers"]}


def test_installed_package_from_a_users_project(
    venv: Path, pulumi_links: Path, emulator_url: str, workdir: Path
) -> None:
    project = workdir / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        f"name: installed\nruntime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: {venv}\n"
    )
    (project / "__main__.py").write_text(PROGRAM)
    user = User(venv, pulumi_links, workdir / "home", project)
    assert ROOT not in project.parents
    assert "PYTHONPATH" not in user.env() and not [v for v in user.env().values() if str(ROOT) in v]
    installed_before = pip_freeze(venv)

    user.pulumi("stack", "init", STACK)
    # No Twilio credentials anywhere: check and diff need none.
    preview = user.pulumi("preview")
    assert "+ 3 to create" in preview.stdout, preview.stdout  # the stack and the two bindings

    user.twilio_env = {
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_API_BASE_URL": emulator_url,
    }
    user.pulumi("up", "--yes")
    assert trunk_numbers(emulator_url) == set(NUMBERS.values())

    outputs = json.loads(user.pulumi("stack", "output", "--json").stdout)
    assert sorted(outputs["bound"]) == sorted(NUMBERS.values())
    package_file = Path(outputs["package_file"]).resolve()
    assert package_file.is_relative_to(venv.resolve()) and "site-packages" in package_file.parts, package_file
    assert outputs["pythonpath_set"] is False
    # Upstream language hosts would otherwise want a "twilio-trunking" resource plugin for it.
    assert json.loads((package_file.parent / "pulumi-plugin.json").read_text()) == {"resource": False}
    assert [p for p in outputs["sys_path"] if str(ROOT) in p] == [], outputs["sys_path"]

    # The policy pack, by README.md's own command lines.
    allowed_elsewhere = {
        "twilio-trunk-allowed": {"enforcementLevel": "mandatory", "allowedTrunkSids": [OTHER_TRUNK]}
    }
    (project / "policy-config.json").write_text(json.dumps(allowed_elsewhere))
    pack_dir = workdir / "home" / ".cache" / "pulumi-twilio-trunking" / "policy-packs"
    plain, configured = readme_policy_commands()

    result = user.shell(plain)
    (pack,) = pack_dir.iterdir()  # the default: a cache dir of the user's, one per virtualenv
    # The CLI shortens the path: "(local: /tmp/.../policy-packs/venv-HASH)".
    assert re.search(rf"twilio-trunking@v0\.1\.0 \(local: /.*/policy-packs/{pack.name}\)", result.stdout), (
        result.stdout
    )
    assert "twilio-trunk-binding-protected" in result.stdout  # advisory: unprotected bindings on 'prod'

    result = user.shell(configured, check=False)
    assert result.returncode != 0, result.stdout
    assert re.search(r"\[mandatory\].*twilio-trunk-allowed", result.stdout), result.stdout
    # No requirements.txt (or anything else) for pulumi to install from.
    assert {p.name for p in pack.iterdir()} - {"__pycache__"} == {
        ".twilio-trunking-manifest.json",
        "PulumiPolicy.yaml",
        "__main__.py",
    }

    user.pulumi("destroy", "--yes")
    assert trunk_numbers(emulator_url) == set()
    assert pip_freeze(venv) == installed_before  # pulumi installed nothing, for the program or the pack


def test_missing_extras_as_installed(dists: Dists, workdir: Path) -> None:
    """Without extras each command says, in one line, what to install; that command then works."""
    venv = make_venv(workdir / "bare", dists.wheel)
    env = {"PATH": str(venv / "bin"), "LANG": "C.UTF-8", "HOME": str(workdir)}

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, capture_output=True, text=True, timeout=120, check=False, env=env, cwd=workdir
        )

    for args, hint in [
        (("twilio-trunking-emulator", "--port", "0"), 'pip install "pulumi-twilio-trunking[emulator]"'),
        (("twilio-trunking", "policy-pack"), 'pip install "pulumi-twilio-trunking[policy]"'),
    ]:
        done = command(*args)
        assert (done.returncode, done.stdout) == (2, ""), done
        (line,) = done.stderr.splitlines()
        assert hint in line
    # Importing the policy module raises an ImportError that carries the same hint (no SystemExit).
    caught = command(
        "python",
        "-c",
        "try:\n    import pulumi_twilio_trunking.policy\n"
        "except ImportError as exc:\n    print(type(exc).__name__, exc)",
    )
    assert (caught.returncode, caught.stderr) == (0, ""), caught
    (line,) = caught.stdout.splitlines()
    assert line.startswith("PolicyExtraMissing pulumi-policy is not installed in ")
    assert line.endswith('pip install "pulumi-twilio-trunking[policy]"')

    # The hint names the package by name; pip must keep the installed wheel (the name is not on PyPI).
    run(
        venv / "bin" / "python",
        "-m",
        "pip",
        "install",
        "--quiet",
        "pulumi-twilio-trunking[policy]",
        timeout=600,
    )
    origin = command(
        "python",
        "-c",
        "import importlib.metadata as m; "
        "print(m.distribution('pulumi-twilio-trunking').read_text('direct_url.json'))",
    )
    assert json.loads(origin.stdout)["url"] == dists.wheel.as_uri()
    done = command("twilio-trunking", "policy-pack", "--out", str(workdir / "pack"))
    assert done.returncode == 0 and done.stdout == f"{workdir / 'pack'}\n", done


YAML_PROGRAM = f"""\
name: installed-yaml
runtime: yaml
plugins:
  providers:
    - name: twilio-trunking
      path: {{venv_bin}}
resources:
  line:
    type: twilio-trunking:index:TrunkPhoneNumberAssociation
    properties:
      trunkSid: {TRUNK}
      phoneNumber: "{sorted(NUMBERS)[0]}"
outputs:
  sid: ${{line.phoneNumberSid}}
"""

TYPED_PROGRAM = f"""\
import pulumi
import pulumi_twilio_trunking.plugin as twilio_trunking

line = twilio_trunking.TrunkPhoneNumberAssociation(
    "line", trunk_sid={TRUNK!r}, phone_number={sorted(NUMBERS)[1]!r}
)
pulumi.export("sid", line.phone_number_sid)
"""


def test_the_provider_plugin_as_installed_from_yaml_and_python_projects(
    venv: Path, pulumi_links: Path, emulator_url: str, workdir: Path
) -> None:
    """The wheel's plugin (`pulumi-resource-twilio-trunking` in the virtualenv's bin) and its typed SDK,
    from a YAML project and a Python project outside the checkout."""
    schema = run(
        pulumi_links / "pulumi",
        "package",
        "get-schema",
        venv / "bin" / "pulumi-resource-twilio-trunking",
        timeout=120,
    )
    assert "twilio-trunking:index:TrunkPhoneNumberAssociation" in json.loads(schema.stdout)["resources"]

    yaml_project = workdir / "yaml-project"
    yaml_project.mkdir()
    (yaml_project / "Pulumi.yaml").write_text(YAML_PROGRAM.replace("{venv_bin}", str(venv / "bin")))
    python_project = workdir / "python-project"
    python_project.mkdir()
    (python_project / "Pulumi.yaml").write_text(
        f"name: installed-typed\nruntime:\n  name: python\n  options:\n    toolchain: pip\n"
        f"    virtualenv: {venv}\nplugins:\n  providers:\n    - name: twilio-trunking\n"
        f"      path: {venv / 'bin'}\n"
    )
    (python_project / "__main__.py").write_text(TYPED_PROGRAM)
    installed_before = pip_freeze(venv)
    for project, number in ((yaml_project, sorted(NUMBERS)[0]), (python_project, sorted(NUMBERS)[1])):
        user = User(venv, pulumi_links, workdir / f"home-{project.name}", project)
        user.pulumi("stack", "init", "dev")
        preview = user.pulumi("preview")  # no credentials needed
        assert "+ 2 to create" in preview.stdout, preview.stdout
        user.twilio_env = {
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_API_BASE_URL": emulator_url,
        }
        user.pulumi("up", "--yes")
        outputs = json.loads(user.pulumi("stack", "output", "--json").stdout)
        assert outputs == {"sid": NUMBERS[number]}
    assert trunk_numbers(emulator_url) == set(NUMBERS.values())
    assert pip_freeze(venv) == installed_before
