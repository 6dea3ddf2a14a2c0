"""Changing ``trunk_sid`` in the program: a replacement, carried out as a guarded move.

A number can be on one trunk only, so the replacement's create cannot bind the number to the new trunk
while the old binding exists. The provider's diff asks for a replacement *without*
delete-before-replace; the engine therefore creates the replacement first, and that create moves the
number (checks the new trunk exists, unbinds from the old trunk, binds to the new one). The engine's
delete of the old binding then finds it already gone, which counts as done.
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


def test_trunk_change_replaces_and_moves_the_number(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(2)
    moving, _ = declared
    seeded = project.seed(declared, trunks=2)
    old_trunk, new_trunk = seeded.trunks
    number_sid = seeded.numbers[moving]
    project.configure()
    project.declare(old_trunk, declared)
    project.pulumi.run("up", "--yes", "--skip-preview")
    project.assert_converged(seeded, old_trunk, declared)

    # Only the first number moves: the program binds it to the new trunk, the other stays.
    project.pulumi.set_config_values({"trunk": new_trunk, "numbers": f'["{moving}"]'})
    project.emulator.control.clear_requests()
    up = project.pulumi.run("up", "--yes")
    assert bindings_with(up.stdout, "replaced") == {resource_name(moving)}, up.stdout
    assert "error" not in up.stdout.lower(), up.stdout

    # The number is on the new trunk only; the old trunk does not have it.
    assert project.bound()[number_sid] == new_trunk
    assert number_sid in twilio_api.trunk_numbers(new_trunk)
    assert number_sid not in twilio_api.trunk_numbers(old_trunk)
    (binding,) = project.bindings_in_state().values()
    assert binding["id"] == f"{new_trunk}/{number_sid}"
    assert binding["outputs"]["trunk_sid"] == new_trunk
    assert not project.pulumi.pending_operations()
    assert project.pulumi.outputs()["bindings"] == {moving: {"sid": number_sid, "trunk": new_trunk}}

    # The order of the writes shows no delete-before-replace: the replacement's create moves the
    # number (DELETE on the old trunk, then POST on the new one), and only then does the engine
    # delete the old binding, which is already gone (404, counted as done).
    old_binding = f"/v1/Trunks/{old_trunk}/PhoneNumbers/{number_sid}"
    new_trunk_numbers = f"/v1/Trunks/{new_trunk}/PhoneNumbers"
    writes = [
        (e["method"], e["path"], e["status"])
        for e in project.emulator.control.requests()["requests"]
        if (e["method"], e["path"]) in {("DELETE", old_binding), ("POST", new_trunk_numbers)}
    ]
    assert writes == [
        ("DELETE", old_binding, 204),  # the replacement's create: unbind from the old trunk,
        ("POST", new_trunk_numbers, 201),  # bind to the new one,
        ("DELETE", old_binding, 404),  # then the engine deletes the replaced binding: already gone
    ], writes

    # The other number was removed from the program, so it was unbound; nothing else changed.
    assert project.bound() == {number_sid: new_trunk, seeded.numbers[declared[1]]: None}
    project.pulumi.run("preview", "--expect-no-changes")
