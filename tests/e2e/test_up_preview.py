"""``up`` and ``preview`` through the real engine: outputs, idempotence, previews without credentials.

Also the ``--parallel`` and ``--refresh`` variants of ``up``: whatever the degree of parallelism, and with
or without a refresh first, ``up`` ends in the same state.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    BINDINGS_PROGRAM,
    TOKEN,
    ProjectFactory,
    TwilioApi,
    bindings_with,
    numbers,
    resource_name,
)
from twilio_trunking_emulator.jsontypes import RequestLogEntryJson

WRITES = ("POST", "DELETE")
NO_TWILIO_ENV: dict[str, str | None] = {"TWILIO_API_BASE_URL": None}


def _writes(log: list[RequestLogEntryJson]) -> list[str]:
    return [f"{entry['method']} {entry['path']}" for entry in log if entry["method"] in WRITES]


def test_up_binds_outputs_match_the_emulator_and_a_second_up_changes_nothing(
    make_project: ProjectFactory,
) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(3)
    seeded = project.prepare(declared)
    trunk = seeded.trunks[0]

    first = project.pulumi.run("up", "--yes")
    assert bindings_with(first.stdout, "created") == {resource_name(n) for n in declared}, first.stdout

    project.assert_converged(seeded, trunk, declared)
    emulator_numbers = {n["phone_number"]: n for n in project.emulator.control.state()["phone_numbers"]}
    assert project.pulumi.outputs()["bindings"] == {
        number: {"sid": emulator_numbers[number]["sid"], "trunk": emulator_numbers[number]["trunk_sid"]}
        for number in declared
    }
    # The state's outputs are Twilio's resource, as the emulator serves it.
    for number in declared:
        outputs = project.bindings_in_state()[resource_name(number)]["outputs"]
        assert outputs["phone_number"] == number
        assert outputs["sid"] == outputs["phone_number_sid"] == seeded.numbers[number]
        assert outputs["trunk_sid"] == trunk
        assert outputs["account_sid"] == project.emulator.auth[0]
        assert outputs["url"].endswith(f"/v1/Trunks/{trunk}/PhoneNumbers/{seeded.numbers[number]}")

    project.emulator.control.clear_requests()
    second = project.pulumi.run("up", "--yes")
    assert bindings_with(second.stdout, "created") == set(), second.stdout
    assert "4 unchanged" in second.stdout, second.stdout  # the stack and the three bindings
    assert _writes(project.emulator.control.requests()["requests"]) == []
    # --expect-no-changes makes the preview itself fail on any planned change.
    project.pulumi.run("preview", "--expect-no-changes")
    project.assert_converged(seeded, trunk, declared)


def test_preview_needs_no_credentials_and_shows_the_plan(make_project: ProjectFactory) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(2)
    seeded = project.seed(declared)
    project.configure(credentials=False)
    project.declare(seeded.trunks[0], declared)
    # No twilio:* config at all, and no TWILIO_* variable (LocalPulumi drops the ambient ones; this
    # also drops the emulator's URL).
    assert "twilio:" not in project.pulumi.run("config", "--json").stdout
    assert [name for name in project.pulumi.env(NO_TWILIO_ENV) if name.startswith("TWILIO_")] == []

    preview = project.pulumi.run("preview", env=NO_TWILIO_ENV)
    assert bindings_with(preview.stdout, "create") == {resource_name(n) for n in declared}, preview.stdout
    assert project.emulator.control.requests()["total"] == 0
    assert project.bindings_in_state() == {}

    # Without credentials, `up` fails and says which settings are missing.
    failed = project.pulumi.run("up", "--yes", check=False)
    assert failed.returncode != 0
    assert "twilio:accountSid" in failed.stdout + failed.stderr
    assert set(project.bound().values()) == {None}


UNKNOWN_INPUT_PROGRAM = """
import pulumi
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

config = pulumi.Config()
main = TrunkPhoneNumberAssociation(
    "main-line", trunk_sid=config.require("trunk"), phone_number=config.require("main")
)
# Inputs that are another resource's outputs, unknown until `main` is bound: the backup line goes
# to the trunk `main` ended up on, once it is bound.
backup = TrunkPhoneNumberAssociation(
    "backup-line",
    trunk_sid=pulumi.Output.all(main.sid, main.trunk_sid).apply(lambda values: values[1]),
    phone_number=main.sid.apply(lambda _: config.require("backup")),
)
pulumi.export("backup_trunk", backup.trunk_sid)
"""


def test_preview_with_an_input_from_another_resource_output(make_project: ProjectFactory) -> None:
    project = make_project(UNKNOWN_INPUT_PROGRAM)
    main_number, backup_number = numbers(2)
    seeded = project.seed([main_number, backup_number])
    trunk = seeded.trunks[0]
    project.configure(credentials=False)
    project.pulumi.set_config_values({"trunk": trunk, "main": main_number, "backup": backup_number})

    preview = project.pulumi.run("preview", env=NO_TWILIO_ENV)
    assert bindings_with(preview.stdout, "create") == {"main-line", "backup-line"}, preview.stdout
    assert "backup_trunk: [unknown]" in preview.stdout, preview.stdout
    assert project.emulator.control.requests()["total"] == 0

    project.configure()
    project.pulumi.run("up", "--yes")
    assert project.pulumi.outputs() == {"backup_trunk": trunk}
    assert project.bound() == {seeded.numbers[main_number]: trunk, seeded.numbers[backup_number]: trunk}


def test_preview_of_a_trunk_change_needs_no_credentials(make_project: ProjectFactory) -> None:
    """Credentials in the environment for `up`; none at all for the preview of the next change."""
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(1)
    seeded = project.seed(declared, trunks=2)
    number_sid = seeded.numbers[declared[0]]
    old_trunk, new_trunk = seeded.trunks
    project.configure(credentials=False)
    env_credentials = {"TWILIO_ACCOUNT_SID": project.emulator.auth[0], "TWILIO_AUTH_TOKEN": TOKEN}
    project.declare(old_trunk, declared)
    project.pulumi.run("up", "--yes", env=env_credentials)
    assert project.bound() == {number_sid: old_trunk}

    project.declare(new_trunk, declared)
    project.emulator.control.clear_requests()
    preview = project.pulumi.run("preview")
    assert bindings_with(preview.stdout, "replace") == {resource_name(declared[0])}, preview.stdout
    assert "1 to replace" in preview.stdout, preview.stdout
    assert project.emulator.control.requests()["total"] == 0
    assert project.bound() == {number_sid: old_trunk}


@pytest.mark.parametrize(
    "variant",
    [["--parallel", "1"], ["--parallel", "16"], ["--refresh"]],
    ids=["parallel-1", "parallel-16", "refresh"],
)
def test_up_variants_reach_the_same_state(
    make_project: ProjectFactory, twilio_api: TwilioApi, variant: list[str]
) -> None:
    project = make_project(BINDINGS_PROGRAM)
    declared = numbers(6)
    seeded = project.prepare(declared)
    trunk = seeded.trunks[0]

    project.pulumi.run("up", "--yes", "--skip-preview", *variant)
    project.assert_converged(seeded, trunk, declared)

    # Drift: one binding removed behind Pulumi's back. `up --refresh` (with the same variant) notices
    # and binds it again in one go; a preview afterwards finds nothing left to do.
    twilio_api.unbind(trunk, seeded.numbers[declared[0]])
    healed = project.pulumi.run("up", "--yes", "--skip-preview", "--refresh", *variant)
    assert bindings_with(healed.stdout, "created") == {resource_name(declared[0])}, healed.stdout
    project.assert_converged(seeded, trunk, declared)
    project.pulumi.run("preview", "--refresh", "--expect-no-changes", *variant)
