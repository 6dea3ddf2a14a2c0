"""vs_terraform: the same job as Terraform + Twilio's official provider, side by side in one run.

Per size (200 bindings on one trunk, and 1,000), against one emulator process at 50 ms latency, each
repetition runs the anchor (``../shared/anchor/terraform-bench``: ``terraform apply``, ``plan``,
``plan -refresh-only``, ``destroy`` at ``-parallelism=10``) and each front door through the real CLI
with ``--parallel 10``: ``pulumi up`` (create), ``pulumi up`` again (no-op), ``pulumi refresh``,
``pulumi destroy``, every one with ``--yes --skip-preview``. The order alternates between
repetitions (anchor first, then last), so drift in the machine's load falls on both sides.

Front doors: ``dynamic`` (the dynamic provider) and ``plugin`` (the provider plugin, from a Python
program through its typed SDK), each with the engine's defaults (a state checkpoint before and after
every step), and ``…_skip_checkpoints``: the same with ``PULUMI_SKIP_CHECKPOINTS=true`` (the state is
written once, at the end: what Terraform does within its 20 s persist interval).

For each door and phase: median wall seconds, Twilio requests (the emulator's log; the anchor's are
counted by its proxy), requests in flight (``peak`` and ``mean`` over the phase's requests, from the
log's start times and durations), and ``ratio``: the median over repetitions of door seconds /
Terraform seconds of the same phase in the same repetition.
Every phase is checked: all bound after create, nothing found gone by refresh, nothing bound after
destroy. Skipped with one line when ``terraform``, ``go`` or ``../shared/anchor`` is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from twilio_trunking_emulator import EmulatorProcess

from ._common import ROOT, TOKEN, Options, emulator_process, in_flight, median, say, secs, seed_numbers
from ._project import DOORS, Project

ANCHOR = ROOT.parent / "shared" / "anchor" / "terraform-bench"
LATENCY_MS = 50.0
PARALLELISM = 10
PHASES = ("create", "noop", "refresh", "destroy")
# terraform-bench's phase names -> ours.
ANCHOR_PHASES = {"apply": "create", "noop_plan": "noop", "refresh": "refresh", "destroy": "destroy"}
SKIP_CHECKPOINTS = "_skip_checkpoints"
# From this size on, only the front doors with checkpoints skipped run (see ``_variants``).
LARGE = 1000
# The goals: wall time <= Terraform's (refresh <= half), requests <= Terraform's (create 1.06x).
GOAL_RATIO = 1.0
GOAL_REFRESH_RATIO = 0.5
GOAL_CREATE_REQUESTS = 1.06


def anchor_missing() -> str | None:
    """Why the anchor cannot run here (one line), or None."""
    if not ANCHOR.is_file():
        return f"{ANCHOR} is missing"
    for tool in ("terraform", "go"):
        if shutil.which(tool) is None:
            return f"`{tool}` is not on PATH (the anchor needs it)"
    return None


def _sizes(options: Options) -> list[tuple[int, int]]:
    """(bindings, repetitions) per size."""
    return [(50, 1)] if options.quick else [(200, 2), (1000, 1)]


def _variants(options: Options, count: int) -> list[str]:
    """The front doors run: with the engine's defaults, and with checkpoints skipped.

    At 1,000 only the latter: a checkpoint per step makes each up or destroy of 1,000 take minutes
    (the whole state rewritten 2,000 times), more than the rest of the run together.
    """
    skipping = [f"{door}{SKIP_CHECKPOINTS}" for door in DOORS]
    if options.quick:
        return list(DOORS)
    return skipping if count >= LARGE else [*DOORS, *skipping]


def _anchor(
    emulator: EmulatorProcess, trunk: str, sids: list[str], work_dir: Path
) -> dict[str, dict[str, Any]]:
    """One repetition of the anchor; per phase its seconds, requests and requests in flight."""
    sids_file = work_dir / "anchor-sids.json"
    sids_file.write_text(json.dumps(sids))
    args = [sys.executable, str(ANCHOR), "--base-url", emulator.base_url, "--account-sid", emulator.auth[0]]
    args += [
        "--auth-token",
        TOKEN,
        "--trunk",
        trunk,
        "--sids",
        str(sids_file),
        "--parallelism",
        str(PARALLELISM),
    ]
    control = emulator.control
    control.clear_requests()
    ends: list[float] = [time.time()]
    lines: list[str] = []
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        stdout, stderr_pipe = process.stdout, process.stderr
        if stdout is None or stderr_pipe is None:
            raise RuntimeError("terraform-bench: no output pipes")
        for line in stdout:
            lines.append(line.rstrip())
            if line.startswith("terraform "):
                ends.append(time.time())  # a phase ends when its line is printed
        stderr = stderr_pipe.read()
    if process.returncode != 0 or not lines or not lines[-1].startswith("ANCHOR "):
        raise RuntimeError(f"terraform-bench failed (exit {process.returncode}): {stderr.strip()[-500:]}")
    summary = json.loads(lines[-1].removeprefix("ANCHOR "))
    log = control.requests()["requests"]
    phases: dict[str, dict[str, Any]] = {}
    for index, (theirs, ours) in enumerate(ANCHOR_PHASES.items()):
        start, end = ends[index], ends[index + 1]
        window = [e for e in log if start <= e["started_at"] < end]
        phases[ours] = {
            "seconds": summary[theirs]["seconds"],
            "requests": summary[theirs]["requests"],
            "in_flight": in_flight(window),
        }
    phases["terraform_version"] = summary.get("terraform_version")
    return phases


def _check(condition: bool, failure: str) -> None:
    if not condition:
        raise RuntimeError(failure)


def _bound(emulator: EmulatorProcess, trunk: str) -> int:
    return sum(1 for n in emulator.control.state()["phone_numbers"] if n["trunk_sid"] == trunk)


def _door(
    options: Options, emulator: EmulatorProcess, trunk: str, numbers: list[str], variant: str
) -> dict[str, dict[str, Any]]:
    """One repetition of one front door: create, no-op, refresh, destroy."""
    door = variant.removesuffix(SKIP_CHECKPOINTS)
    project = Project(options.work_dir, f"vs-{variant}-{len(numbers)}", emulator, door)
    project.declare(trunk, numbers)
    if variant.endswith(SKIP_CHECKPOINTS):
        project.pulumi.extra_env["PULUMI_SKIP_CHECKPOINTS"] = "true"
    control = emulator.control
    phases: dict[str, dict[str, Any]] = {}
    try:
        for phase in PHASES:
            control.clear_requests()
            command = {"create": "up", "noop": "up"}.get(phase, phase)
            run = project.run(command, "--parallel", str(PARALLELISM))
            log = control.requests()
            summary = run.summary()
            if phase == "create":
                _check(_bound(emulator, trunk) == len(numbers), f"{variant}: not all bound after up")
            elif phase == "noop":
                _check(summary.get("created", 0) == 0, f"{variant}: the no-op up created {summary}")
                _check(log["total"] == 0, f"{variant}: the no-op up sent {log['total']} requests")
            elif phase == "refresh":
                _check(
                    not summary.get("deleted") and not summary.get("updated"), f"{variant}: refresh {summary}"
                )
            else:
                _check(_bound(emulator, trunk) == 0, f"{variant}: numbers left bound after destroy")
            phases[phase] = {
                "seconds": run.seconds,
                "requests": log["total"],
                "in_flight": in_flight(log["requests"]),
            }
    finally:
        project.remove()
    return phases


def _medians(reps: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for phase in PHASES:
        runs = [rep[phase] for rep in reps]
        out[phase] = {
            "seconds": round(median([r["seconds"] for r in runs]), 2),
            "seconds_per_rep": [round(r["seconds"], 2) for r in runs],
            "requests": int(median([r["requests"] for r in runs])),
            "in_flight": runs[-1]["in_flight"],
        }
    return out


def _compare(door: dict[str, dict[str, Any]], anchor: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Ratios to the anchor per phase, and whether each meets the issue's goals.

    ``ratio``: the median over repetitions of this door's seconds / the anchor's in the same
    repetition (the two ran minutes apart at most, so a change in the machine's load falls on both).
    """
    out: dict[str, Any] = {}
    for phase in PHASES:
        ours, theirs = door[phase], anchor[phase]
        paired = zip(ours["seconds_per_rep"], theirs["seconds_per_rep"], strict=True)
        ratio = median([mine / terraform for mine, terraform in paired])
        time_goal = GOAL_REFRESH_RATIO if phase == "refresh" else GOAL_RATIO
        request_goal = theirs["requests"] * (GOAL_CREATE_REQUESTS if phase == "create" else 1.0)
        out[phase] = {
            **ours,
            "terraform_seconds": theirs["seconds"],
            "terraform_requests": theirs["requests"],
            "terraform_in_flight": theirs["in_flight"],
            "ratio": round(ratio, 3),
            "goal_met": ratio <= time_goal and ours["requests"] <= request_goal,
        }
    return out


def _size(options: Options, count: int, reps: int, variants: list[str]) -> dict[str, Any]:
    with emulator_process(options.work_dir, f"vs-terraform-{count}") as emulator:
        seeded = seed_numbers(emulator, count, bound=False)
        trunk = seeded["trunk"]
        numbers = [n["phone_number"] for n in seeded["numbers"]]
        sids = [n["sid"] for n in seeded["numbers"]]
        emulator.control.set_latency(LATENCY_MS)
        anchor_reps: list[dict[str, dict[str, Any]]] = []
        door_reps: dict[str, list[dict[str, dict[str, Any]]]] = {v: [] for v in variants}
        version: Any = None
        for rep in range(reps):
            order: list[str] = ["terraform", *variants] if rep % 2 == 0 else [*variants, "terraform"]
            for side in order:
                if side == "terraform":
                    phases = _anchor(emulator, trunk, sids, options.work_dir)
                    version = phases.pop("terraform_version")
                    anchor_reps.append(phases)
                else:
                    phases = _door(options, emulator, trunk, numbers, side)
                    door_reps[side].append(phases)
                say(
                    f"  {count} rep {rep + 1} {side:<26}"
                    + "  ".join(
                        f"{p} {secs(phases[p]['seconds'])} {phases[p]['requests']:>4} req"
                        f" ({phases[p]['in_flight']['mean']:.1f} in flight)"
                        for p in PHASES
                    )
                )
    anchor = _medians(anchor_reps)
    result: dict[str, Any] = {
        "bindings": count,
        "reps": reps,
        "terraform": anchor,
        "terraform_version": version,
    }
    for variant, door_runs in door_reps.items():
        result[variant] = _compare(_medians(door_runs), anchor)
    return result


def _report(sized: dict[str, Any]) -> None:
    count = sized["bindings"]
    say(f"  {count} bindings: wall time / Terraform's (requests: ours / Terraform's)")
    for variant in [k for k in sized if isinstance(sized[k], dict) and k != "terraform"]:
        cells = [
            f"{p} {sized[variant][p]['ratio']:.2f} ({sized[variant][p]['requests']}/"
            f"{sized[variant][p]['terraform_requests']}){'' if sized[variant][p]['goal_met'] else '!'}"
            for p in PHASES
        ]
        say(f"    {variant:<26}" + "  ".join(cells))


def run(options: Options) -> dict[str, Any]:
    missing = anchor_missing()
    if missing is not None:
        say(f"vs_terraform: skipped: {missing}")
        return {"vs_terraform": {"skipped": missing}}
    sizes = _sizes(options)
    say(
        f"vs_terraform: Terraform + the official provider beside {', '.join(_variants(options, 0))}"
        f" (from {LARGE} bindings: {', '.join(_variants(options, LARGE))}); "
        f"{' and '.join(f'{n} bindings x{r}' for n, r in sizes)}; {LATENCY_MS:.0f} ms latency, "
        f"parallelism {PARALLELISM}; load average {[round(x, 2) for x in os.getloadavg()]}"
    )
    figures: dict[str, Any] = {"latency_ms": LATENCY_MS, "parallelism": PARALLELISM}
    for count, reps in sizes:
        sized = _size(options, count, reps, _variants(options, count))
        _report(sized)
        figures[str(count)] = sized
    goals = {
        f"{size}_{variant}": all(figures[str(size)][variant][p]["goal_met"] for p in PHASES)
        for size, _ in sizes
        for variant in _variants(options, size)
    }
    figures["goals_met"] = goals
    return {"vs_terraform": figures}
