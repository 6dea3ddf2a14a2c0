"""Reading an account (lists only) and the ``twilio-trunking discover`` command over it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_twilio_trunking.cli import main
from pulumi_twilio_trunking.config import resolve_config
from pulumi_twilio_trunking.discovery import DiscoveredBinding, discover_account
from pulumi_twilio_trunking.generated_files import MANIFEST
from pulumi_twilio_trunking.testing import TwilioEmulator
from pulumi_twilio_trunking.twilio.client import TwilioClient
from tests.discovery.terraform_fixtures import show_json


@pytest.fixture
def seeded_account(twilio_emulator: TwilioEmulator) -> dict[str, list[str]]:
    result = twilio_emulator.seed(
        {
            "trunks": [{"friendly_name": "a"}, {"friendly_name": "b"}, {"friendly_name": "empty"}],
            "phone_numbers": [{"phone_number": f"+1415555010{i}"} for i in range(5)],
        }
    )
    trunks = [t["sid"] for t in result["trunks"]]
    numbers = [n["sid"] for n in result["phone_numbers"]]
    twilio_emulator.seed(
        {
            "phone_numbers": [
                {"sid": numbers[0], "phone_number": "+14155550100", "trunk_sid": trunks[0]},
                {"sid": numbers[1], "phone_number": "+14155550101", "trunk_sid": trunks[1]},
                {"sid": numbers[2], "phone_number": "+14155550102", "trunk_sid": trunks[0]},
            ]
        }
    )
    twilio_emulator.control.clear_requests()
    return {"trunks": trunks, "numbers": numbers}


def test_reads_every_trunk_with_list_requests_only(
    twilio_emulator: TwilioEmulator, seeded_account: dict[str, list[str]]
) -> None:
    trunks, numbers = seeded_account["trunks"], seeded_account["numbers"]
    client = TwilioClient(resolve_config(None, twilio_emulator.env()).client_settings())
    try:
        found = discover_account(client)
    finally:
        client.close()
    assert found == sorted(
        [
            DiscoveredBinding(trunks[0], numbers[0], "+14155550100"),
            DiscoveredBinding(trunks[1], numbers[1], "+14155550101"),
            DiscoveredBinding(trunks[0], numbers[2], "+14155550102"),
        ]
    )
    log = twilio_emulator.requests()["requests"]
    assert [(e["method"], e["route"]) for e in log] == [("GET", "/v1/Trunks")] + [
        ("GET", "/v1/Trunks/{TrunkSid}/PhoneNumbers")
    ] * 3


def test_discover_command_for_named_trunks(
    twilio_emulator: TwilioEmulator,
    seeded_account: dict[str, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in twilio_emulator.env().items():
        monkeypatch.setenv(key, value)
    trunks = seeded_account["trunks"]
    out = tmp_path / "out"
    assert main(["discover", "--trunk", trunks[1], "--out", str(out), "--virtualenv", "venv"]) == 0
    data = json.loads((out / "bindings.json").read_text())
    number_sid = seeded_account["numbers"][1]
    assert [(b["name"], b["trunk_sid"], b["aliases"]) for b in data["bindings"]] == [
        (f"tpn-{number_sid.lower()}", trunks[1], ["tpn-14155550101"])
    ]
    assert 'name: "out"' in (out / "Pulumi.yaml").read_text()  # the folder's name
    assert "1 bindings on 1 trunks" in capsys.readouterr().err
    assert f'virtualenv: "{Path("venv").absolute()}"' in (out / "Pulumi.yaml").read_text()
    # Not empty now: refused without --force, and nothing changed.
    assert main(["discover", "--out", str(out)]) == 2
    assert "use --force" in capsys.readouterr().err


@pytest.mark.parametrize("trunk", ["TK123", "tk" + "a" * 32, "TK" + "a" * 32 + "\n", "TK" + "g" * 32])
def test_a_malformed_trunk_is_refused_before_any_request(
    twilio_emulator: TwilioEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    trunk: str,
) -> None:
    for key, value in twilio_emulator.env().items():
        monkeypatch.setenv(key, value)
    twilio_emulator.control.clear_requests()
    assert main(["discover", "--trunk", trunk, "--out", str(tmp_path / "out")]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "--trunk must be a trunk SID" in line and repr(trunk) in line
    assert twilio_emulator.requests()["total"] == 0
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("prod bindings", "prod-bindings"),
        ("émis/ça", "a"),
        ("...", "twilio-bindings"),
        ("a.b_c-d", "a.b_c-d"),
    ],
)
def test_the_project_is_named_after_its_folder(
    tmp_path: Path, folder: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps(show_json()))
    out = tmp_path / folder
    assert main(["discover", "--from-terraform", str(state), "--out", str(out)]) == 0
    assert f'name: "{expected}"' in (out / "Pulumi.yaml").read_text()
    capsys.readouterr()
    assert (
        main(
            [
                "discover",
                "--from-terraform",
                str(state),
                "--out",
                str(tmp_path / "x"),
                "--project-name",
                "a b",
            ]
        )
        == 2
    )
    assert "--project-name must be a Pulumi project name" in capsys.readouterr().err
    assert (
        main(
            [
                "discover",
                "--from-terraform",
                str(state),
                "--out",
                str(tmp_path / "y"),
                "--project-name",
                "Mine",
            ]
        )
        == 0
    )
    assert 'name: "Mine"' in (tmp_path / "y" / "Pulumi.yaml").read_text()


def test_refused_credentials_name_where_they_came_from(
    twilio_emulator: TwilioEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in twilio_emulator.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "not-the-token-31f0")
    assert main(["discover", "--out", str(tmp_path / "out")]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "Twilio refused the credentials (HTTP 401, error 20003" in line
    assert "environment variable TWILIO_ACCOUNT_SID, environment variable TWILIO_AUTH_TOKEN" in line
    assert f"sent to {twilio_emulator.base_url} (from environment variable TWILIO_API_BASE_URL)" in line
    assert "not-the-token-31f0" not in line


def test_missing_credentials_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET"):
        monkeypatch.delenv(key, raising=False)
    assert main(["discover", "--out", str(tmp_path / "out")]) == 2
    assert "TWILIO_ACCOUNT_SID" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_discover_from_terraform_makes_no_request(
    twilio_emulator: TwilioEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps(show_json()))
    out = tmp_path / "out"
    twilio_emulator.control.clear_requests()
    assert main(["discover", "--from-terraform", str(state), "--out", str(out)]) == 0
    assert twilio_emulator.requests()["total"] == 0
    assert sorted(p.name for p in out.iterdir()) == [
        MANIFEST,
        "Pulumi.yaml",
        "__main__.py",
        "bindings.json",
        "terraform-handover.sh",
    ]
    assert len(json.loads((out / "bindings.json").read_text())["bindings"]) == 4
    broken = tmp_path / "broken.json"
    document = show_json()
    del document["values"]["root_module"]["resources"][0]["values"]["trunk_sid"]
    broken.write_text(json.dumps(document))
    capsys.readouterr()
    assert main(["discover", "--from-terraform", str(broken), "--out", str(tmp_path / "o2")]) == 2
    assert (
        "twilio_trunking_trunks_phone_numbers_v1.main has no `trunk_sid` attribute" in capsys.readouterr().err
    )
