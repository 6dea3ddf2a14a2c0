"""End-to-end fixtures: the real ``pulumi`` CLI, an emulator process, and throwaway projects.

Every test under tests/e2e carries the ``e2e`` marker. Without a CLI they skip locally, but with
``CI=true`` they fail: CI must prove the engine path, never skip it.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pulumi_twilio_trunking.emulator import EmulatorProcess, run_emulator_process
from pulumi_twilio_trunking.testing.pulumi_cli import LocalPulumi, PulumiNotFound, find_pulumi

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"
TOKEN = "e2e-token-0b7d41f9"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def pulumi_bin() -> str:
    try:
        path = find_pulumi(VENV / "bin")
        subprocess.run([path, "version"], check=True, capture_output=True, timeout=60)
    except (PulumiNotFound, subprocess.SubprocessError, OSError) as exc:
        message = f"the Pulumi CLI is needed for end-to-end tests (run `make pulumi`): {exc}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[EmulatorProcess]:
    log = (tmp_path / "emulator.log").open("w")
    with run_emulator_process(auth_token=TOKEN, db_path=tmp_path / "emulator.db", stderr=log) as process:
        yield process
    log.close()


@dataclass
class Project:
    pulumi: LocalPulumi
    emulator: EmulatorProcess

    def write_program(self, source: str) -> None:
        (self.pulumi.project_dir / "__main__.py").write_text(textwrap.dedent(source))

    def configure(self, *, credentials: bool = True, base_url_in_config: bool = False) -> None:
        """Select the stack ``e2e`` and point the provider at the emulator."""
        self.pulumi.select_stack("e2e")
        if credentials:
            self.pulumi.set_config("twilio:accountSid", self.emulator.auth[0])
            self.pulumi.set_config("twilio:authToken", TOKEN, secret=True)
        if base_url_in_config:
            self.pulumi.set_config("twilio:apiBaseUrl", self.emulator.base_url)
        else:
            self.pulumi.extra_env["TWILIO_API_BASE_URL"] = self.emulator.base_url


ProjectFactory = Callable[..., Project]


@pytest.fixture
def make_project(tmp_path: Path, pulumi_bin: str, emulator: EmulatorProcess) -> ProjectFactory:
    """``make_project(program_source)``: a Python Pulumi project using the repo's .venv."""

    def make(source: str, name: str = "e2e") -> Project:
        project_dir = tmp_path / name
        project_dir.mkdir()
        (project_dir / "Pulumi.yaml").write_text(
            f"name: {name}\nruntime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: {VENV}\n"
        )
        project = Project(LocalPulumi(project_dir, tmp_path / f"{name}-pulumi", pulumi_bin), emulator)
        project.write_program(source)
        return project

    return make
