"""``pulumi up`` interrupted mid-flight, then run again: it converges with no manual state edits.

30 bindings, 200 ms of latency on every Twilio request, and the CLI is interrupted once some bindings
exist. What the engine (v3.274.1, local ``file://`` backend) does, as these tests pin down:

* **SIGINT** (Ctrl-C, sent to the CLI's process group as a terminal does): the engine cancels
  gracefully. It starts nothing new, waits for the creates in flight, saves them, exits non-zero with
  "update canceled", releases the stack lock and leaves no pending operation. The plugins exit too.
  The next ``up`` simply creates the rest.
* **SIGKILL** of the CLI: the state keeps what was saved, plus one ``pending_operations`` entry
  (``"type": "creating"``) per create that was in flight; those creates may or may not have bound
  their number. Three things are left to clean up, all with ordinary commands:

  1. the stack lock of the local backend stays: the next command fails with "the stack is currently
     locked by 1 lock(s)" until ``pulumi cancel --yes`` removes it;
  2. the engine's plugins (language host, dynamic provider) run in process groups of their own, so a
     SIGKILL of the CLI does not reach them; they linger until killed (the test ends them by pid);
  3. pending creates: ``up`` alone converges Twilio *and* the resources (it warns about the pending
     operations and runs those creates again, which is safe: create adopts a binding that exists), but
     it leaves the ``pending_operations`` entries in the state, and every later update warns again.
     ``pulumi refresh --clear-pending-creates --yes`` drops them (non-interactively; a plain
     ``refresh`` only offers to in interactive mode). ``--import-pending-creates URN TK…/PN…`` would
     also do, since ids are deterministic, but clearing is enough because the next ``up`` adopts.

  So the recipe after a killed ``up`` is: ``pulumi cancel --yes``, ``pulumi refresh
  --clear-pending-creates --yes``, ``pulumi up --yes``.

  One more hazard, of the local ``file://`` backend only: the CLI saves a checkpoint after every step,
  and gocloud's fileblob writes each blob atomically (temp file, rename) but its ``<blob>.attrs``
  metadata sidecar in place. A SIGKILL during that write (it happened on the first try here) leaves
  an empty ``.pulumi/stacks/<project>/<stack>.json.attrs``, after which every command fails with
  "failed to load checkpoint: EOF" until that file is deleted. ``LocalPulumi`` therefore uses
  ``file://…?metadata=skip`` (no sidecars); users of a plain ``file://`` backend should do the same.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from pulumi_twilio_trunking.testing.pulumi_cli import descendant_pids
from tests.e2e.conftest import BINDINGS_PROGRAM, Project, ProjectFactory, Seeded, numbers

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="finds the engine's plugins via /proc")

COUNT = 30
LATENCY_MS = 200


def _start_up_and_interrupt(project: Project, seeded: Seeded, sig: signal.Signals) -> tuple[str, list[int]]:
    """Start `up`, deliver ``sig`` once 5 bindings exist; the CLI's output and its plugins' pids."""
    process = project.pulumi.start("up", "--yes", "--skip-preview")
    plugins: list[int] = []
    try:
        deadline = time.monotonic() + 90
        while sum(trunk is not None for trunk in project.bound().values()) < 5:
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "no binding was made in time"
            time.sleep(0.05)
        plugins = descendant_pids(process.pid)
        if sig == signal.SIGKILL:
            process.kill()
        else:
            os.killpg(process.pid, sig)  # as a terminal's Ctrl-C does
        output, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert sum(trunk is not None for trunk in project.bound().values()) < COUNT, "interrupted too late"
    return output, plugins


def _end(pids: list[int]) -> list[int]:
    """SIGKILL the given processes (ours: the killed CLI's plugins); the ones that were still alive."""
    alive = []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            alive.append(pid)
        except ProcessLookupError:
            continue
    return alive


def _still_running(pids: list[int], wait: float = 15) -> list[int]:
    """Those of ``pids`` still running (not gone, not zombies) after up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        running = []
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    if stat.read().rsplit(")", 1)[1].split()[0] != "Z":
                        running.append(pid)
            except OSError:
                continue
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.2)


def _setup(make_project: ProjectFactory) -> tuple[Project, Seeded, list[str]]:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(COUNT)
    seeded = project.seed(declared)
    project.configure()
    project.declare(seeded.trunks[0], declared)
    project.emulator.control.set_latency(LATENCY_MS)
    return project, seeded, declared


def test_sigint_cancels_gracefully_and_the_next_up_converges(make_project: ProjectFactory) -> None:
    project, seeded, declared = _setup(make_project)
    trunk = seeded.trunks[0]

    output, plugins = _start_up_and_interrupt(project, seeded, signal.SIGINT)
    assert "update canceled" in output, output
    assert project.pulumi.pending_operations() == []
    # What was bound is what the state holds: nothing in flight was lost.
    bound = {sid for sid, t in project.bound().items() if t == trunk}
    assert {r["id"].split("/")[1] for r in project.bindings_in_state().values()} == bound
    assert plugins and _still_running(plugins) == [], "the plugins outlived a graceful cancel"

    project.emulator.control.set_latency(0)
    project.pulumi.run("up", "--yes", "--skip-preview")  # no lock left behind, nothing to clean up
    project.assert_converged(seeded, trunk, declared)
    assert project.pulumi.pending_operations() == []


def test_sigkill_then_cancel_refresh_and_up_converge(make_project: ProjectFactory) -> None:
    project, seeded, declared = _setup(make_project)
    trunk = seeded.trunks[0]

    _, plugins = _start_up_and_interrupt(project, seeded, signal.SIGKILL)
    assert plugins, "the CLI had started no plugin"
    # The engine's plugins survive the CLI: end them (they are ours) so they cannot write any more.
    assert _end(plugins), "expected the plugins to outlive a SIGKILLed CLI"
    project.emulator.control.set_latency(0)

    locked = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    assert locked.returncode != 0
    assert "the stack is currently locked" in locked.stdout + locked.stderr
    project.pulumi.run("cancel", "--yes")

    pending = project.pulumi.pending_operations()
    assert pending, "a create was in flight when the CLI was killed"
    assert {op["type"] for op in pending} == {"creating"}

    # `up` alone converges Twilio and the resources, but keeps the pending operations in the state.
    up = project.pulumi.run("up", "--yes", "--skip-preview")
    assert "pending operations" in up.stdout + up.stderr
    project.assert_converged(seeded, trunk, declared)
    assert len(project.pulumi.pending_operations()) == len(pending)

    # refresh --clear-pending-creates drops them, and changes nothing else.
    project.pulumi.run("refresh", "--clear-pending-creates", "--yes", "--skip-preview")
    assert project.pulumi.pending_operations() == []
    project.assert_converged(seeded, trunk, declared)
    project.pulumi.run("preview", "--expect-no-changes")


def test_sigkill_recipe_cancel_refresh_up(make_project: ProjectFactory) -> None:
    """The documented order: cancel, refresh --clear-pending-creates, then up."""
    project, seeded, declared = _setup(make_project)
    trunk = seeded.trunks[0]
    _, plugins = _start_up_and_interrupt(project, seeded, signal.SIGKILL)
    _end(plugins)
    project.emulator.control.set_latency(0)

    project.pulumi.run("cancel", "--yes")
    project.pulumi.run("refresh", "--clear-pending-creates", "--yes", "--skip-preview")
    assert project.pulumi.pending_operations() == []
    up = project.pulumi.run("up", "--yes", "--skip-preview")
    assert "pending operations" not in up.stdout + up.stderr
    project.assert_converged(seeded, trunk, declared)
