"""rate_limited: ``pulumi up`` of 100 bindings with 30% of Twilio requests answered 429, vs no faults.

Both at 50 ms latency, through the real CLI; runs alternate (clean first on odd repetitions,
faulty first on even ones), each followed by an untimed ``pulumi destroy`` without faults. The
429s carry Twilio's body (code 20429) and no ``Retry-After`` header, so the client's jittered
exponential backoff decides the waits. After every faulty up the emulator must hold exactly the
declared bindings and the engine must report no failed resource.

``rate_limited_slowdown`` = median faulty up / median clean up; ``rate_limited_failed`` = resources
the engine reported failed, summed over the faulty runs.
"""

from __future__ import annotations

from typing import Any

from ._common import Options, emulator_process, goal, median, say, secs, seed_numbers
from ._project import Project

LATENCY_MS = 50.0
RATE = 0.3
GOAL = 2.0


def run(options: Options) -> dict[str, Any]:
    count = 30 if options.quick else 100
    reps = 1 if options.quick else 3
    say(
        f"rate_limited: pulumi up of {count} bindings, {RATE:.0%} of requests answered 429, vs clean, x{reps}"
    )
    with emulator_process(options.work_dir, "rate_limited") as emulator:
        seeded = seed_numbers(emulator, count, bound=False)
        trunk, numbers = seeded["trunk"], seeded["numbers"]
        declared = {n["sid"] for n in numbers}
        control = emulator.control
        project = Project(options.work_dir, "rate", emulator)
        project.declare(trunk, [n["phone_number"] for n in numbers])
        clean: list[float] = []
        faulty: list[float] = []
        failed = 0
        retried = 0
        requests = 0
        for rep in range(reps):
            for kind in ("clean", "faulty") if rep % 2 == 0 else ("faulty", "clean"):
                control.set_latency(LATENCY_MS)
                if kind == "faulty":
                    control.set_faults([{"kind": "status", "status": 429, "rate": RATE}], seed=rep)
                control.clear_requests()
                up = project.up(check=False)
                log = control.requests()
                control.clear_faults()
                summary = up.summary()
                bad = summary.get("failed", 0) + summary.get("errored", 0)
                if up.returncode != 0 and not bad:
                    bad = 1
                bound = {n["sid"] for n in control.state()["phone_numbers"] if n["trunk_sid"] == trunk}
                faults = sum(1 for r in log["requests"] if r["fault"] == "status")
                say(
                    f"  rep {rep + 1} {kind:>6}: {secs(up.seconds)}, {log['total']} requests"
                    f" ({faults} answered 429), {summary.get('created', 0)} created, {bad} failed,"
                    f" {len(bound)}/{count} bound"
                )
                if kind == "faulty":
                    faulty.append(up.seconds)
                    failed += bad
                    retried += faults
                    requests += log["total"]
                    assert bound == declared or bad, (
                        "a successful up must leave exactly the declared bindings"
                    )
                else:
                    clean.append(up.seconds)
                    assert not bad, "the clean up must succeed"
                    assert bound == declared, "the clean up must leave exactly the declared bindings"
                control.set_latency(0)
                project.destroy()
        project.remove()
    slowdown = median(faulty) / median(clean)
    say(
        f"  faulty {secs(median(faulty))} / clean {secs(median(clean))} -> slowdown {slowdown:.2f}"
        f" ({goal(slowdown <= GOAL)} <= {GOAL:g}); failed resources: {failed} ({goal(failed == 0)} = 0)"
    )
    return {
        "rate_limited_slowdown": round(slowdown, 3),
        "rate_limited_failed": failed,
        "rate_limited_bindings": count,
        "rate_limited_latency_ms": LATENCY_MS,
        "rate_limited_seconds": [round(x, 2) for x in faulty],
        "rate_limited_clean_seconds": [round(x, 2) for x in clean],
        "rate_limited_429s": retried,
        "rate_limited_requests": requests,
    }
