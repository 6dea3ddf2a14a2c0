"""``make test-live`` and ``make sweep-live`` as a maintainer runs them.

Without credentials each prints one line naming what is missing and exits 0 having run nothing.
The sweeper, pointed at an emulator (``TWILIO_API_BASE_URL``) that holds a trunk an interrupted run
left and someone else's trunk, deletes the first and leaves the second as it was.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.live.guard import PREFIX
from tests.live.settings import ACCOUNT, KEY, NUMBER, SECRET, TOKEN, missing
from twilio_trunking_emulator import run_emulator_process

ROOT = Path(__file__).resolve().parents[2]
AC = "AC" + "0" * 32


def make(target: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "MAKE", "MFLAGS"))}
    return subprocess.run(
        ["make", "--no-print-directory", target],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            "test-live",
            "make test-live: not run against Twilio; set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (or "
            "TWILIO_API_KEY and TWILIO_API_SECRET), TWILIO_TEST_PHONE_NUMBER_SID (a number the account "
            "already owns; the suite never buys one)",
        ),
        (
            "sweep-live",
            "make sweep-live: not run against Twilio; set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (or "
            "TWILIO_API_KEY and TWILIO_API_SECRET)",
        ),
    ],
)
def test_without_credentials_one_line_and_exit_0(target: str, expected: str) -> None:
    result = make(target, {})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [expected]
    assert result.stderr == ""


def test_the_pre_check_names_each_missing_or_malformed_variable() -> None:
    assert missing({ACCOUNT: AC, TOKEN: "t", NUMBER: "PN" + "1" * 32}) == []
    assert missing({ACCOUNT: AC, KEY: "SK" + "2" * 32, SECRET: "s", NUMBER: "PN" + "1" * 32}) == []
    assert missing({ACCOUNT: AC, TOKEN: "t"}, need_number=False) == []
    assert missing({ACCOUNT: AC, KEY: "SK" + "2" * 32}, need_number=False) == [f"{SECRET} (with {KEY})"]
    assert missing({ACCOUNT: "ACnope", TOKEN: "t", NUMBER: "+14155550100"}) == [
        f"{ACCOUNT} (as AC and 32 hex digits; the value set is not)",
        f"{NUMBER} (as PN and 32 hex digits; the value set is not)",
    ]


def test_sweep_live_deletes_only_the_suites_leftover_trunks(tmp_path: Path) -> None:
    log = (tmp_path / "emulator.log").open("w")
    with run_emulator_process(auth_token="sweep-token", stderr=log) as emulator:
        seeded = emulator.control.seed(
            {
                "trunks": [
                    {"friendly_name": f"{PREFIX}20261206000000-abc123-a"},
                    {"friendly_name": "production"},
                ],
                "phone_numbers": [{"phone_number": "+14155550110"}, {"phone_number": "+14155550111"}],
            }
        )
        leftover, production = (t["sid"] for t in seeded["trunks"])
        ours, theirs = (n["sid"] for n in seeded["phone_numbers"])
        emulator.control.seed(
            {
                "phone_numbers": [
                    {"sid": ours, "phone_number": "+14155550110", "trunk_sid": leftover},
                    {"sid": theirs, "phone_number": "+14155550111", "trunk_sid": production},
                ]
            }
        )
        env = {
            ACCOUNT: emulator.auth[0],
            TOKEN: "sweep-token",
            NUMBER: ours,
            "TWILIO_API_BASE_URL": emulator.base_url,
        }
        result = make("sweep-live", env)
        state = emulator.control.state()
    log.close()
    assert result.returncode == 0, result.stdout + result.stderr
    # (`make venv` may print its pip lines first, when pyproject.toml changed since the last install.)
    assert [line for line in result.stdout.splitlines() if line.startswith("sweep-live:")] == [
        f"sweep-live: unbound {ours} from trunk {leftover}",
        f"sweep-live: deleted trunk {leftover}",
    ]
    assert [t["sid"] for t in state["trunks"]] == [production]
    assert {n["sid"]: n["trunk_sid"] for n in state["phone_numbers"]} == {ours: None, theirs: production}
