"""Shared plumbing: timing, statistics, the emulator process and readable progress output."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from twilio_trunking_emulator import EmulatorProcess, run_emulator_process
from twilio_trunking_emulator.control import RequestLogEntryJson

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
# The emulator's token for this run (not a real credential): letters and digits, as twilio-go (the
# Terraform anchor's client) accepts no other.
TOKEN = "benchtoken7c2a90e1"


def say(message: str = "") -> None:
    """Progress output (stdout, flushed: the last line must stay the BENCH line)."""
    print(message, flush=True)


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def secs(seconds: float) -> str:
    return f"{seconds:.2f} s"


def goal(ok: bool) -> str:
    return "meets goal" if ok else "MISSES GOAL"


@dataclass
class Options:
    """What the whole run was asked for."""

    quick: bool = False
    work_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="pulumi-twilio-bench-")))
    cli_refresh: bool = True


@contextmanager
def emulator_process(work_dir: Path, name: str, *args: str) -> Iterator[EmulatorProcess]:
    """The emulator in its own process, so its CPU time never competes with the code measured."""
    work_dir.mkdir(parents=True, exist_ok=True)
    with (work_dir / f"{name}-emulator.log").open("w") as log:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
        with run_emulator_process(*args, auth_token=TOKEN, stderr=log, env=env) as process:
            yield process


def stack_config(emulator: EmulatorProcess, **extra: str) -> dict[str, str]:
    """Provider configuration (as the stack config would give it) for this emulator."""
    return {
        "twilio:accountSid": emulator.auth[0],
        "twilio:authToken": TOKEN,
        "twilio:apiBaseUrl": emulator.base_url,
        **extra,
    }


def seed_numbers(
    emulator: EmulatorProcess, count: int, *, bound: bool, prefix: str = "+1628"
) -> dict[str, Any]:
    """One trunk and ``count`` numbers, on the trunk when ``bound``; returns the seed result."""
    control = emulator.control
    trunk = control.seed({"trunks": [{"friendly_name": "bench"}]})["trunks"][0]["sid"]
    numbers = [
        {
            "phone_number": f"{prefix}{i:07d}",
            "friendly_name": f"bench {i}",
            **({"trunk_sid": trunk} if bound else {}),
        }
        for i in range(count)
    ]
    seeded = control.seed({"phone_numbers": numbers})
    control.clear_requests()
    return {"trunk": trunk, "numbers": seeded["phone_numbers"]}


def in_flight(entries: list[RequestLogEntryJson]) -> dict[str, float]:
    """Requests in flight over time, from the emulator's log (each entry's start and duration).

    ``peak``: the most at once; ``mean``: the average from the first request's start to the last
    one's end (``span_seconds``): 10 means ten requests were always in flight.
    """
    events = sorted(
        [(e["started_at"], 1) for e in entries]
        + [(e["started_at"] + e["duration_ms"] / 1000, -1) for e in entries]
    )
    if not events:
        return {"peak": 0, "mean": 0.0, "span_seconds": 0.0}
    current = peak = 0
    area = 0.0
    last = events[0][0]
    for at, change in events:
        area += current * (at - last)
        current += change
        peak = max(peak, current)
        last = at
    span = events[-1][0] - events[0][0]
    return {"peak": peak, "mean": round(area / span, 2) if span else 0.0, "span_seconds": round(span, 3)}


def machine() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "implementation": sys.implementation.name,
    }
