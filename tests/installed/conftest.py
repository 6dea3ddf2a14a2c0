"""Fixtures for the as-installed test: the package built, installed in fresh virtualenvs, and a CLI.

Nothing here puts the checkout on a path: the tests run the wheel from virtualenvs in temp dirs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pulumi_twilio_trunking.testing.pulumi_cli import PulumiNotFound, find_pulumi
from tests.missing_tool import missing_tool

ROOT = Path(__file__).resolve().parents[2]
PULUMI_FILES = (
    "pulumi",
    "pulumi-language-python",
    "pulumi-language-python-exec",
    "pulumi-resource-pulumi-python",
    "pulumi-language-yaml",
)
# Not part of a source distribution; copying them would only slow the build down.
SKIP_WHEN_COPYING = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "__pycache__",
    "*.egg-info",
    "build",
    "dist",
    ".demo",
    ".state",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
)


@dataclass(frozen=True)
class Dists:
    sdist: Path
    wheel: Path


@pytest.fixture(scope="session")
def scratch() -> Iterator[Path]:
    """A temp dir of this session's own, outside the checkout.

    Not pytest's basetemp: a pytest run started elsewhere in the meantime (several people test in
    this tree at once) may prune that while the virtualenvs in it are still in use.
    """
    with tempfile.TemporaryDirectory(prefix="pulumi-twilio-trunking-installed-") as path:
        yield Path(path)


@pytest.fixture
def workdir(scratch: Path, request: pytest.FixtureRequest) -> Path:
    path = scratch / str(request.node.name)
    path.mkdir()
    return path


def run(*args: str | Path, timeout: float, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd
    )
    assert done.returncode == 0, (
        f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    return done


@pytest.fixture(scope="session")
def dists(scratch: Path) -> Dists:
    """The sdist, and the wheel built from it, by a standard frontend (``python -m build``)."""
    work = scratch / "build"
    source = work / "source"
    # A copy, so that the build's egg-info never lands in the checkout that others are editing.
    shutil.copytree(ROOT, source, ignore=SKIP_WHEN_COPYING, symlinks=True)
    out = work / "dist"
    run(sys.executable, "-m", "build", "--outdir", out, source, timeout=600)
    (sdist,) = out.glob("pulumi_twilio_trunking-*.tar.gz")
    (wheel,) = out.glob("pulumi_twilio_trunking-*.whl")
    return Dists(sdist, wheel)


def make_venv(path: Path, wheel: Path, extras: str = "") -> Path:
    """A fresh virtualenv at ``path`` with the wheel installed (not editable), by direct reference.

    Dependencies come from the package index through pip's cache; the package itself never does.
    """
    run(sys.executable, "-m", "venv", path, timeout=120)
    requirement = f"pulumi-twilio-trunking{extras} @ {wheel.as_uri()}"
    run(path / "bin" / "python", "-m", "pip", "install", "--quiet", requirement, timeout=900, cwd=path)
    return path


@pytest.fixture(scope="session")
def pulumi_links(scratch: Path) -> Path:
    """A dir holding only links to the CLI's files (as `make pulumi` puts them in .venv/bin).

    Like tests/e2e: without a CLI this skips, but with ``CI=true`` it fails.
    """
    try:
        pulumi = find_pulumi(ROOT / ".venv" / "bin")
        subprocess.run([pulumi, "version"], check=True, capture_output=True, timeout=60)
    except (PulumiNotFound, subprocess.SubprocessError, OSError) as exc:
        missing_tool(f"the Pulumi CLI is needed for the as-installed test (run `make pulumi`): {exc}")
    links = scratch / "pulumi-bin"
    links.mkdir()
    places = [Path(pulumi).parent, Path(pulumi).resolve().parent]
    for name in PULUMI_FILES:
        found = next((p / name for p in places if (p / name).is_file()), None)
        assert found is not None, f"{name} is not next to {pulumi}"
        (links / name).symlink_to(found.resolve())
    return links
