"""scale: cost at real account sizes, through the real CLI: 50,000 numbers over 20 trunks, one of 5,000.

The account is generated in bulk by the emulator (``generate``): trunk 0 holds 5,000 bindings, the
other 19 hold 100 each, and the rest of the numbers are free. Each stack binds free numbers, half
declared by E.164 number and half by PN SID. Latency is 50 ms on every Twilio request.

* ``small_stack_big_account_requests_per_binding``: ``pulumi up`` of 5 bindings on the 5,000-binding
  trunk, requests / 5 (goal <= 2: one lookup and one POST each, no list page);
  ``small_stack_big_account_refresh_requests_per_binding``: ``pulumi refresh`` of the same (<= 2).
* ``scale_curve``: ``pulumi up`` of 100, 500 and 2,000 bindings spread over the 20 trunks, with
  ``PULUMI_SKIP_CHECKPOINTS=true`` to isolate the provider from the file backend's state writes.
  Provider time per binding = (creating up - no-op up of the same stack) / bindings; the no-op up
  is the engine's own cost for the program and state. ``scale_curve_ratio`` = the figure at 2,000
  / the figure at 100 (goal <= 1.2).
* ``big_stack_requests_per_binding``: requests of the 2,000 up / 2,000 (goal <= 1.02);
  ``refresh_2000_requests``: ``pulumi refresh`` of that stack (goal: 2 per trunk plus the pages
  beyond each trunk's first: ``refresh_2000_requests_goal``).
* ``provider_peak_rss_mb``: the provider process's VmHWM during the up of 2,000 (goal <= 150),
  polled from ``/proc`` every 50 ms (see ``Project.run_watched``).
* ``emulator_page_ms``: the emulator's own time to serve a list page of 1,000 (its request log's
  ``duration_ms``, no latency injected), and ``emulator_generate_seconds`` for the bulk seeding.

``--quick`` shrinks the account to 5,000 numbers (one trunk of 1,500) and the curve to 20 and 100.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import httpx

from twilio_trunking_emulator import EmulatorProcess

from ._common import TOKEN, Options, emulator_process, goal, say, secs
from ._project import Project

LATENCY_MS = 50.0
TRUNKS = 20
PAGE = 1000
GOAL_SMALL = 2.0
GOAL_BIG = 1.02
GOAL_CURVE = 1.2
GOAL_RSS_MB = 150.0


def _sizes(options: Options) -> tuple[int, int, int, list[int]]:
    """(account numbers, bindings on trunk 0, on each other trunk, curve sizes)."""
    if options.quick:
        return 5_000, 1_500, 20, [20, 100]
    return 50_000, 5_000, 100, [100, 500, 2000]


def _account(emulator: EmulatorProcess, options: Options) -> tuple[list[str], list[dict[str, Any]], float]:
    """Reset and generate the account; returns (trunk SIDs, free numbers, seconds the seeding took)."""
    numbers, big, other, _ = _sizes(options)
    control = emulator.control
    control.reset()
    started = time.perf_counter()
    generated = control.generate(numbers, TRUNKS, [big] + [other] * (TRUNKS - 1))
    seeding = time.perf_counter() - started
    trunks = [t["sid"] for t in generated["trunks"]]
    free = [n for n in control.state()["phone_numbers"] if not n["trunk_sid"]]
    control.clear_requests()
    return trunks, free, seeding


def _declare(numbers: list[dict[str, Any]], trunks: list[str]) -> list[dict[str, str]]:
    """Bindings spread over ``trunks``; even ones declared by E.164, odd ones by PN SID."""
    return [
        {"trunk_sid": trunks[i % len(trunks)]}
        | ({"phone_number": n["phone_number"]} if i % 2 == 0 else {"phone_number_sid": n["sid"]})
        for i, n in enumerate(numbers)
    ]


def _spread(free: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    stride = max(1, len(free) // count)
    return free[::stride][:count]


def _emulator_page_ms(emulator: EmulatorProcess, trunk: str) -> dict[str, Any]:
    """Read every page of the account's numbers and of ``trunk`` raw; the emulator's own time per page."""
    control = emulator.control
    control.set_latency(0)
    control.clear_requests()
    account = emulator.auth[0]
    with httpx.Client(base_url=emulator.base_url, auth=httpx.BasicAuth(account, TOKEN), timeout=60) as http:
        url: str | None = f"/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json?PageSize={PAGE}"
        while url:
            body = http.get(url).raise_for_status().json()
            url = body.get("next_page_uri")
        url = f"/v1/Trunks/{trunk}/PhoneNumbers?PageSize={PAGE}"
        while url:
            body = http.get(url).raise_for_status().json()
            url = body["meta"].get("next_page_url")
    log = control.requests()["requests"]
    control.clear_requests()
    numbers = [e["duration_ms"] for e in log if "IncomingPhoneNumbers" in e["path"]]
    bindings = [e["duration_ms"] for e in log if "/v1/Trunks/" in e["path"]]
    return {
        "numbers_pages": len(numbers),
        "numbers_page_ms_median": round(statistics.median(numbers), 2),
        "numbers_page_ms_max": round(max(numbers), 2),
        "trunk_pages": len(bindings),
        "trunk_page_ms_median": round(statistics.median(bindings), 2),
        "trunk_page_ms_max": round(max(bindings), 2),
    }


def _small_stack(options: Options, emulator: EmulatorProcess) -> dict[str, Any]:
    trunks, free, _ = _account(emulator, options)
    numbers, big, _, _ = _sizes(options)
    control = emulator.control
    stack = _declare(_spread(free, 5), trunks[:1])  # all on the big trunk
    project = Project(options.work_dir, "scale-small", emulator)
    project.declare_bindings(stack)
    control.set_latency(LATENCY_MS)
    control.clear_requests()
    up = project.up()
    up_log = control.requests()
    control.clear_requests()
    refresh = project.refresh()
    refresh_log = control.requests()
    summary = refresh.summary()
    assert summary.get("deleted", 0) == 0, summary
    assert summary.get("updated", 0) == 0, summary
    project.remove()
    up_per = up_log["total"] / len(stack)
    refresh_per = refresh_log["total"] / len(stack)
    say(
        f"  small stack: 5 bindings on a trunk of {big:,} in an account of {numbers:,}: up {secs(up.seconds)}"
        f" {up_log['total']} requests {up_log['counts']}; refresh {refresh_log['total']} requests"
        f" {refresh_log['counts']}"
        f" ({goal(max(up_per, refresh_per) <= GOAL_SMALL)} <= {GOAL_SMALL:g} a binding)"
    )
    return {
        "small_stack_big_account_requests_per_binding": round(up_per, 3),
        "small_stack_big_account_refresh_requests_per_binding": round(refresh_per, 3),
        "small_stack_big_account_requests": {"up": up_log["counts"], "refresh": refresh_log["counts"]},
    }


def _curve_point(options: Options, emulator: EmulatorProcess, count: int, *, refresh: bool) -> dict[str, Any]:
    trunks, free, seeding = _account(emulator, options)
    control = emulator.control
    stack = _declare(_spread(free, count), trunks)
    project = Project(options.work_dir, f"scale-{count}", emulator)
    project.declare_bindings(stack)
    project.pulumi.extra_env["PULUMI_SKIP_CHECKPOINTS"] = "true"
    control.set_latency(LATENCY_MS)
    control.clear_requests()
    up, peak_kib = project.run_watched("up")
    log = control.requests()
    assert up.summary().get("created", 0) in (count, count + 1), up.summary()  # + the stack itself
    control.clear_requests()
    noop = project.up()
    assert control.requests()["total"] == 0
    assert noop.summary().get("created", 0) == 0
    point: dict[str, Any] = {
        "bindings": count,
        "up_seconds": round(up.seconds, 2),
        "noop_seconds": round(noop.seconds, 2),
        "provider_ms_per_binding": round((up.seconds - noop.seconds) / count * 1000, 2),
        "requests": log["total"],
        "requests_by_route": log["counts"],
        # List pages (PageSize=1000) apart from the E.164 lookups that share their route.
        "list_pages": sum(1 for r in log["requests"] if f"PageSize={PAGE}" in r["query"]),
        "provider_peak_rss_mb": round(peak_kib / 1024, 1),
        "emulator_generate_seconds": round(seeding, 2),
    }
    say(
        f"  up of {count:>5} (checkpoints skipped): {secs(up.seconds)} - no-op {secs(noop.seconds)} ->"
        f" {point['provider_ms_per_binding']} ms a binding; {log['total']} requests"
        f" ({log['total'] / count:.3f} a binding); provider peak RSS {point['provider_peak_rss_mb']} MB"
    )
    if refresh:
        control.clear_requests()
        refreshed = project.refresh()
        refresh_log = control.requests()
        summary = refreshed.summary()
        assert summary.get("deleted", 0) == 0, summary
        assert summary.get("updated", 0) == 0, summary
        _, big, other, _ = _sizes(options)
        per_trunk = [big + count // TRUNKS] + [other + count // TRUNKS] * (TRUNKS - 1)
        extra_pages = sum(-(-size // PAGE) - 1 for size in per_trunk)
        point["refresh_requests"] = refresh_log["total"]
        point["refresh_requests_goal"] = 2 * TRUNKS + extra_pages
        point["refresh_requests_by_route"] = refresh_log["counts"]
        point["refresh_seconds"] = round(refreshed.seconds, 2)
        say(
            f"  refresh of {count}: {secs(refreshed.seconds)}, {refresh_log['total']} requests"
            f" (goal {point['refresh_requests_goal']}: 2 per trunk + {extra_pages} pages beyond the first)"
        )
    project.remove()
    return point


def run(options: Options) -> dict[str, Any]:
    numbers, big, _, sizes = _sizes(options)
    say(
        f"scale: an account of {numbers:,} numbers over {TRUNKS} trunks (one of {big:,} bindings),"
        f" {LATENCY_MS:.0f} ms latency; small stack of 5; up of {', '.join(map(str, sizes))}"
    )
    results: dict[str, Any] = {}
    with emulator_process(options.work_dir, "scale") as emulator:
        trunks, _, seeding = _account(emulator, options)
        pages = _emulator_page_ms(emulator, trunks[0])
        say(
            f"  emulator: generated {numbers:,} numbers in {secs(seeding)};"
            f" serves a page of {PAGE} numbers in {pages['numbers_page_ms_median']} ms"
            f" (median of {pages['numbers_pages']}, max"
            f" {pages['numbers_page_ms_max']}), of trunk bindings in {pages['trunk_page_ms_median']} ms"
        )
        results["emulator_page_ms"] = pages
        results["emulator_generate_seconds"] = round(seeding, 2)
        results.update(_small_stack(options, emulator))
        points = [_curve_point(options, emulator, n, refresh=n == sizes[-1]) for n in sizes]
    first, last = points[0], points[-1]
    ratio = last["provider_ms_per_binding"] / first["provider_ms_per_binding"]
    big_per = last["requests"] / last["bindings"]
    rss = last["provider_peak_rss_mb"]
    say(
        f"  per-binding time {last['bindings']} vs {first['bindings']}: {ratio:.2f}"
        f" ({goal(ratio <= GOAL_CURVE)} <= {GOAL_CURVE}); big stack {big_per:.4f} requests a binding"
        f" ({goal(big_per <= GOAL_BIG)} <= {GOAL_BIG}); peak RSS {rss} MB ({goal(rss <= GOAL_RSS_MB)})"
    )
    results.update(
        {
            "scale_curve": {str(p["bindings"]): p["provider_ms_per_binding"] for p in points},
            "scale_curve_ratio": round(ratio, 3),
            "scale_curve_points": points,
            "scale_account_numbers": numbers,
            "big_stack_requests_per_binding": round(big_per, 4),
            "big_stack_bindings": last["bindings"],
            "refresh_2000_requests": last.get("refresh_requests"),
            "refresh_2000_requests_goal": last.get("refresh_requests_goal"),
            "provider_peak_rss_mb": rss,
            "provider_peak_rss_measured_by": "max VmHWM of the `python -m pulumi.dynamic` descendant of the"
            " CLI, /proc polled every 50 ms during the up of the largest stack",
        }
    )
    return results
