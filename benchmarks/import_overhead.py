"""import_overhead_ms: what ``from pulumi_twilio_trunking import TrunkPhoneNumberAssociation`` costs a
program beyond ``import pulumi`` (which every Pulumi program pays anyway).

Each sample is a fresh interpreter (the repo's .venv python) timing, with ``perf_counter`` around
the statement only, either ``import pulumi`` or ``import pulumi_twilio_trunking`` followed by the
attribute access that loads the resource class (the package's names are lazy, so importing the
package alone would understate it); the package's time includes importing pulumi itself. Runs
alternate between the two; bytecode caches are warm (two untimed runs of each first), as after any
install. Result: median(package) - median(pulumi).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from ._common import Options, goal, median, say

GOAL_MS = 100.0

_TIMER = "import time\nt = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t)\n"
PACKAGE = "import pulumi_twilio_trunking as p\np.TrunkPhoneNumberAssociation"
PULUMI = "import pulumi"
# Context only: the same, timed in an interpreter that has already imported pulumi (less noisy).
AFTER_PULUMI = "import pulumi\nt = time.perf_counter()\n" + PACKAGE


def _sample(statement: str) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run(
        [sys.executable, "-c", _TIMER.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    )
    return float(out.stdout.strip().splitlines()[-1])


def run(options: Options) -> dict[str, Any]:
    pairs = 7 if options.quick else 21
    say(f"import_overhead: {pairs} fresh interpreters each for the package and for pulumi alone")
    for _ in range(2):
        _sample(PACKAGE)
        _sample(PULUMI)
    package: list[float] = []
    pulumi: list[float] = []
    for index in range(pairs):
        order = (PACKAGE, PULUMI) if index % 2 == 0 else (PULUMI, PACKAGE)
        for statement in order:
            (package if statement == PACKAGE else pulumi).append(_sample(statement))
    after = [_sample(AFTER_PULUMI) for _ in range(pairs)]
    overhead_ms = (median(package) - median(pulumi)) * 1000
    say(
        f"  package + TrunkPhoneNumberAssociation {median(package) * 1000:.0f} ms, pulumi alone"
        f" {median(pulumi) * 1000:.0f} ms -> import_overhead_ms {overhead_ms:.1f}"
        f" ({goal(overhead_ms <= GOAL_MS)} <= {GOAL_MS:.0f})"
    )
    say(
        "  (context: the same import in an interpreter that already imported pulumi:"
        f" {median(after) * 1000:.1f} ms)"
    )
    return {
        "import_overhead_ms": round(overhead_ms, 1),
        "import_package_ms": round(median(package) * 1000, 1),
        "import_pulumi_ms": round(median(pulumi) * 1000, 1),
        "import_after_pulumi_ms": round(median(after) * 1000, 2),
    }
