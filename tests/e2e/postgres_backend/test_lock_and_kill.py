"""Two ``pulumi up`` of one stack at once, and a ``kill -9`` of an ``up``, with the state in PostgreSQL.

What the CLI (v3.274.1, ``pkg/backend/diy``) does: an update writes a lock row
(``.pulumi/locks/<org>/<project>/<stack>/<id>.json``), then checks that it is the only one; a second
update that finds another lock fails at once with "the stack is currently locked by 1 lock(s)" and
the lock's owner (user, host, pid). It does not wait. If both write their lock before either checks,
both fail: nothing ran, and the next ``up`` does the work. A ``kill -9`` leaves the lock row behind;
``pulumi cancel`` deletes it, and the README's recipe (cancel, refresh --clear-pending-creates, one
``up`` with TWILIO_TRUNKING_ADOPT_EXISTING=true) recovers exactly as with a file backend, minus the
file backend's sidecar hazard: a row is written in one statement.
"""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from pulumi_twilio_trunking.ownership import ADOPT_EXISTING_ENV
from tests.e2e.conftest import BINDINGS_PROGRAM, ProjectFactory, TwilioApi, numbers
from tests.e2e.postgres_backend.conftest import LOCKED, StateDatabase
from tests.e2e.test_interrupt import (
    _assert_no_duplicate,
    _end,
    _orphans,
    _setup,
    _start_up_and_interrupt,
)

COUNT = 8
LATENCY_MS = 150


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        output, _ = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, output


def test_two_ups_at_once_one_is_refused_by_the_lock_and_nothing_is_lost(
    make_pg_project: ProjectFactory, state_database: StateDatabase, twilio_api: TwilioApi
) -> None:
    project = make_pg_project(BINDINGS_PROGRAM)
    declared = numbers(COUNT)
    seeded = project.prepare(declared)
    trunk = seeded.trunks[0]
    project.emulator.control.set_latency(
        LATENCY_MS
    )  # the first update is still running when the second starts

    first = project.pulumi.start("up", "--yes", "--skip-preview")
    second = project.pulumi.start("up", "--yes", "--skip-preview")
    results = [_finish(first), _finish(second)]

    refused = [output for code, output in results if code != 0]
    assert refused, "both updates of one stack ran at once"
    for output in refused:
        assert LOCKED in output, output
        assert "created by" in output and "pid" in output, output  # names the lock's owner
    # Whatever ran is in the state, each number once; nothing was bound outside the state.
    assert _orphans(project, trunk) == set()
    _assert_no_duplicate(project, twilio_api, trunk)
    assert state_database.locks() == []

    project.emulator.control.set_latency(0)
    project.pulumi.run("up", "--yes", "--skip-preview")
    project.assert_converged(seeded, trunk, declared)
    project.pulumi.run("preview", "--expect-no-changes")


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="finds the engine's plugins via /proc")
def test_a_killed_up_is_recovered_by_the_readme_recipe(
    make_pg_project: ProjectFactory, state_database: StateDatabase, twilio_api: TwilioApi
) -> None:
    project, seeded, declared = _setup(make_pg_project)
    trunk = seeded.trunks[0]
    _, plugins = _start_up_and_interrupt(project, seeded, signal.SIGKILL)
    _end(plugins)
    project.emulator.control.set_latency(0)

    assert len(state_database.locks()) == 1, "a killed update leaves its lock row"
    locked = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    assert locked.returncode != 0
    assert LOCKED in locked.stdout + locked.stderr

    # The README's recipe, as written.
    project.pulumi.run("cancel", "--yes")
    assert state_database.locks() == []
    project.pulumi.run("refresh", "--clear-pending-creates", "--yes")
    assert project.pulumi.pending_operations() == []
    orphans = _orphans(project, trunk)
    up = project.pulumi.run("up", "--yes", env={ADOPT_EXISTING_ENV: "true"})
    for sid in orphans:
        assert f"adopted existing binding {trunk}/{sid}" in up.stdout, up.stdout
    project.assert_converged(seeded, trunk, declared)
    _assert_no_duplicate(project, twilio_api, trunk)
    project.pulumi.run("preview", "--expect-no-changes")
