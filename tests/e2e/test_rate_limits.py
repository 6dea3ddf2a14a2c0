"""Twilio answering 429 to a share of the requests: ``up`` and ``destroy`` still succeed.

The provider's client retries 429s (full-jitter exponential backoff, or the server's ``Retry-After``
when it sends one), so the engine never sees them.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import BINDINGS_PROGRAM, ProjectFactory, bindings_with, numbers, resource_name
from twilio_trunking_emulator.control import FaultRuleSpec

TWILIO_PATHS = r"^/(v1|2010-04-01)/"


def _throttle(retry_after: int | None) -> FaultRuleSpec:
    return {"kind": "status", "status": 429, "retry_after": retry_after, "path_regex": TWILIO_PATHS}


@pytest.mark.parametrize("retry_after", [1, None], ids=["with-retry-after", "without-retry-after"])
def test_up_and_destroy_succeed_while_a_share_of_requests_get_429(
    make_project: ProjectFactory, retry_after: int | None
) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(6)
    seeded = project.prepare(declared)
    trunk = seeded.trunks[0]
    # Two POSTs (binds) and two DELETEs (unbinds) are refused for sure, then 30% of every Twilio
    # request at random.
    rules: list[FaultRuleSpec] = [
        {**_throttle(retry_after), "method": "POST", "count": 2},
        {**_throttle(retry_after), "method": "DELETE", "count": 2},
        {**_throttle(retry_after), "rate": 0.3},
    ]
    project.emulator.control.set_faults(rules, seed=20429)

    up = project.pulumi.run("up", "--yes", "--skip-preview")
    assert bindings_with(up.stdout, "created") == {resource_name(n) for n in declared}, up.stdout
    project.assert_converged(seeded, trunk, declared)
    log = project.emulator.control.requests()
    throttled = [e for e in log["requests"] if e["status"] == 429]
    assert len(throttled) >= 2, log["counts"]
    assert [rule["hits"] for rule in project.emulator.control.faults()["rules"]][:2] == [2, 0]

    destroy = project.pulumi.run("destroy", "--yes", "--skip-preview")
    assert bindings_with(destroy.stdout, "deleted") == {resource_name(n) for n in declared}, destroy.stdout
    assert set(project.bound().values()) == {None}
    assert [rule["hits"] for rule in project.emulator.control.faults()["rules"]][:2] == [2, 2]
    # Every refused request was retried: each number saw a POST and a DELETE that succeeded.
    log = project.emulator.control.requests()
    for method, status in (("POST", 201), ("DELETE", 204)):
        assert len([e for e in log["requests"] if e["method"] == method and e["status"] == status]) == 6
