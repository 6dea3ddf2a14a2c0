"""The job scripts of ``examples/ci`` (what the GitHub and GitLab files run) against the emulator.

An infra project on the package, one stack, each script run as its CI job runs it: ``preview.sh``
with no Twilio credentials, ``deploy.sh`` with them in the environment, ``drift.sh`` before and
after a binding is removed behind Pulumi's back through the Twilio API.

The scripts get their policy pack the documented way, from ``twilio-trunking policy-pack`` (they
take ``POLICY_PACK_DIR`` instead when it is set; this test leaves it unset).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    BINDINGS_PROGRAM,
    ROOT,
    TOKEN,
    VENV,
    Project,
    ProjectFactory,
    TwilioApi,
    bindings_with,
    numbers,
    resource_name,
)

pytestmark = pytest.mark.e2e

SCRIPTS = ROOT / "examples" / "ci" / "scripts"
STACK = "prod"
PACK_RAN = "twilio-trunking@v0.1.0 (local: "


def run_script(
    project: Project, script: str, env: Mapping[str, str | None]
) -> subprocess.CompletedProcess[str]:
    """``bash SCRIPT`` as a job runs it: from the repo root (the project's parent dir, the program in
    ``PROJECT_DIR``), in the CLI's isolated environment (no ambient TWILIO_*)."""
    assert (VENV / "bin" / "twilio-trunking").exists(), "`make venv` installs the twilio-trunking command"
    project_dir = project.pulumi.project_dir
    full_env = project.pulumi.env(
        {"STACK": STACK, "PROJECT_DIR": project_dir.name, "POLICY_PACK_DIR": None, **env}
    )
    full_env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{full_env['PATH']}"
    return subprocess.run(
        ["bash", str(SCRIPTS / script)],
        cwd=project_dir.parent,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def twilio_calls(project: Project, *methods: str) -> list[str]:
    """The Twilio API requests the emulator served (control calls excluded), optionally by method."""
    return [
        f"{r['method']} {r['path']}"
        for r in project.emulator.control.requests()["requests"]
        if not r["path"].startswith("/_emulator") and (not methods or r["method"] in methods)
    ]


def write_policy_config(path: Path, allowed_trunks: list[str]) -> Path:
    path.write_text(
        json.dumps(
            {"twilio-trunk-allowed": {"enforcementLevel": "mandatory", "allowedTrunkSids": allowed_trunks}}
        )
    )
    return path


def test_preview_deploy_and_drift_jobs(make_project: ProjectFactory, twilio_api: TwilioApi) -> None:
    project = make_project(BINDINGS_PROGRAM, name="infra")
    declared = numbers(2)
    seeded = project.seed(declared)
    (trunk,) = seeded.trunks
    project.configure(credentials=False, stack=STACK)  # the stack config holds no credentials
    project.declare(trunk, declared)
    project_dir = project.pulumi.project_dir
    write_policy_config(project_dir / "policy-config.json", [trunk])
    policy = {"POLICY_PACK_CONFIG": "policy-config.json"}  # relative to PROJECT_DIR
    credentials = {"TWILIO_ACCOUNT_SID": project.emulator.auth[0], "TWILIO_AUTH_TOKEN": TOKEN}
    names = {resource_name(n) for n in declared}

    # Pull request: preview with the policy pack, no credentials, no Twilio call.
    preview = run_script(project, "preview.sh", policy)
    output = preview.stdout + preview.stderr
    assert preview.returncode == 0, output
    assert PACK_RAN in preview.stdout, output
    assert bindings_with(preview.stdout, "create") == names, output
    assert twilio_calls(project) == []

    # A mandatory violation fails the pull request's preview.
    strict = write_policy_config(project_dir / "policy-config.strict.json", ["TK" + "0" * 32])
    rejected = run_script(project, "preview.sh", {"POLICY_PACK_CONFIG": str(strict)})
    assert rejected.returncode != 0, rejected.stdout
    assert "twilio-trunk-allowed" in rejected.stdout, rejected.stdout + rejected.stderr

    # Main branch: deploy with the credentials in the environment; the state never holds them.
    deploy = run_script(project, "deploy.sh", {**credentials, **policy})
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert PACK_RAN in deploy.stdout, deploy.stdout
    project.assert_converged(seeded, trunk, declared)
    assert TOKEN not in json.dumps(project.pulumi.export_state(show_secrets=True))

    # Schedule: no drift, so the job passes.
    drift = run_script(project, "drift.sh", credentials)
    assert drift.returncode == 0, drift.stdout + drift.stderr

    # A binding removed out of band: the drift job fails and writes nothing, to Twilio or the state.
    gone = declared[0]
    twilio_api.unbind(trunk, seeded.numbers[gone])
    project.emulator.control.clear_requests()
    drifted = run_script(project, "drift.sh", credentials)
    assert drifted.returncode != 0, drifted.stdout + drifted.stderr
    assert resource_name(gone) in drifted.stdout, drifted.stdout
    assert "no changes were expected" in (drifted.stdout + drifted.stderr).lower(), drifted.stdout
    assert twilio_calls(project, "GET") != []  # the refresh read Twilio
    assert twilio_calls(project, "POST", "DELETE") == []
    assert set(project.bindings_in_state()) == names
