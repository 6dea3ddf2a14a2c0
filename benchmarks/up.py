"""up_200: ``pulumi up`` of 200 new bindings on one trunk through the real CLI, at 50 ms latency.

Each repetition: ``pulumi up`` creating the 200 bindings (timed; its Twilio requests counted from
the emulator's log), then ``pulumi up`` again with nothing to change (the no-op up: the engine's
own cost for this program and state, timed), then ``pulumi destroy`` (not timed, no latency).
Every up runs with ``--skip-preview``: the update alone is timed.

* ``requests_per_binding_up_200`` = requests made by the creating up / 200.
* ``up_200_efficiency`` = (200 x 50 ms / 4 + median no-op up) / median creating up: the lower bound
  is one round trip per binding, four at a time (the provider host runs at most four calls), on
  top of what the engine needs anyway for the same program.

The same figures for the provider plugin (from a Python program through its typed SDK) carry the
suffix ``_plugin``: its calls in flight are the engine's default
``--parallel`` (four per CPU), not four, so its bound is 200 x 50 ms / that.

``up_200_provider_efficiency`` (the provider's own figure, goal >= 0.9): the same bound over the
creating up timed with ``PULUMI_SKIP_CHECKPOINTS=true`` (each repetition, ``--quick`` too); also kept
as ``up_200_efficiency_without_checkpoints``, with ``up_200_checkpoint_share`` the engine's share.
With checkpoints, the file backend rewrites the whole state file before and after every created
resource: work that grows with the stack, is the same for any provider, and
that no provider can avoid. Comparing the two separates the engine's checkpoint cost from the
provider's own.
"""

from __future__ import annotations

import os
from typing import Any

from pulumi_twilio_trunking.server.provider import WORKERS as PLUGIN_WORKERS

from ._common import Options, emulator_process, goal, median, say, secs, seed_numbers
from ._project import Project

LATENCY_MS = 50.0
HOST_CONCURRENCY = 4
# The engine's default ``--parallel``: four per CPU (``pulumi up --help`` prints it).
ENGINE_DEFAULT_PARALLEL = 4 * (os.cpu_count() or 1)
GOAL_REQUESTS = 1.1
GOAL_EFFICIENCY = 0.75
GOAL_PROVIDER_EFFICIENCY = 0.9


def _bound(project: Project, trunk: str) -> set[str]:
    return {n["sid"] for n in project.emulator.control.state()["phone_numbers"] if n["trunk_sid"] == trunk}


def _up_without_checkpoints(project: Project, trunk: str, count: int) -> float:
    control = project.emulator.control
    control.set_latency(LATENCY_MS)
    project.pulumi.extra_env["PULUMI_SKIP_CHECKPOINTS"] = "true"
    try:
        up = project.up()
    finally:
        del project.pulumi.extra_env["PULUMI_SKIP_CHECKPOINTS"]
    assert len(_bound(project, trunk)) == count
    control.set_latency(0)
    project.destroy()
    return up.seconds


def concurrency(door: str) -> int:
    """Calls in flight the front door allows at the engine's default ``--parallel``."""
    if door == "dynamic":
        return HOST_CONCURRENCY
    return min(ENGINE_DEFAULT_PARALLEL, PLUGIN_WORKERS)


def _door(options: Options, door: str, reps: int) -> dict[str, Any]:
    """The creating up, the no-op up and the creating up without checkpoints of one front door."""
    count = 50 if options.quick else 200
    suffix = "" if door == "dynamic" else f"_{door}"
    with emulator_process(options.work_dir, f"up-{door}") as emulator:
        seeded = seed_numbers(emulator, count, bound=False)
        trunk, numbers = seeded["trunk"], seeded["numbers"]
        declared = {n["sid"] for n in numbers}
        control = emulator.control
        project = Project(options.work_dir, f"up-{door}", emulator, door)
        project.declare(trunk, [n["phone_number"] for n in numbers])
        ups: list[float] = []
        noops: list[float] = []
        unchecked: list[float] = []
        requests: list[int] = []
        counts: dict[str, int] = {}
        for rep in range(reps):
            unchecked.append(_up_without_checkpoints(project, trunk, count))
            say(
                f"  {door} rep {rep + 1}: up without checkpoints (the provider's figure)"
                f" {secs(unchecked[-1])}"
            )
            control.set_latency(LATENCY_MS)
            control.clear_requests()
            up = project.up()
            log = control.requests()
            bound = _bound(project, trunk)
            assert bound == declared, f"{len(bound)} bound after up, expected {count}"
            control.clear_requests()
            noop = project.up()
            noop_requests = control.requests()["total"]
            assert noop.summary().get("created", 0) == 0, "the second up must change nothing"
            ups.append(up.seconds)
            noops.append(noop.seconds)
            requests.append(log["total"])
            counts = log["counts"]
            say(
                f"  {door} rep {rep + 1}: up {secs(up.seconds)} ({up.summary().get('created', 0)} created,"
                f" {log['total']} requests), no-op up {secs(noop.seconds)} ({noop_requests} requests)"
            )
            control.set_latency(0)
            project.destroy()
            assert not _bound(project, trunk), "destroy must unbind everything"
        project.remove()
    in_flight = concurrency(door)
    per_binding = median([float(r) for r in requests]) / count
    bound_seconds = count * LATENCY_MS / 1000 / in_flight
    lower = bound_seconds + median(noops)
    efficiency = lower / median(ups)
    say(f"  {door}: requests by route (last rep): {counts}")
    say(
        f"  {door}: requests per binding {per_binding:.3f} ({goal(per_binding <= GOAL_REQUESTS)}"
        f" <= {GOAL_REQUESTS})"
    )
    say(
        f"  {door}: lower bound {count} x {LATENCY_MS:.0f} ms / {in_flight} = {secs(bound_seconds)}"
        f" + no-op up {secs(median(noops))} = {secs(lower)}; measured {secs(median(ups))} -> efficiency"
        f" {efficiency:.3f} ({goal(efficiency >= GOAL_EFFICIENCY)} >= {GOAL_EFFICIENCY})"
    )
    unchecked_efficiency = lower / median(unchecked)
    # The engine's share: what the file backend's checkpoint writes add to the creating up.
    engine_share = max(0.0, median(ups) - median(unchecked)) / median(ups)
    say(
        f"  {door}: the same up without the engine's checkpoint writes {secs(median(unchecked))}"
        f" -> up_200_provider_efficiency{suffix} {unchecked_efficiency:.3f}"
        f" ({goal(unchecked_efficiency >= GOAL_PROVIDER_EFFICIENCY)} >= {GOAL_PROVIDER_EFFICIENCY});"
        f" checkpoint writes are {engine_share:.0%} of the creating up"
    )
    figures: dict[str, Any] = {
        "requests_per_binding_up_200": round(per_binding, 4),
        "up_200_efficiency": round(efficiency, 4),
        "up_200_provider_efficiency": round(unchecked_efficiency, 4),
        "up_200_calls_in_flight": in_flight,
        "up_200_seconds": [round(x, 2) for x in ups],
        "up_200_noop_seconds": [round(x, 2) for x in noops],
        "up_200_lower_bound_seconds": round(lower, 2),
        "up_200_efficiency_per_rep": [
            round((bound_seconds + noop) / up, 3) for up, noop in zip(ups, noops, strict=True)
        ],
        "up_200_requests": requests,
        "up_200_efficiency_without_checkpoints": round(unchecked_efficiency, 4),
        "up_200_without_checkpoints_seconds": [round(x, 2) for x in unchecked],
        "up_200_checkpoint_share": round(engine_share, 3),
    }
    return {f"{key}{suffix}": value for key, value in figures.items()}


def run(options: Options) -> dict[str, Any]:
    count = 50 if options.quick else 200
    reps = 1 if options.quick else 2
    say(
        f"up_200: pulumi up of {count} new bindings on one trunk at {LATENCY_MS:.0f} ms latency, through"
        f" the dynamic provider and the provider plugin, x{reps} each"
    )
    results: dict[str, Any] = {
        "up_200_bindings": count,
        "up_200_latency_ms": LATENCY_MS,
        "up_200_engine_default_parallel": ENGINE_DEFAULT_PARALLEL,
    }
    results.update(_door(options, "dynamic", reps))
    results.update(_door(options, "plugin", reps))
    return results
