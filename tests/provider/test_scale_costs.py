"""Request counts at account scale: a small stack never pays for a big account (snapshots' cost rule)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pulumi.dynamic import Config, ConfigureRequest, CreateResult

from pulumi_twilio_trunking.provider import TrunkPhoneNumberAssociationProvider
from pulumi_twilio_trunking.session import ProviderSession
from pulumi_twilio_trunking.testing import TwilioEmulator
from twilio_trunking_emulator import EmulatorControl

from .conftest import stack_config

# A "big" account kept small enough for a fast test: 3 pages of numbers, a trunk of 3 pages.
NUMBERS = 3_000
BIG_TRUNK = 2_500


def _account(control: EmulatorControl) -> tuple[list[str], dict[str, dict[str, Any]]]:
    generated = control.generate(NUMBERS, 4, [BIG_TRUNK, 100, 100, 0])
    trunks = [t["sid"] for t in generated["trunks"]]
    numbers = {n["phone_number"]: n for n in control.state()["phone_numbers"]}
    control.clear_requests()
    return trunks, numbers


def _provider(emulator: TwilioEmulator) -> TrunkPhoneNumberAssociationProvider:
    provider = TrunkPhoneNumberAssociationProvider(ProviderSession())
    provider.configure(ConfigureRequest(Config(stack_config(emulator), "proj")))
    return provider


def _outputs(result: CreateResult) -> dict[str, Any]:
    assert result.outs is not None
    return result.outs


def test_small_stack_in_a_big_account_costs_about_one_request_per_call(
    twilio_emulator: TwilioEmulator, control: EmulatorControl
) -> None:
    trunks, numbers = _account(control)
    free = [n for n in numbers.values() if n["trunk_sid"] is None]
    stack = free[::400][:5]  # spread over the account's pages
    declared = [
        {
            "trunk_sid": trunks[i % 2 * 3],
            **({"phone_number": n["phone_number"]} if i % 2 else {"phone_number_sid": n["sid"]}),
        }
        for i, n in enumerate(stack)
    ]
    # up: create each binding (4 at a time, as the provider host calls it)
    provider = _provider(twilio_emulator)
    with ThreadPoolExecutor(4) as pool:
        created = list(pool.map(provider.create, declared))
    up = control.requests()
    assert up["total"] <= 2 * len(stack), up["counts"]  # one lookup and one POST each: no list page
    # refresh: a new process reads the same bindings back
    control.clear_requests()
    provider = _provider(twilio_emulator)
    with ThreadPoolExecutor(4) as pool:
        reads = list(pool.map(lambda c: provider.read(c[0].id, c[1]), zip(created, declared, strict=True)))
    assert all(r.id for r in reads)
    refresh = control.requests()
    assert refresh["total"] <= 2 * len(stack), refresh["counts"]


def test_small_refresh_against_a_big_trunk_stays_within_two_requests_a_binding(
    twilio_emulator: TwilioEmulator, control: EmulatorControl
) -> None:
    trunks, numbers = _account(control)
    on_big = [n for n in numbers.values() if n["trunk_sid"] == trunks[0]][::500][:5]
    provider = _provider(twilio_emulator)
    states = [
        (f"{trunks[0]}/{n['sid']}", {"trunk_sid": trunks[0], "phone_number_sid": n["sid"]}) for n in on_big
    ]
    with ThreadPoolExecutor(4) as pool:
        reads = list(pool.map(lambda s: provider.read(*s), states))
    assert all(r.id for r in reads)
    assert control.requests()["total"] <= 2 * len(on_big)


def test_big_refresh_of_one_trunk_reads_its_pages_once(
    twilio_emulator: TwilioEmulator, control: EmulatorControl
) -> None:
    trunks, numbers = _account(control)
    on_big = [n for n in numbers.values() if n["trunk_sid"] == trunks[0]][:600]
    provider = _provider(twilio_emulator)
    states = [
        (f"{trunks[0]}/{n['sid']}", {"trunk_sid": trunks[0], "phone_number_sid": n["sid"]}) for n in on_big
    ]
    with ThreadPoolExecutor(4) as pool:
        reads = list(pool.map(lambda s: provider.read(*s), states))
    assert all(r.id for r in reads)
    log = control.requests()
    pages = -(-BIG_TRUNK // 1000)
    # the first call direct, the trunk's pages, and a few misses while those pages arrive
    assert log["total"] <= 1 + pages + pages, log["counts"]


def test_a_bigger_stack_reads_the_account_once_and_binds_from_it(
    twilio_emulator: TwilioEmulator, control: EmulatorControl
) -> None:
    trunks, numbers = _account(control)
    free = [n for n in numbers.values() if n["trunk_sid"] is None][:60]
    declared = [
        {"trunk_sid": trunks[3]}
        | ({"phone_number": n["phone_number"]} if i % 2 else {"phone_number_sid": n["sid"]})
        for i, n in enumerate(free)
    ]
    provider = _provider(twilio_emulator)
    with ThreadPoolExecutor(4) as pool:
        created = list(pool.map(provider.create, declared))
    assert {_outputs(c)["phone_number_sid"] for c in created} == {n["sid"] for n in free}
    log = control.requests()
    pages = [
        r
        for r in log["requests"]
        if r["path"].endswith("IncomingPhoneNumbers.json") and "PageSize=1000" in r["query"]
    ]
    assert 0 < len(pages) <= -(-NUMBERS // 1000)
    assert log["total"] <= 1.5 * len(free), log["counts"]  # 60 POSTs, the account's pages, a few lookups
    bound = {n["sid"] for n in control.state()["phone_numbers"] if n["trunk_sid"] == trunks[3]}
    assert bound == {n["sid"] for n in free}
