"""The job scripts of ``examples/ci`` (what the GitHub and GitLab files run) against the emulator.

An infra project on the package, one stack, each script run as its CI job runs it: ``preview.sh``
with no Twilio credentials, ``deploy.sh`` with them in the environment, ``drift.sh`` before and
after a binding is removed behind Pulumi's back through the Twilio API.

Here the state is in a self-managed ``file://`` backend, the stack named both ways such a backend
accepts (``organization/PROJECT/STACK`` and plain ``STACK``); ``tests/e2e/postgres_backend`` runs the
same jobs against a ``postgres://`` backend. The backend comes only from the environment, as in CI
(``PULUMI_BACKEND_URL``, ``PULUMI_CONFIG_PASSPHRASE``): there is no ``pulumi login``.

The scripts get their policy pack the documented way, from ``twilio-trunking policy-pack`` (they
take ``POLICY_PACK_DIR`` instead when it is set; this test leaves it unset).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
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
PROJECT = "infra"
PACK_RAN = "twilio-trunking@v0.1.0 (local: "


@dataclass(frozen=True)
class Jobs:
    """What the CI file gives each job besides the Twilio credentials (e.g. a database role)."""

    stack: str
    preview_env: Mapping[str, str] = field(default_factory=dict)
    deploy_env: Mapping[str, str] = field(default_factory=dict)
    drift_env: Mapping[str, str] = field(default_factory=dict)


def run_script(
    project: Project, script: str, stack: str, env: Mapping[str, str | None]
) -> subprocess.CompletedProcess[str]:
    """``bash SCRIPT`` as a job runs it: from the repo root (the project's parent dir, the program in
    ``PROJECT_DIR``), in the CLI's isolated environment (no ambient TWILIO_*)."""
    assert (VENV / "bin" / "twilio-trunking").exists(), "`make venv` installs the twilio-trunking command"
    project_dir = project.pulumi.project_dir
    full_env = project.pulumi.env(
        {"STACK": stack, "PROJECT_DIR": project_dir.name, "POLICY_PACK_DIR": None, **env}
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


def run_ci_jobs(project: Project, twilio_api: TwilioApi, jobs: Jobs) -> str:
    """A team's pipeline on the stack ``jobs.stack``: preview, deploy, drift check, then drift.

    The stack is created first (as the README's one-time set-up does); returns every job's output,
    for the caller's checks of what the logs show.
    """
    declared = numbers(2)
    seeded = project.seed(declared)
    (trunk,) = seeded.trunks
    project.configure(credentials=False, stack=jobs.stack)  # the stack config holds no credentials
    project.declare(trunk, declared)
    project_dir = project.pulumi.project_dir
    write_policy_config(project_dir / "policy-config.json", [trunk])
    policy = {"POLICY_PACK_CONFIG": "policy-config.json"}  # relative to PROJECT_DIR
    credentials = {"TWILIO_ACCOUNT_SID": project.emulator.auth[0], "TWILIO_AUTH_TOKEN": TOKEN}
    names = {resource_name(n) for n in declared}
    logs: list[str] = []

    def job(script: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
        result = run_script(project, script, jobs.stack, env)
        logs.append(result.stdout + result.stderr)
        return result

    # Pull request: preview with the policy pack, no credentials, no Twilio call.
    preview = job("preview.sh", {**jobs.preview_env, **policy})
    output = preview.stdout + preview.stderr
    assert preview.returncode == 0, output
    assert PACK_RAN in preview.stdout, output
    assert bindings_with(preview.stdout, "create") == names, output
    assert twilio_calls(project) == []

    # A mandatory violation fails the pull request's preview.
    strict = write_policy_config(project_dir / "policy-config.strict.json", ["TK" + "0" * 32])
    rejected = job("preview.sh", {**jobs.preview_env, "POLICY_PACK_CONFIG": str(strict)})
    assert rejected.returncode != 0, rejected.stdout
    assert "twilio-trunk-allowed" in rejected.stdout, rejected.stdout + rejected.stderr

    # Main branch: deploy with the credentials in the environment; the state never holds them.
    deploy = job("deploy.sh", {**jobs.deploy_env, **credentials, **policy})
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert PACK_RAN in deploy.stdout, deploy.stdout
    project.assert_converged(seeded, trunk, declared)
    assert TOKEN not in json.dumps(project.pulumi.export_state(show_secrets=True))

    # Schedule: no drift, so the job passes.
    drift = job("drift.sh", {**jobs.drift_env, **credentials})
    assert drift.returncode == 0, drift.stdout + drift.stderr

    # A binding removed out of band: the drift job fails and writes nothing, to Twilio or the state.
    gone = declared[0]
    twilio_api.unbind(trunk, seeded.numbers[gone])
    project.emulator.control.clear_requests()
    drifted = job("drift.sh", {**jobs.drift_env, **credentials})
    assert drifted.returncode != 0, drifted.stdout + drifted.stderr
    assert resource_name(gone) in drifted.stdout, drifted.stdout
    assert "no changes were expected" in (drifted.stdout + drifted.stderr).lower(), drifted.stdout
    assert twilio_calls(project, "GET") != []  # the refresh read Twilio
    assert twilio_calls(project, "POST", "DELETE") == []
    assert set(project.bindings_in_state()) == names
    return "\n".join(logs)


def test_preview_deploy_and_drift_jobs_on_a_file_backend(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(BINDINGS_PROGRAM, name=PROJECT)
    assert project.pulumi.backend_url.startswith("file://")
    assert project.pulumi.backend_url.endswith("?metadata=skip")  # the README's advice for file://
    run_ci_jobs(project, twilio_api, Jobs(stack="prod"))


def test_stack_names_a_self_managed_backend_takes(make_project: ProjectFactory) -> None:
    """``prod`` and ``organization/PROJECT/prod`` name the same stack; ``my-org/PROJECT/prod`` (Pulumi
    Cloud's form) is refused by the scripts' first command, with the CLI's reason."""
    project = make_project(BINDINGS_PROGRAM, name=PROJECT)
    project.pulumi.select_stack("prod")
    project.pulumi.run("stack", "select", f"organization/{PROJECT}/prod")
    assert project.pulumi.run("stack", "--show-name").stdout.strip() == "prod"
    result = run_script(project, "preview.sh", f"my-org/{PROJECT}/prod", {})
    assert result.returncode != 0
    assert "organization name must be 'organization'" in result.stdout + result.stderr


def test_a_backend_url_holding_a_password_is_refused_before_any_command(make_project: ProjectFactory) -> None:
    project = make_project(BINDINGS_PROGRAM, name=PROJECT)
    secret = "hunter2-in-the-url"
    url = f"postgres://state:{secret}@db.example.internal:5432/pulumi"
    for script in ("preview.sh", "deploy.sh", "drift.sh"):
        result = run_script(project, script, "prod", {"PULUMI_BACKEND_URL": url})
        assert result.returncode == 1
        assert "PULUMI_BACKEND_URL holds a password" in result.stderr, result.stderr
        assert "PGPASSWORD" in result.stderr
        assert secret not in result.stdout + result.stderr
