"""End-to-end fixtures: the real ``pulumi`` CLI, an emulator process, and throwaway projects.

Every test under tests/e2e carries the ``e2e`` marker. Without a CLI they skip locally, but with
``CI=true`` they fail: CI must prove the engine path, never skip it.
"""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_twilio_trunking.properties import RESOURCE_TYPE
from pulumi_twilio_trunking.testing.pulumi_cli import (
    LocalPulumi,
    PulumiNotFound,
    find_pulumi,
    write_python_project,
)
from tests.missing_tool import missing_tool
from twilio_trunking_emulator import EmulatorProcess, run_emulator_process

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"
TOKEN = "e2e-token-0b7d41f9"
BINDING_TYPE = RESOURCE_TYPE

# The program most tests run, written as a user would: one binding per number of the stack config
# ``numbers`` (a JSON list of E.164 numbers) to the trunk ``trunk``, named after the number.
BINDINGS_PROGRAM = """
import pulumi
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

config = pulumi.Config()
trunk = config.require("trunk")
bindings = {
    number: TrunkPhoneNumberAssociation(f"line-{number.lstrip('+')}", trunk_sid=trunk, phone_number=number)
    for number in config.require_object("numbers")
}
pulumi.export("bindings", {n: {"sid": b.phone_number_sid, "trunk": b.trunk_sid} for n, b in bindings.items()})
"""


def bindings_with(output: str, status: str) -> set[str]:
    """Names of the bindings for which the CLI printed ``<type> <name> <status>`` (e.g. ``created``)."""
    pattern = rf"^\s*\S*\s+{re.escape(BINDING_TYPE)}\s+(\S+)\s+{re.escape(status)}(?:\s|$)"
    return set(re.findall(pattern, output, flags=re.MULTILINE))


def numbers(count: int, first: int = 0) -> list[str]:
    """``count`` distinct E.164 numbers of the 555 range."""
    return [f"+1415555{first + index:04d}" for index in range(count)]


def resource_name(number: str) -> str:
    """The name ``BINDINGS_PROGRAM`` gives the binding of ``number``."""
    return f"line-{number.lstrip('+')}"


@dataclass(frozen=True)
class Seeded:
    trunks: list[str]
    numbers: dict[str, str]  # E.164 -> PN SID


class TwilioApi:
    """Out-of-band changes through the emulator's Twilio API, as another tool or a person would make them."""

    def __init__(self, base_url: str, auth: tuple[str, str]) -> None:
        self._client = httpx.Client(base_url=base_url, auth=auth, timeout=10)

    def close(self) -> None:
        self._client.close()

    def bind(self, trunk_sid: str, number_sid: str) -> None:
        path = f"/v1/Trunks/{trunk_sid}/PhoneNumbers"
        response = self._client.post(path, data={"PhoneNumberSid": number_sid})
        assert response.status_code == 201, response.text

    def unbind(self, trunk_sid: str, number_sid: str) -> None:
        response = self._client.delete(f"/v1/Trunks/{trunk_sid}/PhoneNumbers/{number_sid}")
        assert response.status_code == 204, response.text

    def move(self, number_sid: str, from_trunk: str, to_trunk: str) -> None:
        self.unbind(from_trunk, number_sid)
        self.bind(to_trunk, number_sid)

    def trunk_numbers(self, trunk_sid: str) -> list[str]:
        """The PN SIDs the trunk's PhoneNumbers list holds (one page is enough for these tests)."""
        response = self._client.get(f"/v1/Trunks/{trunk_sid}/PhoneNumbers", params={"PageSize": 1000})
        assert response.status_code == 200, response.text
        return [item["sid"] for item in response.json()["phone_numbers"]]


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
        missing_tool(f"the Pulumi CLI is needed for end-to-end tests (run `make pulumi`): {exc}")
    return path


@pytest.fixture
def emulator_process(tmp_path: Path) -> Iterator[EmulatorProcess]:
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

    def configure(
        self, *, credentials: bool = True, base_url_in_config: bool = False, stack: str = "e2e"
    ) -> None:
        """Select (or create) ``stack`` and point the provider at the emulator."""
        self.pulumi.select_stack(stack)
        values: dict[str, str] = {}
        if credentials:
            values["twilio:accountSid"] = self.emulator.auth[0]
            values["twilio:authToken"] = TOKEN
        if base_url_in_config:
            values["twilio:apiBaseUrl"] = self.emulator.base_url
        else:
            self.pulumi.extra_env["TWILIO_API_BASE_URL"] = self.emulator.base_url
        self.pulumi.set_config_values(values, secret={"twilio:authToken"})

    def seed(self, numbers: Sequence[str], *, trunks: int = 1) -> Seeded:
        """Create ``trunks`` trunks and the (unbound) ``numbers`` in the emulator."""
        result = self.emulator.control.seed(
            {
                "trunks": [{"friendly_name": f"trunk-{index}"} for index in range(trunks)],
                "phone_numbers": [{"phone_number": number} for number in numbers],
            }
        )
        return Seeded(
            [trunk["sid"] for trunk in result["trunks"]],
            {number["phone_number"]: number["sid"] for number in result["phone_numbers"]},
        )

    def seed_one(self) -> tuple[str, str, str]:
        """One trunk and one unbound number: (trunk SID, E.164 number, PN SID)."""
        (number,) = numbers(1)
        seeded = self.seed([number])
        return seeded.trunks[0], number, seeded.numbers[number]

    def declare(self, trunk_sid: str, declared: Sequence[str]) -> None:
        """Set the ``trunk`` and ``numbers`` config that ``BINDINGS_PROGRAM`` reads."""
        self.pulumi.set_config_values({"trunk": trunk_sid, "numbers": json.dumps(list(declared))})

    def prepare(self, declared: Sequence[str], *, trunks: int = 1) -> Seeded:
        """Seed the numbers and trunks, configure the stack, and declare ``declared`` on the first trunk."""
        seeded = self.seed(declared, trunks=trunks)
        self.configure()
        self.declare(seeded.trunks[0], declared)
        return seeded

    def bound(self) -> dict[str, str | None]:
        """What the emulator holds: PN SID -> the trunk it is bound to (None when unbound)."""
        state = self.emulator.control.state()
        return {number["sid"]: number["trunk_sid"] for number in state["phone_numbers"]}

    def bindings_in_state(self) -> dict[str, dict[str, Any]]:
        """The ``TrunkPhoneNumberAssociation`` resources of the stack's state, by resource name."""
        return {r["urn"].rsplit("::", 1)[1]: r for r in self.pulumi.resources(BINDING_TYPE)}

    def assert_converged(self, seeded: Seeded, trunk_sid: str, declared: Sequence[str]) -> None:
        """Exactly ``declared`` are bound (to ``trunk_sid``), and the state holds exactly their bindings."""
        expected = {seeded.numbers[number]: trunk_sid for number in declared}
        bound = {sid: trunk for sid, trunk in self.bound().items() if trunk is not None}
        assert bound == expected
        in_state = {name: r["id"] for name, r in self.bindings_in_state().items()}
        assert in_state == {resource_name(n): f"{trunk_sid}/{seeded.numbers[n]}" for n in declared}


ProjectFactory = Callable[..., Project]


@pytest.fixture
def make_project(tmp_path: Path, pulumi_bin: str, emulator_process: EmulatorProcess) -> ProjectFactory:
    """``make_project(program_source)``: a Python Pulumi project using the repo's .venv."""

    def make(source: str, name: str = "e2e") -> Project:
        project_dir = tmp_path / name
        write_python_project(project_dir, name, textwrap.dedent(source), VENV)
        return Project(LocalPulumi(project_dir, tmp_path / f"{name}-pulumi", pulumi_bin), emulator_process)

    return make


@pytest.fixture
def twilio_api(emulator_process: EmulatorProcess) -> Iterator[TwilioApi]:
    api = TwilioApi(emulator_process.base_url, emulator_process.auth)
    yield api
    api.close()
