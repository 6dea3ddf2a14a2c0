"""Many provider operations at once while the emulator misbehaves on 30% of requests.

Each scenario drives creates, reads and deletes of many bindings on one trunk from four threads
(as the provider host does) and then checks, with faults off, that Twilio holds exactly what the
operations reported: each number bound once, the deleted ones unbound, nothing half-done.
Non-retryable errors must instead fail at once, carrying Twilio's code and message.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_twilio_trunking.errors import BindingError, ConfigurationError, ProviderError
from pulumi_twilio_trunking.provider import TrunkPhoneNumberAssociationProvider
from pulumi_twilio_trunking.session import ProviderSession
from pulumi_twilio_trunking.testing import TwilioEmulator
from pulumi_twilio_trunking.twilio.client import TwilioClient
from pulumi_twilio_trunking.twilio.errors import TwilioApiError
from tests.provider.conftest import Seeded, binding_sids, create_binding, next_update, stack_config
from twilio_trunking_emulator import EmulatorControl
from twilio_trunking_emulator.control import FaultRuleSpec
from twilio_trunking_emulator.core.exceptions import default_code_for_status, default_message_for_status

Provider = TrunkPhoneNumberAssociationProvider
NUMBERS = 24
RATE = 0.3
BINDINGS_ROUTE = "/v1/Trunks/{TrunkSid}/PhoneNumbers"


@dataclass(frozen=True)
class Scenario:
    rules: list[FaultRuleSpec]
    config: dict[str, str] = field(default_factory=dict)
    drain: float = 0.0  # seconds for requests the client gave up on to finish (and leave the log)


SCENARIOS = {
    "429-retry-after": Scenario([{"kind": "status", "status": 429, "retry_after": 1, "rate": RATE}]),
    "429-no-retry-after": Scenario([{"kind": "status", "status": 429, "rate": RATE}]),
    "500": Scenario([{"kind": "status", "status": 500, "rate": RATE}]),
    "503": Scenario([{"kind": "status", "status": 503, "rate": RATE}]),
    "drop": Scenario([{"kind": "drop", "rate": RATE}]),
    "drop-after": Scenario([{"kind": "drop_after", "rate": RATE}]),
    "slow": Scenario([{"kind": "latency", "latency_ms": 150, "rate": RATE}]),
    # Slow enough to pass the read timeout: the client gives up and asks again. Snapshots leave few
    # reads to slow down, so the first four all are. (Reads only: a write the client gave up on may
    # still land later, which no client can prevent.)
    "slow-past-timeout": Scenario(
        [{"kind": "latency", "latency_ms": 800, "count": 4, "method": "GET"}],
        {"twilio:readTimeout": "0.3"},
        drain=0.8,
    ),
    "mixed": Scenario(
        [
            {"kind": "status", "status": 429, "rate": 0.1},
            {"kind": "status", "status": 503, "rate": 0.1},
            {"kind": "drop_after", "rate": 0.1},
            {"kind": "latency", "latency_ms": 50, "rate": RATE},
        ]
    ),
}


def _provider(emulator: TwilioEmulator, **config: str) -> Provider:
    # The default retry budget: at 30% faults, 12 failures in a row are a 1-in-2-million event.
    settings = stack_config(emulator, **config)
    provider = Provider(ProviderSession())
    provider.configure(ConfigureRequest(Config(settings, "proj")))
    return provider


def _seed_numbers(control: EmulatorControl, prefix: str, count: int) -> list[dict[str, Any]]:
    phone_numbers = [{"phone_number": f"{prefix}{i:04d}"} for i in range(count)]
    return control.seed({"phone_numbers": phone_numbers})["phone_numbers"]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_creates_reads_and_deletes_under_faults_end_exactly_as_reported(
    name: str, twilio_emulator: TwilioEmulator, control: EmulatorControl, seeded: Seeded, client: TwilioClient
) -> None:
    scenario = SCENARIOS[name]
    numbers = _seed_numbers(control, "+1628666", NUMBERS)
    provider = _provider(twilio_emulator, **scenario.config)
    # Half the bindings declared by E.164 number, half by PN SID, as users mix them.
    declared = [
        {"phone_number": n["phone_number"]} if i % 2 else {"phone_number_sid": n["sid"]}
        for i, n in enumerate(numbers)
    ]
    control.clear_requests()
    control.set_faults(scenario.rules, seed=11)
    with ThreadPoolExecutor(max_workers=4) as pool:
        created = list(pool.map(lambda d: create_binding(provider, trunk_sid=seeded.trunk, **d), declared))
        reads = list(pool.map(lambda c: provider.read(*c), created))
        gone, kept = created[: NUMBERS // 2], created[NUMBERS // 2 :]
        # Deletes come from a later command (within one, every binding created is held by the update).
        deleting = next_update(provider)
        list(pool.map(lambda c: deleting.delete(*c), gone))
        reads_after = list(pool.map(lambda c: provider.read(*c), created))
    time.sleep(scenario.drain)
    fired = sum(rule["hits"] for rule in control.faults()["rules"])
    control.clear_faults()
    log = control.requests()

    assert fired >= 3, "the faults must have fired"
    assert [c[0] for c in created] == [f"{seeded.trunk}/{n['sid']}" for n in numbers]
    assert [r.id for r in reads] == [c[0] for c in created]
    assert all(r.outs is not None and r.outs["trunk_sid"] == seeded.trunk for r in reads)
    assert [r.id for r in reads_after] == [""] * len(gone) + [c[0] for c in kept]
    # Twilio holds exactly the kept bindings, each once, and nothing moved anywhere else.
    on_trunk = binding_sids(client.list_trunk_phone_numbers(seeded.trunk))
    assert sorted(on_trunk) == sorted(c[1]["sid"] for c in kept)
    assert list(client.list_trunk_phone_numbers(seeded.other_trunk)) == []
    trunks = {n["sid"]: n["trunk_sid"] for n in control.state()["phone_numbers"]}
    assert all(trunks[c[1]["sid"]] is None for c in gone)
    # Each number was bound by exactly one POST that Twilio carried out (retries of a lost
    # response were refused as already bound, and settled by reading the binding back).
    binds = [
        r
        for r in log["requests"]
        if r["method"] == "POST" and r["route"] == BINDINGS_ROUTE and r["status"] == 201
    ]
    assert len(binds) == NUMBERS


def test_a_refresh_of_many_bindings_under_faults_stays_on_the_list_endpoint(
    twilio_emulator: TwilioEmulator, control: EmulatorControl, seeded: Seeded
) -> None:
    numbers = _seed_numbers(control, "+1628777", 300)
    control.seed(
        {
            "phone_numbers": [
                {"sid": n["sid"], "phone_number": n["phone_number"], "trunk_sid": seeded.trunk}
                for n in numbers
            ]
        }
    )
    provider = _provider(twilio_emulator)
    control.clear_requests()
    control.set_faults(
        [{"kind": "status", "status": 429, "rate": 0.15}, {"kind": "status", "status": 503, "rate": 0.15}],
        seed=5,
    )
    states = [
        (f"{seeded.trunk}/{n['sid']}", {"trunk_sid": seeded.trunk, "phone_number_sid": n["sid"]})
        for n in numbers
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda s: provider.read(*s), states))
    log = control.requests()
    control.clear_faults()
    assert [r.id for r in results] == [s[0] for s in states]
    answered = [r for r in log["requests"] if r["fault"] is None]
    assert len(answered) <= 3, f"a wave of reads must share one list request: {log['counts']}"


# Non-retryable errors: one request, then Twilio's code and message, at once.


def _requests_to(control: EmulatorControl, method: str, route: str) -> int:
    return sum(1 for r in control.requests()["requests"] if r["method"] == method and r["route"] == route)


@pytest.mark.parametrize("status", [400, 401, 403])
def test_a_non_retryable_answer_to_a_bind_fails_at_once_with_twilios_code(
    status: int, provider: Provider, control: EmulatorControl, seeded: Seeded, client: TwilioClient
) -> None:
    control.set_faults([{"kind": "status", "status": status, "method": "POST"}])
    started = time.monotonic()
    # The provider's boundary turns Twilio's error into one line (401/403: a ConfigurationError that
    # names where the credentials came from) that still carries the status, code and message.
    with pytest.raises(ConfigurationError if status in (401, 403) else ProviderError) as caught:
        create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
    elapsed = time.monotonic() - started
    control.clear_faults()
    assert _requests_to(control, "POST", BINDINGS_ROUTE) == 1
    code, message = default_code_for_status(status), default_message_for_status(status)
    assert f"HTTP {status}, error {code}: {message}" in str(caught.value)
    assert elapsed < 1.0, "no backoff for an answer that will not change"
    assert client.fetch_trunk_phone_number(seeded.trunk, seeded.numbers["+14155550101"]) is None


def test_a_wrong_token_fails_the_first_request_with_20003(
    twilio_emulator: TwilioEmulator, control: EmulatorControl, seeded: Seeded
) -> None:
    provider = Provider(ProviderSession())
    provider.configure(
        ConfigureRequest(
            Config(stack_config(twilio_emulator, **{"twilio:authToken": "not-the-token"}), "proj")
        )
    )
    with pytest.raises(ConfigurationError) as caught:
        create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
    assert "Twilio refused the credentials (HTTP 401, error 20003: Authenticate)" in str(caught.value)
    assert "not-the-token" not in str(caught.value)
    assert control.requests()["total"] == 1


def test_a_missing_trunk_is_a_404_error_sent_once(
    provider: Provider, control: EmulatorControl, seeded: Seeded
) -> None:
    missing = "TK" + "9" * 32
    with pytest.raises(BindingError) as caught:
        create_binding(provider, trunk_sid=missing, phone_number_sid=seeded.numbers["+14155550101"])
    # After the POST's 404, one GET of the trunk tells which of the two is missing.
    assert f"trunk {missing} does not exist in account" in str(caught.value)
    assert "fix trunk_sid" in str(caught.value)
    assert _requests_to(control, "POST", BINDINGS_ROUTE) == 1


def test_a_404_on_read_means_gone_but_on_fetch_trunk_it_is_an_error(
    client: TwilioClient, control: EmulatorControl, seeded: Seeded
) -> None:
    assert client.fetch_trunk_phone_number(seeded.trunk, seeded.numbers["+14155550101"]) is None
    control.clear_requests()
    with pytest.raises(TwilioApiError) as caught:
        client.fetch_trunk("TK" + "9" * 32)
    assert (caught.value.status, caught.value.code) == (404, 20404)
    assert "was not found" in caught.value.message
    assert control.requests()["total"] == 1
