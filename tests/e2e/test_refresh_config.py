"""``pulumi refresh`` configures the provider from the config saved in state by the last update.

Through the real CLI (v3.274.1): ``up`` against emulator A with ``twilio:apiBaseUrl`` in stack config,
then stack config and ``TWILIO_API_BASE_URL`` both point at emulator B (a copy of A's data). A plain
``pulumi refresh`` does not run the program, so the engine configures the dynamic provider with the
config saved by the ``up``: it talks to A, and the provider warns that the saved ``twilio:apiBaseUrl``
differs from ``TWILIO_API_BASE_URL``. ``pulumi refresh --run-program`` runs the program, so the
provider gets the current stack config and talks to B, and saves it: later plain refreshes use B.
``pulumi up --refresh`` is *not* a way to refresh with the current config: its refresh runs before the
program, with the saved config (it warns); ``pulumi up --refresh --run-program`` is (README, "Refresh
uses the provider config saved by the last update").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import BINDINGS_PROGRAM, TOKEN, ProjectFactory, TwilioApi
from twilio_trunking_emulator import EmulatorProcess, run_emulator_process


@pytest.fixture
def emulator_b(tmp_path: Path, emulator_process: EmulatorProcess) -> Iterator[EmulatorProcess]:
    """A second emulator, same account and token as ``emulator_process``."""
    log = (tmp_path / "emulator-b.log").open("w")
    with run_emulator_process(
        account_sid=emulator_process.auth[0], auth_token=TOKEN, db_path=tmp_path / "emulator-b.db", stderr=log
    ) as process:
        yield process
    log.close()


def _binding_gets(process: EmulatorProcess, binding_path: str) -> int:
    return sum(
        1
        for e in process.control.requests()["requests"]
        if e["method"] == "GET" and e["path"] == binding_path
    )


def test_plain_refresh_uses_the_saved_config_and_run_program_the_current_one(
    make_project: ProjectFactory, twilio_api: TwilioApi, emulator_b: EmulatorProcess
) -> None:
    project = make_project(BINDINGS_PROGRAM)
    trunk, number, sid = project.seed_one()
    project.configure(base_url_in_config=True)
    project.declare(trunk, [number])
    project.pulumi.run("up", "--yes", "--skip-preview")
    a = project.emulator
    assert project.bound() == {sid: trunk}

    # B holds the same binding under the same SIDs, with another friendly name to tell them apart.
    emulator_b.control.seed(
        {
            "trunks": [{"sid": trunk, "friendly_name": "trunk-0"}],
            "phone_numbers": [
                {"sid": sid, "phone_number": number, "friendly_name": "from B", "trunk_sid": trunk}
            ],
        }
    )
    project.pulumi.set_config_values({"twilio:apiBaseUrl": emulator_b.base_url})
    project.pulumi.extra_env["TWILIO_API_BASE_URL"] = emulator_b.base_url
    binding_path = f"/v1/Trunks/{trunk}/PhoneNumbers/{sid}"
    a.control.clear_requests()
    emulator_b.control.clear_requests()

    # A plain refresh: the provider is configured from state (A), and says so.
    plain = project.pulumi.run("refresh", "--yes", "--skip-preview")
    output = " ".join((plain.stdout + plain.stderr).split())
    assert "twilio-trunking: warning: this command talks to " + a.base_url in output, output
    assert f"not to TWILIO_API_BASE_URL={emulator_b.base_url}" in output
    assert "`pulumi refresh --run-program` or `pulumi up --refresh --run-program`" in output
    assert _binding_gets(a, binding_path) >= 1
    assert emulator_b.control.requests()["requests"] == []

    # refresh --run-program: the program runs, the provider gets the current config (B), no warning.
    a.control.clear_requests()
    current = project.pulumi.run("refresh", "--run-program", "--yes", "--skip-preview")
    assert "twilio-trunking: warning" not in current.stdout + current.stderr
    assert _binding_gets(emulator_b, binding_path) >= 1
    assert a.control.requests()["requests"] == []
    (resource,) = project.bindings_in_state().values()
    assert resource["outputs"]["friendly_name"] == "from B"

    # --run-program saved the current config: a plain refresh now uses B too.
    emulator_b.control.clear_requests()
    again = project.pulumi.run("refresh", "--yes", "--skip-preview")
    assert "twilio-trunking: warning" not in again.stdout + again.stderr
    assert _binding_gets(emulator_b, binding_path) >= 1
    assert a.control.requests()["requests"] == []

    # `pulumi up --refresh` does NOT refresh with the current config: its refresh runs before the
    # program, with the saved config (B), and warns; `up` then saves the current config (A).
    project.pulumi.set_config_values({"twilio:apiBaseUrl": a.base_url})
    project.pulumi.extra_env["TWILIO_API_BASE_URL"] = a.base_url
    emulator_b.control.clear_requests()
    up = project.pulumi.run("up", "--refresh", "--yes", "--skip-preview")
    output = " ".join((up.stdout + up.stderr).split())
    assert f"this command talks to {emulator_b.base_url}" in output, output
    assert _binding_gets(emulator_b, binding_path) >= 1
    assert a.control.requests()["requests"] == []
    emulator_b.control.clear_requests()
    project.pulumi.run("refresh", "--yes", "--skip-preview")
    assert _binding_gets(a, binding_path) >= 1
    assert emulator_b.control.requests()["requests"] == []

    # `pulumi up --refresh --run-program` refreshes with the current config (B again).
    project.pulumi.set_config_values({"twilio:apiBaseUrl": emulator_b.base_url})
    project.pulumi.extra_env["TWILIO_API_BASE_URL"] = emulator_b.base_url
    a.control.clear_requests()
    emulator_b.control.clear_requests()
    up = project.pulumi.run("up", "--refresh", "--run-program", "--yes", "--skip-preview")
    assert "twilio-trunking: warning" not in up.stdout + up.stderr
    assert _binding_gets(emulator_b, binding_path) >= 1
    assert a.control.requests()["requests"] == []
