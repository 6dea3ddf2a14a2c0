"""The CI files of ``examples/ci`` through real linters, and the properties the README promises of them.

* actionlint (built from Go modules by ``.ci/ensure-actionlint.sh``, with shellcheck for ``run:``
  blocks) checks the GitHub workflow; with ``CI=true`` a missing Go toolchain fails instead of skipping;
* check-jsonschema checks both files against its vendored GitHub-workflow and GitLab-CI schemas;
* shellcheck checks the job scripts the CI files call;
* the jobs: pull/merge requests preview with no Twilio secret in reach, the main branch deploys and
  the schedule checks drift with them, each job through its script in ``examples/ci/scripts``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.missing_tool import missing_tool

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
CI_DIR = ROOT / "examples" / "ci"
GITHUB = CI_DIR / "github" / "twilio-trunking.yml"
GITHUB_POSTGRES = CI_DIR / "github" / "twilio-trunking-postgres.yml"
GITLAB = CI_DIR / "gitlab" / ".gitlab-ci.yml"
GITLAB_POSTGRES = CI_DIR / "gitlab" / "postgres" / ".gitlab-ci.yml"
GITHUB_FILES = {"cloud": GITHUB, "postgres": GITHUB_POSTGRES}
GITLAB_FILES = {"cloud": GITLAB, "postgres": GITLAB_POSTGRES}
SCRIPTS = CI_DIR / "scripts"
ENSURE_ACTIONLINT = ROOT / ".ci" / "ensure-actionlint.sh"
# The Pulumi CLI this repository builds and tests with: the one the CI files pin.
PULUMI_VERSION = (ROOT / "tools" / "pulumi-cli" / "VERSION").read_text().strip()

JOB_SCRIPTS = {"preview": "preview.sh", "deploy": "deploy.sh", "drift": "drift.sh"}
CREDENTIALS = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET")


def tool(name: str) -> str:
    """A dev tool of the virtualenv (the ``dev`` extra installs it, so a missing one is an error)."""
    path = VENV_BIN / name
    if not path.exists():
        found = shutil.which(name)
        assert found, f"{name} is missing: `make venv` installs it (dev extra of pyproject.toml)"
        return found
    return str(path)


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def actionlint() -> str:
    result = run("bash", ENSURE_ACTIONLINT)
    if result.returncode != 0:
        missing_tool(f"actionlint could not be built (needs Go; `make actionlint`):\n{result.stderr[-3000:]}")
    return result.stdout.strip().splitlines()[-1]


def lint_workflow(actionlint: str, path: Path) -> subprocess.CompletedProcess[str]:
    # shellcheck from the virtualenv checks the `run:` blocks; no Python step, so no pyflakes.
    return run(actionlint, "-no-color", f"-shellcheck={tool('shellcheck')}", "-pyflakes=", path)


@pytest.mark.parametrize("path", GITHUB_FILES.values(), ids=GITHUB_FILES.keys())
def test_actionlint_accepts_the_github_workflow(actionlint: str, path: Path) -> None:
    version = run(actionlint, "-version").stdout.splitlines()[0]
    assert version == "v1.7.12", version
    result = lint_workflow(actionlint, path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(actionlint: str, tmp_path: Path) -> None:
    """The linter really runs: a typo in an expression and an unsafe `run:` line are reported."""
    broken = tmp_path / "broken.yml"
    text = GITHUB.read_text()
    for old, new in [
        ("github.event_name == 'schedule'", "github.event_nme == 'schedule'"),
        ("run: bash ci/scripts/drift.sh", "run: bash ci/scripts/drift.sh $STACK"),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    broken.write_text(text)
    result = lint_workflow(actionlint, broken)
    assert result.returncode != 0
    assert 'property "event_nme" is not defined' in result.stdout, result.stdout
    assert "SC2086" in result.stdout, result.stdout  # shellcheck: $STACK unquoted


@pytest.mark.parametrize(
    ("path", "schema"),
    [(path, "vendor.github-workflows") for path in GITHUB_FILES.values()]
    + [(path, "vendor.gitlab-ci") for path in GITLAB_FILES.values()],
    ids=[f"github-{name}" for name in GITHUB_FILES] + [f"gitlab-{name}" for name in GITLAB_FILES],
)
def test_check_jsonschema_accepts_the_ci_file(path: Path, schema: str) -> None:
    result = run(tool("check-jsonschema"), "--builtin-schema", schema, path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_jsonschema_rejects_a_broken_gitlab_file(tmp_path: Path) -> None:
    broken = tmp_path / ".gitlab-ci.yml"
    text = GITLAB.read_text()
    assert text.count("  script:\n    - bash ci/scripts/deploy.sh") == 1
    broken.write_text(
        text.replace(
            "  script:\n    - bash ci/scripts/deploy.sh", "  scrpt:\n    - bash ci/scripts/deploy.sh"
        )
    )
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", broken)
    assert result.returncode != 0, result.stdout
    assert "deploy" in result.stdout, result.stdout


def test_shellcheck_accepts_the_scripts() -> None:
    scripts = sorted(SCRIPTS.glob("*.sh"))
    assert {p.name for p in scripts} >= set(JOB_SCRIPTS.values())
    result = run(tool("shellcheck"), "-x", *scripts, ENSURE_ACTIONLINT)
    assert result.returncode == 0, result.stdout + result.stderr


# --- what the jobs do --------------------------------------------------------------------------------


def load(path: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text())
    return data


def secrets_named(node: Any) -> set[str]:
    """The ``secrets.X`` a piece of a GitHub workflow refers to."""
    return set(re.findall(r"secrets\.(\w+)", yaml.safe_dump(node)))


@pytest.mark.parametrize("path", GITHUB_FILES.values(), ids=GITHUB_FILES.keys())
def test_github_jobs_triggers_secrets_and_scripts(path: Path) -> None:
    workflow = load(path)
    triggers = workflow["on"] if "on" in workflow else workflow[True]  # YAML 1.1 reads a bare `on` as true
    assert {"pull_request", "push", "schedule"} <= set(triggers)
    jobs = workflow["jobs"]
    assert set(jobs) == set(JOB_SCRIPTS)
    assert "pull_request" in jobs["preview"]["if"]
    assert "push" in jobs["deploy"]["if"] and "refs/heads/main" in jobs["deploy"]["if"]
    assert "schedule" in jobs["drift"]["if"]

    # No Twilio secret anywhere the pull-request job can reach (top-level env included).
    reachable = secrets_named(jobs["preview"]) | secrets_named(workflow.get("env", {}))
    assert not reachable & set(CREDENTIALS), reachable
    for name in ("deploy", "drift"):
        env = jobs[name]["env"]
        assert env["TWILIO_ACCOUNT_SID"] == "${{ secrets.TWILIO_ACCOUNT_SID }}"
        assert env["TWILIO_AUTH_TOKEN"] == "${{ secrets.TWILIO_AUTH_TOKEN }}"

    for name, script in JOB_SCRIPTS.items():
        steps = jobs[name]["steps"]
        assert steps[-1]["run"] == f"bash ci/scripts/{script}"
        (pulumi_step,) = [step for step in steps if str(step.get("uses", "")).startswith("pulumi/actions@")]
        assert pulumi_step["with"]["pulumi-version"] == "${{ env.PULUMI_VERSION }}"
        assert "bash ci/scripts/install.sh" in steps[-2]["run"]
    assert str(workflow["env"]["PULUMI_VERSION"]) == PULUMI_VERSION
    assert workflow["env"]["TWILIO_TRUNKING_PACKAGE"].startswith(
        "pulumi-twilio-trunking[policy] @ git+https://"
    )


def test_github_postgres_variant_keeps_the_database_password_out_of_urls_and_pull_requests() -> None:
    """The backend URL is a plain variable (no secret in it); previews and drift checks get a reader role."""
    workflow = load(GITHUB_POSTGRES)
    env, jobs = workflow["env"], workflow["jobs"]
    assert env["PULUMI_BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert env["PULUMI_CONFIG_PASSPHRASE"] == "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}"
    assert env["STACK"].startswith("organization/")
    assert "PULUMI_ACCESS_TOKEN" not in GITHUB_POSTGRES.read_text()
    roles = {name: (job["env"]["PGUSER"], job["env"]["PGPASSWORD"]) for name, job in jobs.items()}
    reader = ("${{ vars.PULUMI_STATE_DB_READER }}", "${{ secrets.PULUMI_STATE_DB_READER_PASSWORD }}")
    writer = ("${{ vars.PULUMI_STATE_DB_USER }}", "${{ secrets.PULUMI_STATE_DB_PASSWORD }}")
    assert roles == {"preview": reader, "drift": reader, "deploy": writer}


@pytest.mark.parametrize("path", GITLAB_FILES.values(), ids=GITLAB_FILES.keys())
def test_gitlab_jobs_rules_and_scripts(path: Path) -> None:
    pipeline = load(path)
    for name, script in JOB_SCRIPTS.items():
        assert pipeline[name]["script"] == [f"bash ci/scripts/{script}"]
    rules = {name: " ".join(rule["if"] for rule in pipeline[name]["rules"]) for name in JOB_SCRIPTS}
    assert rules["preview"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    assert rules["drift"] == '$CI_PIPELINE_SOURCE == "schedule"'
    assert "$CI_DEFAULT_BRANCH" in rules["deploy"] and "merge_request" not in rules["deploy"]
    # Credentials come from protected CI/CD variables, never from the file.
    text = path.read_text()
    assert not re.search(rf"^\s*({'|'.join(CREDENTIALS)})\s*:", text, flags=re.MULTILINE)
    assert pipeline["variables"]["TWILIO_TRUNKING_PACKAGE"].startswith(
        "pulumi-twilio-trunking[policy] @ git+https://"
    )
    assert str(pipeline["variables"]["PULUMI_VERSION"]) == PULUMI_VERSION
    before = pipeline["default"]["before_script"]
    assert 'curl -fsSL https://get.pulumi.com | sh -s -- --version "$PULUMI_VERSION"' in before
    assert "bash ci/scripts/install.sh" in before


def test_gitlab_postgres_variant_gives_the_writer_role_to_deploy_only() -> None:
    pipeline = load(GITLAB_POSTGRES)
    roles = {name: pipeline[name]["variables"] for name in JOB_SCRIPTS}
    reader = {"PGUSER": "$PULUMI_STATE_DB_READER", "PGPASSWORD": "$PULUMI_STATE_DB_READER_PASSWORD"}
    assert roles == {
        "preview": reader,
        "drift": reader,
        "deploy": {"PGUSER": "$PULUMI_STATE_DB_USER", "PGPASSWORD": "$PULUMI_STATE_DB_PASSWORD"},
    }
    assert pipeline["variables"]["STACK"].startswith("organization/")
    assert "PULUMI_ACCESS_TOKEN" not in GITLAB_POSTGRES.read_text()
