"""``ExclusiveTrunk`` through the real CLI: strays show as drift and are recorded, and only a later
``up`` unbinds exactly the recorded ones, each with a ``twilio-trunking:`` line.

The program declares the ``ExclusiveTrunk`` *before* its associations, and a protected association
further down, so the declared set is gathered regardless of declaration order.
"""

from __future__ import annotations

import json
import re
from typing import TypedDict, cast

from pulumi_twilio_trunking.properties import EXCLUSIVE_RESOURCE_TYPE
from tests.e2e.conftest import (
    BINDING_TYPE,
    Project,
    ProjectFactory,
    Seeded,
    TwilioApi,
    bindings_with,
    numbers,
    resource_name,
)

EXCLUSIVE_PROGRAM = """
import pulumi
from pulumi_twilio_trunking import ExclusiveTrunk, TrunkPhoneNumberAssociation

config = pulumi.Config()
trunk = config.require("trunk")
# Declared first: the associations below still count.
exact = ExclusiveTrunk("exact", trunk_sid=trunk, keep=config.get_object("keep") or [])
bindings = {
    number: TrunkPhoneNumberAssociation(f"line-{number.lstrip('+')}", trunk_sid=trunk, phone_number=number)
    for number in config.require_object("numbers")
}
# Another trunk, not declared exclusive.
other = config.get("other_trunk")
for number in config.get_object("other_numbers") or []:
    TrunkPhoneNumberAssociation(f"other-{number.lstrip('+')}", trunk_sid=other, phone_number=number)


def protected_lines() -> None:
    # Elsewhere in the program (think: another module), protected.
    for sid in config.get_object("protected") or []:
        TrunkPhoneNumberAssociation(
            f"protected-{sid}",
            trunk_sid=trunk,
            phone_number_sid=sid,
            opts=pulumi.ResourceOptions(protect=True),
        )


protected_lines()
pulumi.export("declared", exact.declared_phone_number_sids)
pulumi.export("strays", exact.stray_phone_number_sids)
pulumi.export("unbound", exact.unbound_phone_number_sids)
"""


def _exclusive_status(output: str) -> str | None:
    pattern = rf"^\s*\S*\s+{re.escape(EXCLUSIVE_RESOURCE_TYPE)}\s+exact\s+(\S+)"
    found = re.findall(pattern, output, flags=re.MULTILINE)
    return found[-1] if found else None


def _writes(project: Project) -> list[str]:
    log = project.emulator.control.requests()["requests"]
    return [f"{e['method']} {e['path']}" for e in log if e["method"] in ("POST", "DELETE")]


class ExclusiveTrunkOutputs(TypedDict):
    """An ``ExclusiveTrunk``'s outputs in the stack's state (``pulumi stack export``)."""

    trunk_sid: str
    associated_phone_number_sids: list[str]
    protected_phone_number_sids: list[str]
    retained_phone_number_sids: list[str]
    keep: list[str]
    declared_phone_number_sids: list[str]
    stray_phone_number_sids: list[str]
    unbound_phone_number_sids: list[str]


def _exclusive_state(project: Project) -> ExclusiveTrunkOutputs:
    (resource,) = project.pulumi.resources(EXCLUSIVE_RESOURCE_TYPE)
    return cast(ExclusiveTrunkOutputs, resource["outputs"])


def _unbound_lines(output: str, trunk: str) -> list[str]:
    """The PN SIDs for which ``pulumi up`` printed a ``twilio-trunking: unbound … from trunk`` line
    (each line shows twice: as it happens, and in the diagnostics at the end)."""
    text = " ".join(output.split())
    return sorted(set(re.findall(rf"twilio-trunking: unbound \S+ \((PN\w+)\) from trunk {trunk}", text)))


def _setup(project: Project, declared: list[str], extra: list[str], *, trunks: int = 1) -> Seeded:
    seeded = project.seed([*declared, *extra], trunks=trunks)
    project.configure()
    project.declare(seeded.trunks[0], declared)
    return seeded


def test_stray_added_out_of_band_is_drift_and_up_refresh_unbinds_it(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(EXCLUSIVE_PROGRAM)
    declared, (stray,) = numbers(2), numbers(1, first=50)
    seeded = _setup(project, declared, [stray])
    trunk = seeded.trunks[0]
    up = project.pulumi.run("up", "--yes", "--skip-preview")
    assert _exclusive_status(up.stdout) == "created", up.stdout
    project.assert_converged(seeded, trunk, declared)
    assert project.pulumi.outputs()["declared"] == sorted(seeded.numbers[n] for n in declared)
    assert project.pulumi.run("preview", "--expect-no-changes").returncode == 0

    twilio_api.bind(trunk, seeded.numbers[stray])
    # Without a refresh nothing is known about it: a plain preview is clean.
    assert project.pulumi.run("preview", "--expect-no-changes").returncode == 0
    # preview --refresh shows the drift and fails --expect-no-changes; it writes nothing.
    project.emulator.control.clear_requests()
    drift = project.pulumi.run("preview", "--refresh", "--expect-no-changes", "--diff", check=False)
    assert drift.returncode != 0, drift.stdout
    assert re.search(
        rf"~ stray_phone_number_sids\s*: \[\s*\+ \[0\]: \"{seeded.numbers[stray]}\"", drift.stdout
    ), drift.stdout
    assert re.search(
        rf"- stray_phone_number_sids\s*: \[\s*-\s+\[0\]: \"{seeded.numbers[stray]}\"", drift.stdout
    )
    assert _writes(project) == []
    assert project.bound()[seeded.numbers[stray]] == trunk

    # `up --refresh` finds it in this very command: it is recorded and shown, not unbound.
    project.emulator.control.clear_requests()
    up = project.pulumi.run("up", "--refresh", "--yes", "--skip-preview")
    assert _writes(project) == []
    assert "recorded as strays and left bound" in " ".join(up.stdout.split()), up.stdout
    assert _exclusive_state(project)["stray_phone_number_sids"] == [seeded.numbers[stray]]
    # The next preview says what the update will unbind; the update then does exactly that.
    preview = project.pulumi.run("preview", "--diff")
    assert "this update unbinds the strays recorded on trunk" in " ".join(
        (preview.stdout + preview.stderr).split()
    )
    assert seeded.numbers[stray] in preview.stdout + preview.stderr
    up = project.pulumi.run("up", "--yes", "--skip-preview")
    assert _exclusive_status(up.stdout) == "updated", up.stdout
    assert _writes(project) == [f"DELETE /v1/Trunks/{trunk}/PhoneNumbers/{seeded.numbers[stray]}"]
    assert _unbound_lines(up.stdout, trunk) == [seeded.numbers[stray]], up.stdout
    assert project.pulumi.outputs()["unbound"] == [seeded.numbers[stray]]
    project.assert_converged(seeded, trunk, declared)
    assert _exclusive_state(project)["stray_phone_number_sids"] == []
    assert project.pulumi.run("preview", "--refresh", "--expect-no-changes").returncode == 0


def test_declared_number_removed_out_of_band_is_bound_again_and_nothing_else_touched(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(EXCLUSIVE_PROGRAM)
    declared = numbers(3)
    gone = declared[0]
    seeded = _setup(project, declared, [])
    trunk = seeded.trunks[0]
    project.pulumi.run("up", "--yes", "--skip-preview")

    twilio_api.unbind(trunk, seeded.numbers[gone])
    project.emulator.control.clear_requests()
    up = project.pulumi.run("up", "--refresh", "--yes", "--skip-preview")
    assert bindings_with(up.stdout, "created") == {resource_name(gone)}, up.stdout
    assert _exclusive_status(up.stdout) != "updated", up.stdout
    assert _writes(project) == [f"POST /v1/Trunks/{trunk}/PhoneNumbers"]
    project.assert_converged(seeded, trunk, declared)
    assert project.pulumi.run("preview", "--refresh", "--expect-no-changes").returncode == 0

    # A binding dropped from the program is unbound by its own delete (once), and nothing strays after.
    project.declare(trunk, declared[1:])
    project.emulator.control.clear_requests()
    up = project.pulumi.run("up", "--yes", "--skip-preview")
    assert bindings_with(up.stdout, "deleted") == {resource_name(gone)}, up.stdout
    assert _writes(project) == [f"DELETE /v1/Trunks/{trunk}/PhoneNumbers/{seeded.numbers[gone]}"]
    assert _unbound_lines(up.stdout, trunk) == [seeded.numbers[gone]], up.stdout
    assert "the number now has no trunk" in " ".join(up.stdout.split())
    project.assert_converged(seeded, trunk, declared[1:])
    assert project.pulumi.run("preview", "--refresh", "--expect-no-changes").returncode == 0


def test_stray_and_missing_at_once_with_refresh_then_up(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(EXCLUSIVE_PROGRAM)
    declared, strays = numbers(2), numbers(2, first=50)
    gone = declared[1]
    seeded = _setup(project, declared, strays)
    trunk = seeded.trunks[0]
    project.pulumi.run("up", "--yes", "--skip-preview")

    twilio_api.unbind(trunk, seeded.numbers[gone])
    for stray in strays:
        twilio_api.bind(trunk, seeded.numbers[stray])
    project.emulator.control.clear_requests()
    refresh = project.pulumi.run("refresh", "--yes", "--skip-preview")
    assert _exclusive_status(refresh.stdout) == "updated", refresh.stdout
    assert bindings_with(refresh.stdout, "deleted") == {resource_name(gone)}, refresh.stdout
    assert _writes(project) == []  # refresh only reads
    stray_sids = sorted(seeded.numbers[n] for n in strays)
    assert _exclusive_state(project)["stray_phone_number_sids"] == stray_sids
    preview = project.pulumi.run("preview", "--refresh", "--diff")
    assert f"~ {EXCLUSIVE_RESOURCE_TYPE}: (update)" in preview.stdout, preview.stdout
    assert all(sid in preview.stdout for sid in stray_sids), preview.stdout
    assert _writes(project) == []

    up = project.pulumi.run("up", "--yes", "--skip-preview")
    assert bindings_with(up.stdout, "created") == {resource_name(gone)}, up.stdout
    assert _exclusive_status(up.stdout) == "updated", up.stdout
    assert sorted(_writes(project)) == sorted(
        [f"POST /v1/Trunks/{trunk}/PhoneNumbers"]
        + [f"DELETE /v1/Trunks/{trunk}/PhoneNumbers/{s}" for s in stray_sids]
    )
    assert _unbound_lines(up.stdout, trunk) == stray_sids, up.stdout
    project.assert_converged(seeded, trunk, declared)
    assert project.pulumi.run("preview", "--refresh", "--expect-no-changes").returncode == 0


def test_trunk_not_declared_exclusive_is_left_alone(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(EXCLUSIVE_PROGRAM)
    declared, (other_declared,), (stray, other_stray) = numbers(1), numbers(1, first=20), numbers(2, first=50)
    seeded = _setup(project, declared, [other_declared, stray, other_stray], trunks=2)
    trunk, other_trunk = seeded.trunks
    project.pulumi.set_config_values(
        {"other_trunk": other_trunk, "other_numbers": json.dumps([other_declared])}
    )
    project.pulumi.run("up", "--yes", "--skip-preview")

    twilio_api.bind(trunk, seeded.numbers[stray])
    twilio_api.bind(other_trunk, seeded.numbers[other_stray])
    project.emulator.control.clear_requests()
    project.pulumi.run("up", "--refresh", "--yes", "--skip-preview")  # records the stray
    project.pulumi.run("up", "--yes", "--skip-preview")  # unbinds it
    assert _writes(project) == [f"DELETE /v1/Trunks/{trunk}/PhoneNumbers/{seeded.numbers[stray]}"]
    log = project.emulator.control.requests()["requests"]
    assert not [
        e for e in log if e["method"] == "DELETE" and e["path"].startswith(f"/v1/Trunks/{other_trunk}/")
    ]
    assert project.bound() == {
        seeded.numbers[declared[0]]: trunk,
        seeded.numbers[other_declared]: other_trunk,
        seeded.numbers[stray]: None,
        seeded.numbers[other_stray]: other_trunk,
    }
    assert _exclusive_state(project)["declared_phone_number_sids"] == [seeded.numbers[declared[0]]]


def test_protected_association_elsewhere_in_the_program_is_never_unbound(
    make_project: ProjectFactory, twilio_api: TwilioApi
) -> None:
    project = make_project(EXCLUSIVE_PROGRAM)
    declared, (protected, stray) = numbers(1), numbers(2, first=50)
    seeded = _setup(project, declared, [protected, stray])
    trunk = seeded.trunks[0]
    protected_sid = seeded.numbers[protected]
    project.pulumi.set_config_values({"protected": json.dumps([protected_sid])})
    project.pulumi.run("up", "--yes", "--skip-preview")
    assert project.bound()[protected_sid] == trunk
    assert protected_sid in _exclusive_state(project)["declared_phone_number_sids"]

    twilio_api.bind(trunk, seeded.numbers[stray])
    project.emulator.control.clear_requests()
    project.pulumi.run("refresh", "--yes")
    project.pulumi.run("up", "--yes", "--skip-preview")
    assert _writes(project) == [f"DELETE /v1/Trunks/{trunk}/PhoneNumbers/{seeded.numbers[stray]}"]
    assert project.bound()[protected_sid] == trunk

    # Dropping the protected association from the program: the engine refuses to delete it, and this
    # update of the exclusive trunk leaves its number alone (its association is leaving, not a stray).
    project.pulumi.set_config_values({"protected": "[]"})
    project.emulator.control.clear_requests()
    up = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    assert up.returncode != 0
    assert "protected" in up.stdout + up.stderr
    assert _writes(project) == []
    assert project.bound()[protected_sid] == trunk
    assert {r["urn"].rsplit("::", 1)[1] for r in project.pulumi.resources(BINDING_TYPE)} >= {
        f"protected-{protected_sid}"
    }
    assert _exclusive_state(project)["retained_phone_number_sids"] == [protected_sid]

    # Later refreshes and updates still leave it alone while it stays bound, and still remove strays.
    twilio_api.bind(trunk, seeded.numbers[stray])
    project.emulator.control.clear_requests()
    project.pulumi.run("refresh", "--yes", "--skip-preview")
    again = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    assert again.returncode != 0  # the protected resource still cannot be deleted
    assert _writes(project) == [f"DELETE /v1/Trunks/{trunk}/PhoneNumbers/{seeded.numbers[stray]}"]
    assert project.bound()[protected_sid] == trunk

    # Declared again, everything converges.
    project.pulumi.set_config_values({"protected": json.dumps([protected_sid])})
    project.pulumi.run("up", "--yes", "--skip-preview")
    assert project.pulumi.run("preview", "--refresh", "--expect-no-changes").returncode == 0
    assert project.bound()[protected_sid] == trunk


def test_preview_needs_no_credentials(make_project: ProjectFactory) -> None:
    project = make_project(EXCLUSIVE_PROGRAM)
    declared = numbers(2)
    seeded = _setup(project, declared, [])
    project.pulumi.run("up", "--yes", "--skip-preview")
    project.pulumi.run("config", "rm", "twilio:authToken")
    project.pulumi.run("config", "rm", "twilio:accountSid")
    project.emulator.control.clear_requests()
    assert project.pulumi.run("preview", "--expect-no-changes").returncode == 0
    project.declare(seeded.trunks[0], declared[:1])  # a changed declared set: an update, still no API call
    preview = project.pulumi.run("preview", "--diff")
    assert f"~ {EXCLUSIVE_RESOURCE_TYPE}: (update)" in preview.stdout, preview.stdout
    assert project.emulator.control.requests()["requests"] == []


def test_a_new_exclusive_trunk_unbinds_nothing_it_has_not_shown_first(make_project: ProjectFactory) -> None:
    """Numbers other stacks own are on the trunk before the ExclusiveTrunk is declared."""
    project = make_project(EXCLUSIVE_PROGRAM)
    declared, theirs = numbers(2), numbers(3, first=50)
    seeded = _setup(project, declared, theirs)
    trunk = seeded.trunks[0]
    their_sids = sorted(seeded.numbers[n] for n in theirs)
    # Bound by someone else (another stack, a person).
    project.emulator.control.seed(
        {"phone_numbers": [{"phone_number": n, "trunk_sid": trunk} for n in theirs]}
    )
    project.emulator.control.clear_requests()

    up = project.pulumi.run("up", "--yes", "--skip-preview")
    assert _exclusive_status(up.stdout) == "created", up.stdout
    assert [w for w in _writes(project) if w.startswith("DELETE")] == []
    text = " ".join(up.stdout.split())
    assert f'ExclusiveTrunk "exact": trunk {trunk} holds 3 number(s) that no binding of the program' in text
    assert all(sid in text for sid in their_sids), up.stdout
    assert project.pulumi.outputs()["strays"] == their_sids
    assert project.pulumi.outputs()["unbound"] == []
    assert all(project.bound()[sid] == trunk for sid in their_sids)

    # Listing one in keep leaves it bound; the next up unbinds exactly the other two, line by line.
    project.pulumi.set_config_values({"keep": json.dumps(their_sids[:1])})
    preview = project.pulumi.run("preview", "--diff")
    assert "this update unbinds the strays recorded on trunk" in " ".join(
        (preview.stdout + preview.stderr).split()
    )
    project.emulator.control.clear_requests()
    up = project.pulumi.run("up", "--yes", "--skip-preview")
    assert _unbound_lines(up.stdout, trunk) == their_sids[1:], up.stdout
    assert sorted(_writes(project)) == [f"DELETE /v1/Trunks/{trunk}/PhoneNumbers/{s}" for s in their_sids[1:]]
    assert project.pulumi.outputs()["unbound"] == their_sids[1:]
    assert project.bound()[their_sids[0]] == trunk
    assert project.pulumi.run("preview", "--refresh", "--expect-no-changes").returncode == 0


def test_a_wrong_token_on_refresh_is_one_line_naming_where_the_credentials_came_from(
    make_project: ProjectFactory,
) -> None:
    project = make_project(EXCLUSIVE_PROGRAM)
    declared = numbers(1)
    seeded = project.seed(declared)
    project.configure(credentials=False)
    project.declare(seeded.trunks[0], declared)
    account, token = project.emulator.auth
    project.pulumi.extra_env.update({"TWILIO_ACCOUNT_SID": account, "TWILIO_AUTH_TOKEN": token})
    project.pulumi.run("up", "--yes", "--skip-preview")

    project.pulumi.extra_env["TWILIO_AUTH_TOKEN"] = "wrong-token-2c91"
    refresh = project.pulumi.run("refresh", "--yes", "--skip-preview", check=False)
    assert refresh.returncode != 0
    output = refresh.stdout + refresh.stderr
    assert "wrong-token-2c91" not in output
    expected = (
        "Twilio refused the credentials (HTTP 401, error 20003: Authenticate); they came from "
        "environment variable TWILIO_ACCOUNT_SID, environment variable TWILIO_AUTH_TOKEN"
    )
    errors = [line for line in output.splitlines() if "Twilio refused the credentials" in line]
    assert errors and all(expected in line for line in errors), output
    # Both resource types fail the same way, each cut at the provider's boundary: no client frames.
    assert "ExclusiveTrunk" in output and "TwilioApiError" not in output and "client.py" not in output
