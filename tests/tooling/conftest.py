"""Fixtures of the tooling tests that drive the real CLI and the hosts `make pulumi` links beside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from pulumi_twilio_trunking.testing.pulumi_cli import LocalPulumi, PulumiNotFound, find_pulumi
from tests.missing_tool import missing_tool

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


@pytest.fixture(scope="session")
def pulumi_bin() -> str:
    try:
        path = find_pulumi(VENV_BIN)
        subprocess.run([path, "version"], check=True, capture_output=True, timeout=60)
    except (PulumiNotFound, subprocess.SubprocessError, OSError) as exc:
        missing_tool(f"the Pulumi CLI is needed for the tooling tests (run `make pulumi`): {exc}")
    return path


@pytest.fixture(scope="session")
def beside_pulumi(pulumi_bin: str) -> Callable[[str], Path]:
    """The path of a host that `make pulumi` links next to ``pulumi`` (the tests fail without it)."""

    def find(name: str) -> Path:
        path = Path(pulumi_bin).parent / name
        if not os.access(path, os.X_OK):
            missing_tool(f"{name} is not next to {pulumi_bin} (run `make pulumi`)")
        return path

    return find


@pytest.fixture
def local_pulumi(pulumi_bin: str, tmp_path: Path) -> Callable[[Path], LocalPulumi]:
    """A CLI with a private home and a file backend, run in the given project directory."""

    def make(project_dir: Path) -> LocalPulumi:
        project_dir.mkdir(parents=True, exist_ok=True)
        return LocalPulumi(project_dir, tmp_path / "work", pulumi_bin)

    return make


@pytest.fixture(scope="session")
def go_bin() -> str:
    go = shutil.which("go")
    if go is None:
        missing_tool("Go is needed to build and test the project's Go tools (tools/pulumi-cli)")
    return go


PLUGIN = "pulumi-resource-twilio-trunking"


def plugin_declared() -> bool:
    """Whether the package declares the provider plugin's console script (then the venv must have it)."""
    scripts: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"].get(
        "scripts", {}
    )
    return PLUGIN in scripts


@pytest.fixture
def plugin_bin() -> Path:
    """The provider plugin in the virtualenv; the test is skipped while the package declares none."""
    if not plugin_declared():
        pytest.skip(f"the package declares no {PLUGIN} console script yet")
    path = VENV_BIN / PLUGIN
    if not os.access(path, os.X_OK):
        missing_tool(f"{path} is missing: run `make venv`")
    return path


def yaml_program(name: str) -> str:
    """A YAML program that needs no provider: config, a variable and outputs (stack name included)."""
    return (
        f"name: {name}\nruntime: yaml\nconfig:\n  greeting:\n    type: string\n    default: hello\n"
        "variables:\n  message: ${greeting}, world\noutputs:\n  message: ${message}\n"
        "  stack: ${pulumi.stack}\n"
    )
