"""op_overhead_ratio: the provider's own cost around the HTTP requests it makes.

Each iteration runs one provider create+read+delete cycle (check() excluded: it makes no request),
reads from the emulator's request log exactly which requests that cycle made (method, path,
query), and right after sends the very same requests raw with one persistent ``httpx.Client``
(a full cycle leaves the emulator as it found it, so the replay meets the same state). The two
strictly alternate, so drift from other load hits both alike. Latency 20 ms per request.

Both sides run with warm connections; the provider keeps its default settings, so after the first
cycles of a wave its reads are served by the trunk snapshot (see snapshots.py) and a cycle is
usually POST + DELETE: the smallest denominator, the hardest case for this ratio. For context the
same is measured with snapshots off (``twilio:snapshotTtl=0``): GET number, POST, GET, DELETE.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_twilio_trunking.provider import TrunkPhoneNumberAssociationProvider
from pulumi_twilio_trunking.reporting import Severity, report_to
from pulumi_twilio_trunking.session import ProviderSession
from twilio_trunking_emulator import EmulatorProcess
from twilio_trunking_emulator.control import RequestLogEntryJson

from ._common import TOKEN, Options, emulator_process, goal, median, ms, say, seed_numbers, stack_config

LATENCY_MS = 20.0
GOAL = 1.05


def _provider(emulator: EmulatorProcess, **extra: str) -> TrunkPhoneNumberAssociationProvider:
    provider = TrunkPhoneNumberAssociationProvider(ProviderSession())  # its own client and snapshots
    provider.configure(ConfigureRequest(Config(stack_config(emulator, **extra), "bench")))
    return provider


def _command(provider: TrunkPhoneNumberAssociationProvider) -> TrunkPhoneNumberAssociationProvider:
    """The provider of another command: its own update memory, the same client and snapshots."""
    return TrunkPhoneNumberAssociationProvider(ProviderSession(service=provider.session.service))


def _cycle(configured: TrunkPhoneNumberAssociationProvider, trunk: str, number: str) -> float:
    # The create and the delete come from two commands (within one, the update holds every binding
    # it made), served by one process: the client and its snapshots carry over, as in a wave.
    provider, later = _command(configured), _command(configured)
    checked = provider.check({}, {"trunk_sid": trunk, "phone_number": number})
    started = time.perf_counter()
    created = provider.create(checked.inputs)
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.id == created.id, "the binding just made must read back"
    later.delete(created.id, created.outs)
    return time.perf_counter() - started


def _replay(http: httpx.Client, base_url: str, requests: list[RequestLogEntryJson], number_sid: str) -> float:
    started = time.perf_counter()
    for entry in requests:
        url = base_url + entry["path"] + (f"?{entry['query']}" if entry["query"] else "")
        data = {"PhoneNumberSid": number_sid} if entry["method"] == "POST" else None
        response = http.request(entry["method"], url, data=data)
        response.read()
    return time.perf_counter() - started


@dataclass
class _Series:
    provider: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    mix: Counter[str] = field(default_factory=Counter)

    @property
    def ratio(self) -> float:
        return median(self.provider) / median(self.raw)


def _measure(emulator: EmulatorProcess, iterations: int, prefix: str, **config: str) -> _Series:
    warmup = 3
    seeded = seed_numbers(emulator, 1, bound=False, prefix=prefix)  # a number of its own
    trunk, number = seeded["trunk"], seeded["numbers"][0]
    control = emulator.control
    provider = _provider(emulator, **config)
    series = _Series()
    raw_auth = httpx.BasicAuth(emulator.auth[0], TOKEN)
    with httpx.Client(auth=raw_auth, headers={"Accept": "application/json"}) as http:
        for index in range(warmup + iterations):
            control.clear_requests()
            provider_elapsed = _cycle(provider, trunk, number["phone_number"])
            log = control.requests()["requests"]
            raw_elapsed = _replay(http, emulator.base_url, log, number["sid"])
            if index >= warmup:
                series.provider.append(provider_elapsed)
                series.raw.append(raw_elapsed)
                series.requests.append(len(log))
                series.mix.update(f"{e['method']} {e['route']}" for e in log)
    return series


def _report(label: str, series: _Series) -> None:
    say(
        f"  {label}: provider cycle median {ms(median(series.provider))}, raw replay median"
        f" {ms(median(series.raw))} -> ratio {series.ratio:.3f}"
    )
    say(f"    requests per cycle (value: cycles) {dict(Counter(series.requests))}; mix {dict(series.mix)}")


def _quiet(line: str, severity: Severity) -> None:
    pass


def _to_stderr(line: str, severity: Severity) -> None:
    print(line, file=sys.stderr, flush=True)


def run(options: Options) -> dict[str, Any]:
    iterations = 12 if options.quick else 60
    say(
        f"op_overhead: {iterations} create+read+delete cycles at {LATENCY_MS:.0f} ms latency,"
        " each followed by a raw replay of its requests"
    )
    # The provider's `twilio-trunking:` line for each unbind (120 of them) would bury the progress.
    report_to(_quiet)
    try:
        with emulator_process(options.work_dir, "op_overhead") as emulator:
            emulator.control.set_latency(LATENCY_MS)
            default = _measure(emulator, iterations, "+16290")
            # Context: every read and number lookup over HTTP too (snapshots off), 4 requests a cycle.
            direct = _measure(emulator, iterations, "+16291", **{"twilio:snapshotTtl": "0"})
    finally:
        report_to(_to_stderr)
    _report("default settings", default)
    _report("context, snapshots off (twilio:snapshotTtl=0)", direct)
    ratio = default.ratio
    say(f"  op_overhead_ratio {ratio:.3f} ({goal(ratio <= GOAL)} <= {GOAL})")
    return {
        "op_overhead_ratio": round(ratio, 4),
        "op_cycle_provider_ms": round(median(default.provider) * 1000, 2),
        "op_cycle_raw_ms": round(median(default.raw) * 1000, 2),
        "op_cycle_overhead_ms": round((median(default.provider) - median(default.raw)) * 1000, 2),
        "op_cycle_requests_median": median([float(n) for n in default.requests]),
        "op_overhead_ratio_no_snapshots": round(direct.ratio, 4),
        "op_cycle_requests_no_snapshots": median([float(n) for n in direct.requests]),
        "op_cycles": iterations,
        "op_latency_ms": LATENCY_MS,
    }
