"""up_200: ``pulumi up`` of 200 new bindings on one trunk through the real CLI, at 50 ms latency.

Each repetition: ``pulumi up`` creating the 200 bindings (timed; its Twilio requests counted from
the emulator's log), then ``pulumi up`` again with nothing to change (the no-op up: the engine's
own cost for this program and state, timed), then ``pulumi destroy`` (not timed, no latency).
Every up runs with ``--skip-preview``: the update alone is timed.

* ``requests_per_binding_up_200`` = requests made by the creating up / 200.
* ``up_200_efficiency`` = (200 x 50 ms / 4 + median no-op up) / median creating up: the lower bound
  is one round trip per binding, four at a time (the provider host runs at most four calls), on
  top of what the engine needs anyway for the same program.

``up_200_provider_efficiency`` (the provider's own figure, goal >= 0.9): the same bound over the
creating up timed with ``PULUMI_SKIP_CHECKPOINTS=true`` (each repetition, ``--quick`` too); also kept
as ``up_200_efficiency_without_checkpoints``, with ``up_200_checkpoint_share`` the engine's share.
With checkpoints, the file backend rewrites the whole state file before and after every created
resource: work that grows with the stack, is the same for any provider, and
that no provider can avoid. Comparing the two separates the engine's checkpoint cost from the
provider's own.
"""

from __future__ import annotations

from typing import Any

from ._common import Options, emulator_process, goal, median, say, secs, seed_numbers
from ._project import Project

LATENCY_MS = 50.0
HOST_CONCURRENCY = 4
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


def run(options: Options) -> dict[str, Any]:
    count = 50 if options.quick else 200
    reps = 1 if options.quick else 3
    say(f"up_200: pulumi up of {count} new bindings on one trunk at {LATENCY_MS:.0f} ms latency, x{reps}")
    with emulator_process(options.work_dir, "up") as emulator:
        seeded = seed_numbers(emulator, count, bound=False)
        trunk, numbers = seeded["trunk"], seeded["numbers"]
        declared = {n["sid"] for n in numbers}
        control = emulator.control
        project = Project(options.work_dir, "up", emulator)
        project.declare(trunk, [n["phone_number"] for n in numbers])
        ups: list[float] = []
        noops: list[float] = []
        unchecked: list[float] = []
        requests: list[int] = []
        counts: dict[str, int] = {}
        for rep in range(reps):
            unchecked.append(_up_without_checkpoints(project, trunk, count))
            say(f"  rep {rep + 1}: up without checkpoints (the provider's figure) {secs(unchecked[-1])}")
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
                f"  rep {rep + 1}: up {secs(up.seconds)} ({up.summary().get('created', 0)} created,"
                f" {log['total']} requests), no-op up {secs(noop.seconds)} ({noop_requests} requests)"
            )
            control.set_latency(0)
            project.destroy()
            assert not _bound(project, trunk), "destroy must unbind everything"
        project.remove()
    per_binding = median([float(r) for r in requests]) / count
    bound_seconds = count * LATENCY_MS / 1000 / HOST_CONCURRENCY
    lower = bound_seconds + median(noops)
    efficiency = lower / median(ups)
    say(f"  requests by route (last rep): {counts}")
    say(f"  requests per binding {per_binding:.3f} ({goal(per_binding <= GOAL_REQUESTS)} <= {GOAL_REQUESTS})")
    say(
        f"  lower bound {count} x {LATENCY_MS:.0f} ms / {HOST_CONCURRENCY} = {secs(bound_seconds)} + no-op up"
        f" {secs(median(noops))} = {secs(lower)}; measured {secs(median(ups))} -> efficiency"
        f" {efficiency:.3f} ({goal(efficiency >= GOAL_EFFICIENCY)} >= {GOAL_EFFICIENCY})"
    )
    results: dict[str, Any] = {
        "requests_per_binding_up_200": round(per_binding, 4),
        "up_200_efficiency": round(efficiency, 4),
        "up_200_bindings": count,
        "up_200_latency_ms": LATENCY_MS,
        "up_200_seconds": [round(x, 2) for x in ups],
        "up_200_noop_seconds": [round(x, 2) for x in noops],
        "up_200_lower_bound_seconds": round(lower, 2),
        "up_200_efficiency_per_rep": [
            round((bound_seconds + noop) / up, 3) for up, noop in zip(ups, noops, strict=True)
        ],
        "up_200_requests": requests,
    }
    unchecked_efficiency = lower / median(unchecked)
    # The engine's share: what the file backend's checkpoint writes add to the creating up.
    engine_share = max(0.0, median(ups) - median(unchecked)) / median(ups)
    say(
        f"  provider: the same up without the engine's checkpoint writes {secs(median(unchecked))}"
        f" -> up_200_provider_efficiency {unchecked_efficiency:.3f}"
        f" ({goal(unchecked_efficiency >= GOAL_PROVIDER_EFFICIENCY)} >= {GOAL_PROVIDER_EFFICIENCY});"
        f" checkpoint writes are {engine_share:.0%} of the creating up"
    )
    results["up_200_provider_efficiency"] = round(unchecked_efficiency, 4)
    results["up_200_efficiency_without_checkpoints"] = round(unchecked_efficiency, 4)
    results["up_200_without_checkpoints_seconds"] = [round(x, 2) for x in unchecked]
    results["up_200_checkpoint_share"] = round(engine_share, 3)
    return results
