"""The YAML language host that `make pulumi` builds from Go modules and links beside `pulumi`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pulumi_twilio_trunking.testing.pulumi_cli import LocalPulumi
from tests.tooling.conftest import yaml_program

pytestmark = pytest.mark.e2e


def test_a_yaml_program_previews_updates_and_reads_its_config(
    beside_pulumi: Callable[[str], Path], local_pulumi: Callable[[Path], LocalPulumi], tmp_path: Path
) -> None:
    beside_pulumi("pulumi-language-yaml")
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(yaml_program("yaml-smoke"))
    cli = local_pulumi(project)
    cli.select_stack("dev")

    preview = cli.run("preview")
    assert 'message: "hello, world"' in preview.stdout
    assert cli.outputs() == {}  # a preview changes nothing

    cli.run("up", "--yes")
    assert cli.outputs() == {"message": "hello, world", "stack": "dev"}

    cli.set_config("greeting", "hi")
    cli.run("up", "--yes")
    assert cli.outputs()["message"] == "hi, world"
