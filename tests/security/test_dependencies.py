"""Dependency floors past known advisories, and one pinned set that ``make venv`` (and CI) installs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
CONSTRAINTS = ROOT / "constraints.txt"

# The first version without the advisory: (distribution, fixed in, advisory).
ADVISORIES = [
    ("starlette", "0.47.2", "CVE-2025-54121"),
    ("starlette", "0.49.1", "CVE-2025-62727"),
    ("starlette", "1.0.1", "CVE-2026-48710"),
    ("h11", "0.16.0", "CVE-2025-43859"),
    ("uvicorn", "0.11.7", "CVE-2020-7695"),
    ("pydantic", "2.4.0", "CVE-2024-3772"),
    ("httpx", "0.23.0", "CVE-2021-41945"),
    ("pyyaml", "5.4", "CVE-2020-14343"),
    ("setuptools", "78.1.1", "CVE-2025-47273"),
]


def declared() -> dict[str, Requirement]:
    project = PYPROJECT["project"]
    texts = list(project["dependencies"]) + list(PYPROJECT["build-system"]["requires"])
    for extra in project["optional-dependencies"].values():
        texts += [t for t in extra if not t.startswith("pulumi-twilio-trunking")]
    return {canonicalize_name(r.name): r for r in map(Requirement, texts)}


def pinned() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in CONSTRAINTS.read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


@pytest.mark.parametrize(("name", "fixed", "advisory"), ADVISORIES, ids=[a[2] for a in ADVISORIES])
def test_no_declared_range_allows_a_version_with_a_known_advisory(
    name: str, fixed: str, advisory: str
) -> None:
    requirement = declared()[name]
    floors = [Version(s.version) for s in requirement.specifier if s.operator in (">=", "~=", "==")]
    assert floors and max(floors) >= Version(fixed), (str(requirement), advisory)
    assert pinned().get(name, Version(fixed)) >= Version(fixed), advisory


def test_every_pin_satisfies_the_declared_range() -> None:
    pins = pinned()
    for name, requirement in declared().items():
        if name in pins:
            assert requirement.specifier.contains(pins[name]), (name, str(pins[name]), str(requirement))


def test_make_venv_installs_the_pins_and_rebuilds_when_they_change() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^CONSTRAINTS := constraints\.txt$", makefile, flags=re.MULTILINE)
    assert "cat pyproject.toml $(CONSTRAINTS) | sha1sum" in makefile
    assert re.search(r"^\$\(STAMP\): pyproject\.toml \$\(CONSTRAINTS\)$", makefile, flags=re.MULTILINE)
    assert "pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'" in makefile
    assert re.search(r"^audit: venv ## ", makefile, flags=re.MULTILINE)
    assert "pip-audit --strict" in makefile
