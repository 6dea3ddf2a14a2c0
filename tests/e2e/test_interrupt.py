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
  3. pending creates: some of them may have bound their number (an *orphan*: bound in Twilio, not in
     the state). A create never takes over a binding it did not make (one owner per binding), so a
     plain ``up`` refuses each orphan, naming ``TWILIO_TRUNKING_ADOPT_EXISTING``; it binds nothing
     twice. ``pulumi refresh --clear-pending-creates --yes`` drops the ``pending_operations`` entries
     (non-interactively; a plain ``refresh`` only offers to in interactive mode), and the next ``up``,
     run once with ``TWILIO_TRUNKING_ADOPT_EXISTING=true``, redoes those creates and adopts exactly the
     orphans (``--import-pending-creates URN TK…/PN…`` would also do, since ids are deterministic).

  So the recipe after a killed ``up`` is (README, "When `pulumi up` is interrupted"): ``pulumi cancel
  --yes``, ``pulumi refresh --clear-pending-creates --yes``, ``TWILIO_TRUNKING_ADOPT_EXISTING=true
  pulumi up --yes`` once. It converges with no duplicate binding and no manual state edit.

  One more hazard, of the local ``file://`` backend only: the CLI saves a checkpoint after every step,
  and gocloud's fileblob writes each blob atomically (temp file, rename) but its ``<blob>.attrs``
  metadata sidecar in place. A SIGKILL during that write (it happened on the first try here) leaves
  an empty ``.pulumi/stacks/<project>/<stack>.json.attrs``, after which every command fails with
  "failed to load checkpoint: EOF" until that file is deleted. ``LocalPulumi`` therefore uses
  ``file://…?metadata=skip`` (no sidecars); users of a plain ``file://`` backend should do the same.
"""

from __future__ import annotations

import os
import re
import signal
import time

import pytest

from pulumi_twilio_trunking.ownership import ADOPT_EXISTING_ENV
from pulumi_twilio_trunking.testing.pulumi_cli import descendant_pids
from tests.e2e.conftest import BINDINGS_PROGRAM, Project, ProjectFactory, Seeded, TwilioApi, numbers

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


def _orphans(project: Project, trunk: str) -> set[str]:
    """Numbers bound to ``trunk`` in Twilio that no binding of the state holds."""
    in_state = {r["id"].split("/")[1] for r in project.bindings_in_state().values()}
    return {sid for sid, t in project.bound().items() if t == trunk} - in_state


def _assert_no_duplicate(project: Project, api: TwilioApi, trunk: str) -> None:
    """Each number is on the trunk once, and held by one resource of the state once."""
    listed = api.trunk_numbers(trunk)
    assert len(listed) == len(set(listed))
    ids = [r["id"] for r in project.bindings_in_state().values()]
    assert len(ids) == len(set(ids))


def test_sigkill_leaves_a_lock_and_pending_creates_and_plain_up_never_shares(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
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
    orphans = _orphans(project, trunk)

    # A plain `up` (skipping the recipe) binds the rest but refuses every orphan: never two owners.
    up = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    output = " ".join((up.stdout + up.stderr).split())
    if orphans:
        assert up.returncode != 0
        assert "TWILIO_TRUNKING_ADOPT_EXISTING=true" in output
        for sid in orphans:
            assert f"({sid}) is already bound to trunk {trunk}, not by this resource" in output
    else:  # every create in flight was killed before its POST reached Twilio
        assert up.returncode == 0, output
    assert _orphans(project, trunk) == orphans
    _assert_no_duplicate(project, twilio_api, trunk)

    # The recipe from here: clear the pending creates, then adopt once.
    project.pulumi.run("refresh", "--clear-pending-creates", "--yes", "--skip-preview")
    assert project.pulumi.pending_operations() == []
    project.pulumi.run("up", "--yes", "--skip-preview", env={ADOPT_EXISTING_ENV: "true"})
    project.assert_converged(seeded, trunk, declared)
    _assert_no_duplicate(project, twilio_api, trunk)
    project.pulumi.run("preview", "--expect-no-changes")


def test_sigkill_recipe_cancel_refresh_up(make_project: ProjectFactory, twilio_api: TwilioApi) -> None:
    """The documented recipe: cancel, refresh --clear-pending-creates, then one up with
    TWILIO_TRUNKING_ADOPT_EXISTING=true, which adopts exactly the orphans and binds the rest."""
    project, seeded, declared = _setup(make_project)
    trunk = seeded.trunks[0]
    _, plugins = _start_up_and_interrupt(project, seeded, signal.SIGKILL)
    _end(plugins)
    project.emulator.control.set_latency(0)

    project.pulumi.run("cancel", "--yes")
    project.pulumi.run("refresh", "--clear-pending-creates", "--yes")
    assert project.pulumi.pending_operations() == []
    orphans = _orphans(project, trunk)
    held_before = len(project.bindings_in_state())
    project.emulator.control.clear_requests()
    up = project.pulumi.run("up", "--yes", env={ADOPT_EXISTING_ENV: "true"})
    assert "pending operations" not in up.stdout + up.stderr
    adopted = set(re.findall(rf"adopted existing binding {trunk}/(PN[0-9a-f]{{32}})", up.stdout))
    assert adopted == orphans, up.stdout
    project.assert_converged(seeded, trunk, declared)
    _assert_no_duplicate(project, twilio_api, trunk)
    # One POST per number that was not bound yet; none for an orphan or a binding in the state.
    posted = [e for e in project.emulator.control.requests()["requests"] if e["method"] == "POST"]
    assert len(posted) == COUNT - held_before - len(orphans)
    # Later commands are plain: no switch, no warning, no change.
    project.pulumi.run("preview", "--expect-no-changes")
