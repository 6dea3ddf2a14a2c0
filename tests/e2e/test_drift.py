"""Changes made behind Pulumi's back (through the Twilio API), then ``refresh``, ``up`` and ``destroy``.

What the engine does with them, as these tests pin down:

* a binding removed out of band: ``refresh`` drops the resource from the state (the provider's read
  answers an empty id), and the next ``up`` binds the number again;
* a number moved out of band to another trunk: ``refresh`` drops the resource too (the number is no
  longer on the declared trunk). The next ``up`` then tries to create the binding and fails on
  purpose: a number can be on one trunk only, and the provider never takes a number away from a
  trunk it was not told about. The error names the other trunk; nothing changes in Twilio. To take
  the number back, remove it from the other trunk first (or declare the other trunk);
* ``destroy`` unbinds only from the declared trunk, and a binding that is already gone counts as done,
  so ``destroy`` after an out-of-band unbind (or move) succeeds and leaves the moved number alone.
"""

from __future__ import annotations

from tests.e2e.conftest import (
    BINDINGS_PROGRAM,
    ProjectFactory,
    TwilioApi,
    bindings_with,
    numbers,
    resource_name,
)
from twilio_trunking_emulator.jsontypes import RequestLogEntryJson


def _writes(project_log: list[RequestLogEntryJson]) -> list[str]:
    return [f"{e['method']} {e['path']}" for e in project_log if e["method"] in ("POST", "DELETE")]


def test_unbound_out_of_band_refresh_drops_it_and_up_binds_it_again(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(2)
    gone, kept = declared
    seeded = project.prepare(declared)
    trunk = seeded.trunks[0]
    project.pulumi.run("up", "--yes", "--skip-preview")
    project.assert_converged(seeded, trunk, declared)

    twilio_api.unbind(trunk, seeded.numbers[gone])
    project.emulator.control.clear_requests()
    refresh = project.pulumi.run("refresh", "--yes", "--skip-preview")
    assert bindings_with(refresh.stdout, "deleted") == {resource_name(gone)}, refresh.stdout
    assert set(project.bindings_in_state()) == {resource_name(kept)}
    assert _writes(project.emulator.control.requests()["requests"]) == []  # refresh only reads
    assert project.bound() == {seeded.numbers[gone]: None, seeded.numbers[kept]: trunk}

    up = project.pulumi.run("up", "--yes", "--skip-preview")
    assert bindings_with(up.stdout, "created") == {resource_name(gone)}, up.stdout
    project.assert_converged(seeded, trunk, declared)
    assert twilio_api.trunk_numbers(trunk) == sorted(seeded.numbers[n] for n in declared)


def test_moved_out_of_band_refresh_detects_it_and_up_refuses_to_take_it_back(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(2)
    moved, kept = declared
    seeded = project.prepare(declared, trunks=2)
    trunk, other_trunk = seeded.trunks
    project.pulumi.run("up", "--yes", "--skip-preview")
    project.assert_converged(seeded, trunk, declared)

    twilio_api.move(seeded.numbers[moved], trunk, other_trunk)
    refresh = project.pulumi.run("refresh", "--yes", "--skip-preview")
    assert bindings_with(refresh.stdout, "deleted") == {resource_name(moved)}, refresh.stdout
    assert set(project.bindings_in_state()) == {resource_name(kept)}

    project.emulator.control.clear_requests()
    up = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    assert up.returncode != 0
    message = " ".join((up.stdout + up.stderr).split())
    assert f"({seeded.numbers[moved]}) is bound to another trunk, {other_trunk}" in message, message
    assert "a number can be on one trunk only" in message
    # Nothing was written: the number stays where it was moved, the state still lacks it.
    assert _writes(project.emulator.control.requests()["requests"]) == []
    assert project.bound() == {seeded.numbers[moved]: other_trunk, seeded.numbers[kept]: trunk}
    assert set(project.bindings_in_state()) == {resource_name(kept)}

    # Once the other trunk lets go of it, the same program binds it again.
    twilio_api.unbind(other_trunk, seeded.numbers[moved])
    project.pulumi.run("up", "--yes", "--skip-preview")
    project.assert_converged(seeded, trunk, declared)


def test_destroy_unbinds_everything(make_project: ProjectFactory, twilio_api: TwilioApi) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(3)
    seeded = project.prepare(declared)
    trunk = seeded.trunks[0]
    project.pulumi.run("up", "--yes", "--skip-preview")
    project.assert_converged(seeded, trunk, declared)

    destroy = project.pulumi.run("destroy", "--yes", "--skip-preview")
    assert bindings_with(destroy.stdout, "deleted") == {resource_name(n) for n in declared}, destroy.stdout
    assert set(project.bound().values()) == {None}
    assert twilio_api.trunk_numbers(trunk) == []
    assert project.pulumi.export_state()["deployment"].get("resources") in (None, [])


def test_destroy_after_out_of_band_unbind_and_move_succeeds(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(3)
    unbound, moved, kept = declared
    seeded = project.prepare(declared, trunks=2)
    trunk, other_trunk = seeded.trunks
    project.pulumi.run("up", "--yes", "--skip-preview")
    project.assert_converged(seeded, trunk, declared)

    twilio_api.unbind(trunk, seeded.numbers[unbound])
    twilio_api.move(seeded.numbers[moved], trunk, other_trunk)
    project.emulator.control.clear_requests()
    destroy = project.pulumi.run("destroy", "--yes", "--skip-preview")
    assert bindings_with(destroy.stdout, "deleted") == {resource_name(n) for n in declared}, destroy.stdout
    assert project.pulumi.export_state()["deployment"].get("resources") in (None, [])
    # Only the declared trunk was touched: the moved number is still on the other trunk.
    assert project.bound() == {
        seeded.numbers[unbound]: None,
        seeded.numbers[moved]: other_trunk,
        seeded.numbers[kept]: None,
    }
    deletes = [e["path"] for e in project.emulator.control.requests()["requests"] if e["method"] == "DELETE"]
    assert sorted(deletes) == sorted(f"/v1/Trunks/{trunk}/PhoneNumbers/{seeded.numbers[n]}" for n in declared)
