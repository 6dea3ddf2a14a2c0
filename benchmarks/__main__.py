"""``python -m benchmarks [--quick] [NAME ...]``: run the benchmarks; the last line is ``BENCH {json}``.

Names: op_overhead, up_200, refresh_1000, import_overhead, rate_limited, scale, vs_terraform (default:
all, in that order). ``make bench`` runs them all. See docs/benchmarks.md for what each figure means.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._common import Options, machine, say

Runner = Callable[[Options], dict[str, Any]]

# The goals of docs/benchmarks.md ("The figures"): figure -> (comparison, threshold).
GOALS: dict[str, tuple[str, float]] = {
    "op_overhead_ratio": ("<=", 1.05),
    "requests_per_binding_up_200": ("<=", 1.1),
    "refresh_1000_requests": ("<=", 3),
    "refresh_1000_speedup": (">=", 10),
    "up_200_efficiency": (">=", 0.75),
    "import_overhead_ms": ("<=", 100),
    "rate_limited_slowdown": ("<=", 2),
    "rate_limited_failed": ("<=", 0),
    "up_200_provider_efficiency": (">=", 0.9),
    "requests_per_binding_up_200_plugin": ("<=", 1.1),
    "up_200_provider_efficiency_plugin": (">=", 0.9),
    "small_stack_big_account_requests_per_binding": ("<=", 2),
    "small_stack_big_account_refresh_requests_per_binding": ("<=", 2),
    "big_stack_requests_per_binding": ("<=", 1.02),
    "scale_curve_ratio": ("<=", 1.2),
    "provider_peak_rss_mb": ("<=", 150),
}
# Benchmark name -> module (each module's ``run(options)`` returns its figures).
MODULES = {
    "op_overhead": "op_overhead",
    "up_200": "up",
    "refresh_1000": "refresh",
    "import_overhead": "import_overhead",
    "rate_limited": "rate_limited",
    "scale": "scale",
    "vs_terraform": "vs_terraform",
}
BENCHMARKS = tuple(MODULES)


def _runner(name: str) -> Runner:
    module = importlib.import_module(f".{MODULES[name]}", __package__)
    run: Runner = module.run
    return run


def _met(key: str, value: Any) -> bool | None:
    if key not in GOALS or not isinstance(value, int | float):
        return None
    op, threshold = GOALS[key]
    return value <= threshold if op == "<=" else value >= threshold


def _table(results: dict[str, Any]) -> None:
    say("")
    say(f"{'figure':<52} {'value':>10}  goal")
    for key, (op, threshold) in GOALS.items():
        if key not in results:
            continue
        value = results[key]
        met = _met(key, value)
        verdict = "" if met is None else ("ok" if met else "NOT MET")
        say(f"{key:<52} {value!s:>10}  {op} {threshold:g}  {verdict}")
    if isinstance(results.get("refresh_2000_requests"), int) and "refresh_2000_requests_goal" in results:
        value, limit = results["refresh_2000_requests"], results["refresh_2000_requests_goal"]
        verdict = "ok" if value <= limit else "NOT MET"
        say(f"{'refresh_2000_requests':<52} {value!s:>10}  <= {limit}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a fast smoke run: fewer repetitions, smaller sizes"
    )
    parser.add_argument(
        "--no-cli-refresh",
        action="store_true",
        help="refresh_1000: skip the real `pulumi refresh` of 1,000 resources (slow to set up)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the work directory (projects, emulator logs)"
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    names = list(args.names) or list(BENCHMARKS)
    # Measure the code as installed: with bytecode caches, as any normal install has them.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    # Default provider settings only: no ambient Twilio credential or tuning leaks into a run.
    for name in [name for name in os.environ if name.startswith("TWILIO_")]:
        del os.environ[name]
    sys.dont_write_bytecode = False
    work_dir = Path(tempfile.mkdtemp(prefix="pulumi-twilio-bench-"))
    options = Options(quick=args.quick, work_dir=work_dir, cli_refresh=not args.no_cli_refresh)
    from ._project import pulumi_version

    results: dict[str, Any] = {"quick": args.quick, "benchmarks": names}
    failures: list[str] = []
    load_before = [round(x, 2) for x in os.getloadavg()]
    say(f"benchmarks: {', '.join(names)}{' (quick)' if args.quick else ''}; work dir {work_dir}")
    say(f"machine: {machine()}; load average {load_before} (other work on the machine adds noise)")
    started = time.perf_counter()
    try:
        for name in names:
            say("")
            t0 = time.perf_counter()
            try:
                results.update(_runner(name)(options))
            except Exception as exc:
                traceback.print_exc()
                failures.append(f"{name}: {type(exc).__name__}: {exc}")
            say(f"  ({name} took {time.perf_counter() - t0:.0f} s)")
    finally:
        if not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
    results.update(
        {
            "machine": machine(),
            # 1/5/15-minute load averages before and after: other work on the machine skews timings.
            "load_average_before": load_before,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "pulumi_version": pulumi_version(),
            "total_seconds": round(time.perf_counter() - started, 1),
            "errors": failures,
            "goals_met": {k: _met(k, results[k]) for k in GOALS if k in results},
        }
    )
    # A goal that depends on the set-up: 2 requests per trunk plus the pages beyond each trunk's first.
    if isinstance(results.get("refresh_2000_requests"), int) and "refresh_2000_requests_goal" in results:
        results["goals_met"]["refresh_2000_requests"] = (
            results["refresh_2000_requests"] <= results["refresh_2000_requests_goal"]
        )
    _table(results)
    print("BENCH " + json.dumps(results, sort_keys=False), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
