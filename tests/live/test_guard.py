"""The guard: the live suite cannot write to a trunk it did not create or a number it was not given.

The rule itself (``Guard.check``), then the proxy in front of an emulator of its own that holds
*someone else's* trunk and number: every write the suite may not make is answered 403 by the proxy and
never reaches the emulator, also when it comes from a Pulumi program's provider. These tests never
touch Twilio, whatever the mode.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pulumi_twilio_trunking.testing.pulumi_cli import LocalPulumi
from tests.live.conftest import VENV, one_line
from tests.live.front_doors import FrontDoor
from tests.live.guard import GUARD_ERROR_CODE, PREFIX, Guard, GuardProxy, Upstream
from tests.live.settings import LiveSettings
from tests.live.twilio_api import SuiteApi
from twilio_trunking_emulator import EmulatorProcess, run_emulator_process

OURS = "PN" + "1" * 32
THEIRS = "PN" + "2" * 32
OWNED = "TK" + "a" * 32
FOREIGN = "TK" + "b" * 32
ACCOUNT = "AC" + "0" * 32
NUMBERS = f"/2010-04-01/Accounts/{ACCOUNT}/IncomingPhoneNumbers"


@pytest.fixture
def guard() -> Guard:
    guard = Guard(OURS)
    guard.learn("POST", "/v1/Trunks", 201, {"sid": OWNED, "friendly_name": f"{PREFIX}run-a"})
    return guard


def test_reads_pass_and_the_suites_own_writes_pass(guard: Guard) -> None:
    allowed = [
        ("GET", f"/v1/Trunks/{FOREIGN}/PhoneNumbers", {}),
        ("GET", f"{NUMBERS}/{THEIRS}.json", {}),
        ("POST", "/v1/Trunks", {"FriendlyName": f"{PREFIX}run-c"}),
        ("POST", f"/v1/Trunks/{OWNED}", {"FriendlyName": f"{PREFIX}run-a"}),
        ("DELETE", f"/v1/Trunks/{OWNED}", {}),
        ("POST", f"/v1/Trunks/{OWNED}/PhoneNumbers", {"PhoneNumberSid": OURS}),
        ("DELETE", f"/v1/Trunks/{OWNED}/PhoneNumbers/{OURS}", {}),
        ("POST", f"{NUMBERS}/{OURS}.json", {"VoiceUrl": "https://example.com/voice", "TrunkSid": ""}),
        ("POST", f"{NUMBERS}/{OURS}.json", {"TrunkSid": OWNED}),
    ]
    for method, path, form in allowed:
        assert guard.check(method, path, form) is None, (method, path, form)


@pytest.mark.parametrize(
    ("method", "path", "form", "reason"),
    [
        ("POST", "/v1/Trunks", {"FriendlyName": "prod trunk"}, "must start with"),
        ("POST", f"/v1/Trunks/{FOREIGN}", {"FriendlyName": "x"}, "not created by the suite"),
        ("DELETE", f"/v1/Trunks/{FOREIGN}", {}, "not created by the suite"),
        ("POST", f"/v1/Trunks/{FOREIGN}/PhoneNumbers", {"PhoneNumberSid": OURS}, "not created by this run"),
        ("POST", f"/v1/Trunks/{OWNED}/PhoneNumbers", {"PhoneNumberSid": THEIRS}, "is not TWILIO_TEST_PHONE"),
        ("DELETE", f"/v1/Trunks/{FOREIGN}/PhoneNumbers/{THEIRS}", {}, "not created by this run"),
        ("DELETE", f"/v1/Trunks/{OWNED}/PhoneNumbers/{THEIRS}", {}, "is not TWILIO_TEST_PHONE"),
        (
            "POST",
            f"{NUMBERS}/{THEIRS}.json",
            {"VoiceUrl": "https://example.com/x"},
            "is not TWILIO_TEST_PHONE",
        ),
        ("POST", f"{NUMBERS}/{OURS}.json", {"TrunkSid": FOREIGN}, "not created by the suite"),
        ("POST", f"{NUMBERS}.json", {"PhoneNumber": "+14155550100"}, "never buys"),
        ("DELETE", f"{NUMBERS}/{OURS}.json", {}, "never releases"),
        ("POST", f"/v1/Trunks/{OWNED}/OriginationUrls", {}, "not a write the live suite makes"),
        ("PUT", f"/v1/Trunks/{OWNED}", {}, "not a write the live suite makes"),
    ],
)
def test_every_other_write_is_refused(
    guard: Guard, method: str, path: str, form: dict[str, str], reason: str
) -> None:
    refusal = guard.check(method, path, form)
    assert refusal is not None and reason in refusal, refusal


def test_only_a_trunk_created_with_the_prefix_is_learnt(guard: Guard) -> None:
    guard.learn("POST", "/v1/Trunks", 201, {"sid": FOREIGN, "friendly_name": "prod trunk"})
    guard.learn("POST", "/v1/Trunks", 400, {"sid": FOREIGN, "friendly_name": f"{PREFIX}x"})
    assert guard.owned_trunks() == {OWNED}


def test_absent_resources_may_be_named_and_the_sweeper_claims_only_prefixed_trunks(guard: Guard) -> None:
    absent_trunk, absent_number = "TK" + "c" * 32, "PN" + "3" * 32
    assert guard.may_bind(absent_trunk, OURS) is not None
    guard.mark_absent_trunk(absent_trunk)
    guard.mark_absent_number(absent_number)
    assert guard.may_bind(absent_trunk, OURS) is None
    assert guard.may_bind(OWNED, absent_number) is None
    with pytest.raises(PermissionError, match="was not created by the live suite"):
        guard.own_swept_trunk(FOREIGN, "prod trunk")
    guard.own_swept_trunk(FOREIGN, f"{PREFIX}20261206-leftover-a")
    assert guard.owns(FOREIGN)


# --- the proxy in front of an emulator that holds someone else's trunk --------------------------------


@dataclass(frozen=True)
class Account:
    emulator: EmulatorProcess
    proxy: GuardProxy
    api: SuiteApi
    ours: str  # the number given to the suite
    theirs: str  # someone else's number, on someone else's trunk
    foreign: str  # someone else's trunk
    owned: str  # the suite's trunk


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    log = (tmp_path / "emulator.log").open("w")
    with run_emulator_process(auth_token="guard-token", stderr=log) as emulator:
        seeded = emulator.control.seed(
            {
                "trunks": [{"friendly_name": "production trunk"}],
                "phone_numbers": [{"phone_number": "+14155550101"}, {"phone_number": "+14155550102"}],
            }
        )
        (foreign,) = [t["sid"] for t in seeded["trunks"]]
        ours, theirs = (n["sid"] for n in seeded["phone_numbers"])
        emulator.control.seed(
            {"phone_numbers": [{"sid": theirs, "phone_number": "+14155550102", "trunk_sid": foreign}]}
        )
        guard = Guard(ours)
        with GuardProxy(guard, Upstream(emulator.base_url, emulator.base_url)) as proxy:
            api = SuiteApi(proxy.url, emulator.auth[0], emulator.auth)
            owned = api.create_trunk(f"{PREFIX}guard-test")
            yield Account(emulator, proxy, api, ours, theirs, foreign, owned)
            api.close()
    log.close()


def _writes_received(account: Account) -> list[str]:
    log = account.emulator.control.requests()["requests"]
    return [f"{e['method']} {e['path']}" for e in log if e["method"] in ("POST", "DELETE")]


def test_the_proxy_answers_403_and_sends_nothing_on(account: Account) -> None:
    account.emulator.control.clear_requests()
    attempts = [
        account.api.unbind(account.foreign, account.theirs),
        account.api.bind(account.foreign, account.ours),
        account.api.bind(account.owned, account.theirs),
        account.api.request("DELETE", f"/v1/Trunks/{account.foreign}"),
        account.api.request("POST", f"{account.api.number_path(account.theirs)}", data={"VoiceUrl": ""}),
        account.api.request("DELETE", account.api.number_path(account.ours)),
        account.api.request("POST", account.api.number_path(account.ours).rsplit("/", 1)[0] + ".json",
                            data={"PhoneNumber": "+14155550199"}),
    ]  # fmt: skip
    for response in attempts:
        assert response.status_code == 403, response.text
        body = response.json()
        assert body["code"] == GUARD_ERROR_CODE and body["status"] == 403
        assert body["message"].startswith("refused by the live suite's guard, not sent to Twilio")
    assert _writes_received(account) == []
    assert len(account.proxy.guard.take_refusals()) == len(attempts)
    state = account.emulator.control.state()
    assert {n["sid"]: n["trunk_sid"] for n in state["phone_numbers"]} == {
        account.ours: None,
        account.theirs: account.foreign,
    }
    assert {t["sid"] for t in state["trunks"]} == {account.foreign, account.owned}
    # What is the suite's to do still passes.
    assert account.api.bind(account.owned, account.ours).status_code == 201


@pytest.mark.e2e
def test_a_program_that_declares_someone_elses_trunk_is_stopped_at_the_proxy(
    account: Account, tmp_path: Path, pulumi_bin: str, front_door: FrontDoor
) -> None:
    """The provider in the Pulumi program goes through the proxy too, whichever front door declares
    the binding (the ``front_door`` fixture runs it once per front door): its POST never reaches
    Twilio."""
    project_dir = tmp_path / "acc"
    front_door.write_project(project_dir, "acc", VENV)
    pulumi = LocalPulumi(project_dir, tmp_path / "acc-pulumi", pulumi_bin)
    settings = LiveSettings(account.emulator.auth[0], account.emulator.auth[0], "guard-token", account.ours)
    pulumi.extra_env.update(settings.provider_env(account.proxy.url))
    pulumi.select_stack("acc")
    binding = {"name": "line", "trunk": account.foreign, "sid": account.ours}
    pulumi.set_config_values({"bindings": json.dumps([binding]), "exclusive": "[]"})
    account.emulator.control.clear_requests()

    up = pulumi.run("up", "--yes", "--skip-preview", check=False)
    assert up.returncode != 0
    assert "refused by the live suite's guard, not sent to Twilio" in one_line(up.stdout + up.stderr), (
        up.stdout
    )
    assert _writes_received(account) == []
    (refusal,) = account.proxy.guard.take_refusals()
    assert refusal.path == f"/v1/Trunks/{account.foreign}/PhoneNumbers"
    assert {n["sid"]: n["trunk_sid"] for n in account.emulator.control.state()["phone_numbers"]}[
        account.ours
    ] is None


def test_the_proxy_never_logs_credentials(account: Account) -> None:
    account.api.trunks()
    logged = repr(account.proxy.exchanges())
    assert "guard-token" not in logged and "Authorization" not in logged
    assert httpx.get(f"{account.proxy.url}/v1/Trunks", timeout=10).status_code == 401  # no credentials added
