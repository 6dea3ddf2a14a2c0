"""What our Python language host gives a policy pack (tools/pulumi-cli/cmd/pulumi-language-python).

pulumi-policy learns the stack, project, organization, dry-run flag and stack config only from
environment variables (``PULUMI_STACK`` …); the host sets them from the engine's ConfigureStack
through sdk/v3's PolicyProxy. A probe pack reports what it sees as an advisory violation on the stack
resource, so the CLI prints it. ``PYTHONUNBUFFERED`` is left out of the environment: the host must
get the pack's port out of python on its own (``python -u``).
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

from tests.e2e.conftest import VENV, ProjectFactory

PROBE = """
import json
import os

import pulumi
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def report(args, report_violation):
    if args.resource_type != "pulumi:pulumi:Stack":
        return
    seen = {
        key: os.environ.get(key)
        for key in ("PULUMI_STACK", "PULUMI_PROJECT", "PULUMI_ORGANIZATION", "PULUMI_DRY_RUN")
    }
    seen["config_keys"] = sorted(json.loads(os.environ.get("PULUMI_CONFIG", "{}")))
    seen["secret_keys"] = json.loads(os.environ.get("PULUMI_CONFIG_SECRET_KEYS", "[]"))
    seen["sdk_stack"] = pulumi.get_stack()
    seen["sdk_dry_run"] = pulumi.runtime.is_dry_run()
    seen["config_color"] = pulumi.Config("probe").get("color")
    report_violation("PROBE " + json.dumps(seen, sort_keys=True))


PolicyPack(
    name="probe",
    policies=[
        ResourceValidationPolicy(
            name="probe-env",
            description="Reports what the pack process was given.",
            validate=report,
            enforcement_level=EnforcementLevel.ADVISORY,
        )
    ],
)
"""

PROGRAM = """
import pulumi

pulumi.export("stack", pulumi.get_stack())
"""

_PROBE_LINE = re.compile(r"PROBE (\{.*\})")


def probe_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "probe-pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text(
        textwrap.dedent(
            f"""\
            description: Probe of the policy pack environment.
            runtime:
              name: python
              options:
                toolchain: pip
                virtualenv: {VENV}
            """
        )
    )
    (pack / "__main__.py").write_text(PROBE)
    return pack


def probe(stdout: str) -> dict[str, Any]:
    (line,) = _PROBE_LINE.findall(stdout)
    seen: dict[str, Any] = json.loads(line)
    return seen


def test_policy_pack_sees_the_stack_project_dry_run_and_config(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    project = make_project(PROGRAM, name="hosted")
    project.configure(stack="prod-east")
    project.pulumi.set_config("probe:color", "blue")
    pack = probe_pack(tmp_path)
    env: dict[str, str | None] = {"PYTHONUNBUFFERED": None}

    preview = project.pulumi.run("preview", "--policy-pack", str(pack), env=env, timeout=180)
    expected = {
        "PULUMI_STACK": "prod-east",
        "PULUMI_PROJECT": "hosted",
        "PULUMI_ORGANIZATION": "organization",  # what the engine sends for a file:// backend
        "PULUMI_DRY_RUN": "true",
        "config_keys": ["probe:color", "twilio:accountSid", "twilio:authToken"],
        "secret_keys": ["twilio:authToken"],
        "sdk_stack": "prod-east",
        "sdk_dry_run": True,
        "config_color": "blue",
    }
    assert probe(preview.stdout) == expected

    # `pulumi up` starts the pack twice: once for its preview, once for the update (dry run off).
    up = project.pulumi.run("up", "--yes", "--skip-preview", "--policy-pack", str(pack), env=env, timeout=180)
    assert probe(up.stdout) == {**expected, "PULUMI_DRY_RUN": "false", "sdk_dry_run": False}


def test_a_policy_pack_that_fails_to_start_fails_the_run(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    """The proxy must not hang when python exits before printing its port."""
    project = make_project(PROGRAM, name="hosted")
    project.configure(stack="dev")
    pack = probe_pack(tmp_path)
    (pack / "__main__.py").write_text("raise SystemExit('probe pack refuses to start')\n")

    result = project.pulumi.run("preview", "--policy-pack", str(pack), check=False, timeout=180)
    assert result.returncode != 0
    assert "probe pack refuses to start" in result.stdout + result.stderr
