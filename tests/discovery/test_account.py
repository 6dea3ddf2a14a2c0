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
def seeded(twilio_emulator: TwilioEmulator) -> dict[str, list[str]]:
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
    twilio_emulator: TwilioEmulator, seeded: dict[str, list[str]]
) -> None:
    trunks, numbers = seeded["trunks"], seeded["numbers"]
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
    seeded: dict[str, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in twilio_emulator.env().items():
        monkeypatch.setenv(key, value)
    trunks = seeded["trunks"]
    out = tmp_path / "out"
    assert main(["discover", "--trunk", trunks[1], "--out", str(out), "--virtualenv", "venv"]) == 0
    data = json.loads((out / "bindings.json").read_text())
    assert [(b["name"], b["trunk_sid"]) for b in data["bindings"]] == [("tpn-14155550101", trunks[1])]
    assert "1 bindings on 1 trunks" in capsys.readouterr().err
    assert f'virtualenv: "{Path("venv").absolute()}"' in (out / "Pulumi.yaml").read_text()
    # Not empty now: refused without --force, and nothing changed.
    assert main(["discover", "--out", str(out)]) == 2
    assert "use --force" in capsys.readouterr().err


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
