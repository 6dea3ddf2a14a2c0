"""refresh_1000: reading back 1,000 bindings on one trunk, at 20 ms latency, 4 callers at a time.

* Provider: ``provider.read()`` of each binding from a ``ThreadPoolExecutor(4)``, as the provider
  host calls it during ``pulumi refresh``; a fresh process state each repetition (no snapshot or
  connection carried over). ``refresh_1000_requests`` counts the Twilio requests it made.
* Naive: what a per-resource provider does (Terraform's generated resource, its Pulumi bridge):
  one ``GET …/PhoneNumbers/{Sid}`` per binding, raw httpx on one shared client, same 4 threads.
* ``refresh_1000_speedup`` = median naive time / median provider time (alternating runs).
* Unless ``--no-cli-refresh`` (or ``--quick``): a real ``pulumi refresh`` of 1,000 resources
  (state set up by an untimed ``pulumi up`` with checkpoints skipped), requests counted too.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_twilio_trunking.provider import TrunkPhoneNumberAssociationProvider
from pulumi_twilio_trunking.session import ProviderSession
from twilio_trunking_emulator import EmulatorProcess

from ._common import TOKEN, Options, emulator_process, goal, median, say, secs, seed_numbers, stack_config
from ._project import Project

LATENCY_MS = 20.0
CALLERS = 4
COUNT = 1000
GOAL_REQUESTS = 3
GOAL_SPEEDUP = 10


def _provider_refresh(
    emulator: EmulatorProcess, trunk: str, numbers: list[dict[str, Any]]
) -> tuple[float, int]:
    provider = TrunkPhoneNumberAssociationProvider(ProviderSession())  # a fresh process's state
    provider.configure(ConfigureRequest(Config(stack_config(emulator), "bench")))
    states = [
        (
            f"{trunk}/{n['sid']}",
            {"trunk_sid": trunk, "phone_number": n["phone_number"], "__number_key": "phone_number"},
        )
        for n in numbers
    ]
    emulator.control.clear_requests()
    with ThreadPoolExecutor(CALLERS) as pool:
        started = time.perf_counter()
        results = list(pool.map(lambda s: provider.read(*s), states))
        elapsed = time.perf_counter() - started
    total = emulator.control.requests()["total"]
    missing = [r for r in results if not r.id]
    assert not missing, f"{len(missing)} bindings read as gone"
    return elapsed, total


def _naive_refresh(emulator: EmulatorProcess, trunk: str, numbers: list[dict[str, Any]]) -> float:
    auth = httpx.BasicAuth(emulator.auth[0], TOKEN)
    limits = httpx.Limits(max_connections=16, max_keepalive_connections=8)
    with httpx.Client(auth=auth, limits=limits) as http, ThreadPoolExecutor(CALLERS) as pool:
        urls = [f"{emulator.base_url}/v1/Trunks/{trunk}/PhoneNumbers/{n['sid']}" for n in numbers]

        def get(url: str) -> dict[str, Any]:
            response = http.get(url)
            response.raise_for_status()
            body: dict[str, Any] = response.json()
            return body

        started = time.perf_counter()
        bodies = list(pool.map(get, urls))
        elapsed = time.perf_counter() - started
    assert all(b["trunk_sid"] == trunk for b in bodies)
    return elapsed


def _cli_refresh(
    options: Options, emulator: EmulatorProcess, trunk: str, numbers: list[dict[str, Any]]
) -> dict[str, Any]:
    say(
        f"  real `pulumi refresh` of {len(numbers)} resources: setting up the stack"
        " (untimed up, checkpoints skipped)"
    )
    project = Project(options.work_dir, "refresh", emulator)
    project.declare(trunk, [n["phone_number"] for n in numbers])
    control = emulator.control
    control.set_latency(0)
    project.pulumi.extra_env["PULUMI_SKIP_CHECKPOINTS"] = "true"
    # The numbers are seeded bound: the set-up up takes those bindings over (adopts them).
    project.pulumi.extra_env["TWILIO_TRUNKING_ADOPT_EXISTING"] = "true"
    setup = project.up()
    del project.pulumi.extra_env["PULUMI_SKIP_CHECKPOINTS"]
    del project.pulumi.extra_env["TWILIO_TRUNKING_ADOPT_EXISTING"]
    say(f"    setup up took {secs(setup.seconds)} ({setup.summary()})")
    control.set_latency(LATENCY_MS)
    control.clear_requests()
    refreshed = project.refresh()
    log = control.requests()
    summary = refreshed.summary()
    say(
        f"    pulumi refresh: {secs(refreshed.seconds)}, {log['total']} Twilio requests {log['counts']},"
        f" engine summary {summary}"
    )
    assert summary.get("deleted", 0) == 0, "refresh must find every binding"
    assert summary.get("updated", 0) == 0, "refresh must find every binding as declared"
    project.remove()
    return {
        "refresh_1000_cli_requests": log["total"],
        "refresh_1000_cli_seconds": round(refreshed.seconds, 2),
    }


def run(options: Options) -> dict[str, Any]:
    reps = 1 if options.quick else 3
    say(
        f"refresh_1000: read {COUNT} bindings on one trunk at {LATENCY_MS:.0f} ms latency,"
        f" {CALLERS} callers, x{reps}"
    )
    results: dict[str, Any] = {}
    with emulator_process(options.work_dir, "refresh") as emulator:
        seeded = seed_numbers(emulator, COUNT, bound=True)
        trunk, numbers = seeded["trunk"], seeded["numbers"]
        emulator.control.set_latency(LATENCY_MS)
        provider_times: list[float] = []
        naive_times: list[float] = []
        requests: list[int] = []
        for rep in range(reps):
            order = ("provider", "naive") if rep % 2 == 0 else ("naive", "provider")
            for side in order:
                if side == "provider":
                    elapsed, total = _provider_refresh(emulator, trunk, numbers)
                    provider_times.append(elapsed)
                    requests.append(total)
                    say(f"  rep {rep + 1}: provider read x{COUNT}: {secs(elapsed)}, {total} requests")
                else:
                    elapsed = _naive_refresh(emulator, trunk, numbers)
                    naive_times.append(elapsed)
                    say(f"  rep {rep + 1}: naive GET x{COUNT}: {secs(elapsed)}, {COUNT} requests")
        most = max(requests)
        speedup = median(naive_times) / median(provider_times)
        say(
            f"  requests (provider read, {CALLERS} threads): {most}"
            f" ({goal(most <= GOAL_REQUESTS)} <= {GOAL_REQUESTS})"
        )
        say(
            f"  naive {secs(median(naive_times))} / provider {secs(median(provider_times))} -> speedup"
            f" {speedup:.1f} ({goal(speedup >= GOAL_SPEEDUP)} >= {GOAL_SPEEDUP})"
        )
        results.update(
            {
                "refresh_1000_requests": most,
                "refresh_1000_requests_measured_by": "provider.read x1000 from ThreadPoolExecutor(4)",
                "refresh_1000_speedup": round(speedup, 2),
                "refresh_1000_provider_seconds": [round(x, 3) for x in provider_times],
                "refresh_1000_naive_seconds": [round(x, 3) for x in naive_times],
            }
        )
        if options.cli_refresh and not options.quick:
            cli = _cli_refresh(options, emulator, trunk, numbers)
            results.update(cli)
            results["refresh_1000_requests"] = max(most, cli["refresh_1000_cli_requests"])
            results["refresh_1000_requests_measured_by"] = (
                "max of provider.read x1000 from ThreadPoolExecutor(4) and a real `pulumi refresh` of 1000"
            )
    return results
