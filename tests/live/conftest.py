"""The acceptance suite's target: real Twilio under ``make test-live``, the emulator in ``make test``.

* ``TWILIO_TRUNKING_ACC=1`` (what ``make test-live`` sets once its pre-check passed): Twilio, with the
  credentials and the number ``TWILIO_TEST_PHONE_NUMBER_SID`` from the environment (``TWILIO_API_BASE_URL``
  set: that endpoint instead of Twilio's hosts).
* otherwise: an emulator process of its own, seeded with one number that has a voice configuration,
  and its credentials; ambient ``TWILIO_*`` variables are ignored, so ``make test`` never reaches Twilio.

Either way every request goes through the guard proxy (``guard.py``), the number's voice
configuration is recorded first and restored at the end, the suite creates two trunks named
``PREFIX<run>-a`` and ``-b``, and the teardown sweeps what the run created. Tests run one at a time,
in file order, all on the one number: each starts and ends with it unbound.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any, Literal

import pytest

from pulumi_twilio_trunking.testing.pulumi_cli import LocalPulumi
from tests.e2e.conftest import pulumi_bin  # noqa: F401 - the session fixture, shared with tests/e2e
from tests.live.front_doors import FRONT_DOORS, FrontDoor
from tests.live.guard import PREFIX, Guard, GuardProxy, Refusal, Upstream
from tests.live.number_config import record
from tests.live.settings import LiveSettings, from_environment, gate_is_on
from tests.live.sweep import RECORD_DIR, sweep, upstream_for
from tests.live.twilio_api import SuiteApi
from twilio_trunking_emulator import EmulatorControl, EmulatorProcess, run_emulator_process

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"
EMULATOR_TOKEN = "live-suite-emulator-token"
# The number the emulator stands in with, and the voice configuration the suite must restore.
EMULATOR_NUMBER = "+14155550199"
EMULATOR_VOICE = {
    "voice_application_sid": "AP" + "5" * 32,
    "voice_url": "https://example.com/voice",
    "voice_method": "GET",
    "status_callback": "https://example.com/status",
}


@dataclass(frozen=True)
class Observation:
    """What Twilio (or the emulator) answered where docs/fidelity.md records an assumption."""

    assumption: str
    expected: str
    observed: str
    note: str = ""

    @property
    def matches(self) -> bool:
        return self.expected == self.observed


@dataclass
class LiveTarget:
    mode: Literal["twilio", "emulator"]
    settings: LiveSettings
    guard: Guard
    proxy: GuardProxy
    api: SuiteApi
    phone_number: str  # the number's E.164 form
    trunks: tuple[str, str]
    run_id: str
    emulator: EmulatorControl | None
    observations: list[Observation] = field(default_factory=list)

    @property
    def number_sid(self) -> str:
        return self.settings.number_sid

    def new_trunk(self, suffix: str) -> str:
        """One more trunk of the suite's own (the guard learns it from Twilio's answer)."""
        return self.api.create_trunk(f"{PREFIX}{self.run_id}-{suffix}")

    def bound_to(self) -> str | None:
        """The trunk the number is on now, by the 2010 API (None when unbound)."""
        return self.api.number(self.number_sid).get("trunk_sid") or None

    def observe(self, assumption: str, expected: str, observed: str, note: str = "") -> None:
        """Record an answer once (a test that runs per front door sees the same answer again)."""
        seen = Observation(assumption, expected, observed, note)
        if seen not in self.observations:
            self.observations.append(seen)

    def provider_env(self) -> dict[str, str]:
        return self.settings.provider_env(self.proxy.url)


def _emulator_settings(process: EmulatorProcess) -> LiveSettings:
    seeded = process.control.seed(
        {
            "phone_numbers": [
                {"phone_number": EMULATOR_NUMBER, "friendly_name": "live suite", **EMULATOR_VOICE}
            ]
        }
    )
    (number,) = seeded["phone_numbers"]
    account = process.auth[0]
    return LiveSettings(
        account_sid=account, username=account, password=EMULATOR_TOKEN, number_sid=number["sid"]
    )


def _check_number(api: SuiteApi, settings: LiveSettings) -> dict[str, Any]:
    """The given number, if the suite may use it: in the account, and on no trunk (or on a leftover)."""
    response = api.request("GET", api.number_path(settings.number_sid))
    if response.status_code == 404:
        pytest.fail(
            f"TWILIO_TEST_PHONE_NUMBER_SID {settings.number_sid} is not a number of {settings.account_sid}"
        )
    assert response.status_code == 200, (
        f"reading TWILIO_TEST_PHONE_NUMBER_SID: {response.status_code} {response.text}"
    )
    number: dict[str, Any] = response.json()
    trunk = number.get("trunk_sid")
    if trunk:
        name = next((t.get("friendly_name") for t in api.trunks() if t["sid"] == trunk), None) or ""
        if name.startswith(PREFIX):
            pytest.fail(
                f"the number is still on trunk {trunk} ({name}) of an interrupted run: run `make sweep-live`"
            )
        pytest.fail(
            f"TWILIO_TEST_PHONE_NUMBER_SID {settings.number_sid} is on trunk {trunk}, which the suite did "
            "not create and never touches: unbind it yourself, or give the suite a number on no trunk"
        )
    return number


@pytest.fixture(scope="session")
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveTarget]:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.fail("the live suite runs serially (all of it shares one phone number): run it without -n")
    process: EmulatorProcess | None = None
    if gate_is_on():
        try:
            settings = from_environment(os.environ)
        except LookupError as exc:
            pytest.fail(str(exc))
        mode: Literal["twilio", "emulator"] = "twilio"
        upstream, record_dir = upstream_for(settings), RECORD_DIR
    else:
        log = (tmp_path_factory.mktemp("live-emulator") / "emulator.log").open("w")
        process = run_emulator_process(auth_token=EMULATOR_TOKEN, stderr=log)
        settings, mode = _emulator_settings(process), "emulator"
        upstream = Upstream(process.base_url, process.base_url)
        record_dir = tmp_path_factory.mktemp("live-record")
    guard = Guard(settings.number_sid)
    try:
        with GuardProxy(guard, upstream) as proxy:
            api = SuiteApi(proxy.url, settings.account_sid, settings.auth)
            number = _check_number(api, settings)
            record(api, settings.number_sid, record_dir)
            run_id = f"{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{secrets.token_hex(3)}"
            target = LiveTarget(
                mode, settings, guard, proxy, api, number["phone_number"], ("", ""), run_id,
                process.control if process is not None else None,
            )  # fmt: skip
            try:
                target.trunks = (target.new_trunk("a"), target.new_trunk("b"))
                yield target
            finally:
                swept = sweep(api, guard, sorted(guard.owned_trunks()), record_dir)
                _report(request, target, swept, record_dir)
                api.close()
    finally:
        if process is not None:
            process.stop()


def _report(
    request: pytest.FixtureRequest, target: LiveTarget, swept: Sequence[str], record_dir: Path
) -> None:
    """One line per observed assumption (and a results file on a live run): what docs/fidelity.md records."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    where = f"{target.mode} at {target.settings.base_url}" if target.settings.base_url else target.mode
    lines = [f"live suite ({where}): {line}" for line in swept]
    for seen in target.observations:
        lines.append(f"LIVE {json.dumps({**asdict(seen), 'matches': seen.matches, 'target': target.mode})}")
    if target.mode == "twilio":
        results = record_dir / f"results-{target.run_id}.json"
        results.write_text(
            json.dumps([asdict(o) | {"matches": o.matches} for o in target.observations], indent=2)
        )
        lines.append(f"live suite: results written to {results}")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # shown on every run, not only on a failure
            reporter.write_line("")
            for line in lines:
                reporter.write_line(line)


@pytest.fixture
def number_starts_and_ends_unbound(live: LiveTarget) -> Iterator[None]:
    """Each test starts with the number on no trunk, and leaves it so; no write was refused unless the
    test took the refusal (``live.guard.take_refusals()``)."""
    assert live.bound_to() is None, "the number is on a trunk at the start of a test"
    yield
    refusals: list[Refusal] = live.guard.take_refusals()
    trunk = live.bound_to()
    if trunk is not None and live.guard.owns(trunk):
        live.api.unbind(trunk, live.number_sid)
    assert not refusals, f"the guard refused writes: {', '.join(map(str, refusals))}"
    assert trunk is None or live.guard.owns(trunk), f"the number ended on trunk {trunk}, not the suite's"


@pytest.fixture(params=FRONT_DOORS, ids=[door.name for door in FRONT_DOORS])
def front_door(request: pytest.FixtureRequest) -> FrontDoor:
    door: FrontDoor = request.param
    return door


@dataclass(frozen=True)
class Binding:
    """A ``TrunkPhoneNumberAssociation`` the program declares (``import_id``: the ``import_`` option)."""

    name: str
    trunk: str
    sid: str | None = None
    e164: str | None = None
    adopt: bool | None = None
    import_id: str | None = None

    def spec(self) -> dict[str, Any]:
        spec = {
            "name": self.name,
            "trunk": self.trunk,
            "sid": self.sid,
            "e164": self.e164,
            "adopt": self.adopt,
        }
        return {k: v for k, v in spec.items() if v is not None} | (
            {"import": self.import_id} if self.import_id else {}
        )


@dataclass(frozen=True)
class Exclusive:
    name: str
    trunk: str
    keep: tuple[str, ...] = ()


@dataclass
class AccStack:
    """One stack of the front door's program, on a local file backend, whose provider reaches Twilio
    through the guard proxy with the suite's credentials (from the environment: none in state)."""

    pulumi: LocalPulumi
    front_door: FrontDoor
    live: LiveTarget

    def declare(self, *declared: Binding | Exclusive) -> None:
        """Set what the program declares; the guard's rule first, so a test cannot even ask for a
        binding the suite may not make."""
        for item in declared:
            if isinstance(item, Binding):
                assert item.sid in (None, self.live.number_sid) and item.e164 in (
                    None,
                    self.live.phone_number,
                )
                reason = self.live.guard.may_bind(item.trunk, self.live.number_sid)
            else:
                reason = (
                    None if self.live.guard.owns(item.trunk) else f"trunk {item.trunk} is not the suite's"
                )
            assert reason is None, f"{item}: {reason}"
        bindings = [item.spec() for item in declared if isinstance(item, Binding)]
        exclusive = [
            {"name": item.name, "trunk": item.trunk, "keep": list(item.keep)}
            for item in declared
            if isinstance(item, Exclusive)
        ]
        self.pulumi.set_config_values({"bindings": json.dumps(bindings), "exclusive": json.dumps(exclusive)})

    def run(
        self, *args: str, check: bool = True, env: Mapping[str, str | None] | None = None
    ) -> CompletedProcess[str]:
        return self.pulumi.run(*args, check=check, env=env)

    def up(
        self, *args: str, check: bool = True, env: Mapping[str, str | None] | None = None
    ) -> CompletedProcess[str]:
        return self.run("up", "--yes", "--skip-preview", *args, check=check, env=env)

    def resources(self) -> dict[str, dict[str, Any]]:
        """The program's ``resources`` output: per name, what the front door exports."""
        exported: dict[str, dict[str, Any]] = self.pulumi.outputs().get("resources") or {}
        return exported

    def binding_steps(self, result: CompletedProcess[str], name: str) -> set[str]:
        """The steps the CLI says it completed on the binding ``name``: the status of each
        ``<op> <type> <name> <status> (<time>)`` line, such as ``updated`` or ``created replacement``
        (not the ``…ing`` lines of steps in progress)."""
        pattern = (
            rf"^\s*\S*\s+{re.escape(self.front_door.binding_type)}\s+{re.escape(name)}\s+"
            r"(\w+(?: \w+)?) \([\d.ms]+\)"
        )
        statuses = re.findall(pattern, result.stdout, flags=re.MULTILINE)
        return {status for status in statuses if not status.split()[0].endswith("ing")}

    def binding_ids(self) -> dict[str, str]:
        """Resource name -> id of every binding in the stack's state."""
        return {
            r["urn"].rsplit("::", 1)[1]: r["id"] for r in self.pulumi.resources(self.front_door.binding_type)
        }


StackFactory = Callable[..., AccStack]


@pytest.fixture
def make_stack(tmp_path: Path, pulumi_bin: str, front_door: FrontDoor, live: LiveTarget) -> StackFactory:  # noqa: F811
    def make(name: str = "acc") -> AccStack:
        project_dir = tmp_path / name
        front_door.write_project(project_dir, name, VENV)
        pulumi = LocalPulumi(project_dir, tmp_path / f"{name}-pulumi", pulumi_bin)
        pulumi.extra_env.update(live.provider_env())
        pulumi.select_stack("acc")
        return AccStack(pulumi, front_door, live)

    return make


def one_line(output: str) -> str:
    """The CLI's output with its line wrapping undone, for matching messages."""
    return re.sub(r"\s+", " ", output)
