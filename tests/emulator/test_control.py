"""Control endpoints: request log, seed, reset, settings."""

from __future__ import annotations

import time

import httpx
import pytest

from twilio_trunking_emulator import EmulatorControl, EmulatorServer
from twilio_trunking_emulator.control import EmulatorControlError

TK = "TK" + "a" * 32
PN = "PN" + "b" * 32


def test_request_log_counts_by_route(http: httpx.Client, control: EmulatorControl, numbers_path: str) -> None:
    seeded = control.seed(
        {"trunks": [{"sid": TK}], "phone_numbers": [{"sid": PN, "phone_number": "+14155550100"}]}
    )
    assert seeded["trunks"][0]["sid"] == TK
    http.post(f"/v1/Trunks/{TK}/PhoneNumbers", data={"PhoneNumberSid": PN})
    http.get(f"/v1/Trunks/{TK}/PhoneNumbers/{PN}")
    http.get(f"/v1/Trunks/{TK}/PhoneNumbers/{PN}")
    http.get(f"{numbers_path}.json", params={"PhoneNumber": "+14155550100"})
    http.get("/v1/Nope")
    control.health()  # control calls are not logged

    log = control.requests()
    assert log["total"] == 5
    assert log["counts"] == {
        "POST /v1/Trunks/{TrunkSid}/PhoneNumbers": 1,
        "GET /v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}": 2,
        "GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json": 1,
        "GET /v1/Nope": 1,
    }
    first = log["requests"][0]
    assert first["method"] == "POST"
    assert first["path"] == f"/v1/Trunks/{TK}/PhoneNumbers"
    assert first["route"] == "/v1/Trunks/{TrunkSid}/PhoneNumbers"
    assert first["status"] == 201
    assert first["fault"] is None
    assert first["duration_ms"] >= 0
    # Wall-clock start times, in the order the requests came (for counting requests in flight).
    starts = [entry["started_at"] for entry in log["requests"]]
    assert starts == sorted(starts) and abs(starts[0] - time.time()) < 60
    assert log["requests"][3]["query"] == "PhoneNumber=%2B14155550100"
    assert log["requests"][4]["route"] is None

    control.clear_requests()
    assert control.requests() == {"requests": [], "counts": {}, "total": 0}


def test_seed_is_idempotent(control: EmulatorControl) -> None:
    seed = {
        "trunks": [{"friendly_name": "a", "domain_name": "a.pstn.twilio.com"}, {"sid": TK}],
        "phone_numbers": [
            {"phone_number": "+14155550100", "trunk_sid": TK},
            {"sid": PN, "phone_number": "+14155550101", "friendly_name": "desk"},
        ],
    }
    first = control.seed(seed)
    second = control.seed(seed)
    assert [t["sid"] for t in first["trunks"]] == [t["sid"] for t in second["trunks"]]
    assert first["phone_numbers"] == second["phone_numbers"]
    state = control.state()
    assert len(state["trunks"]) == 2
    assert len(state["phone_numbers"]) == 2
    assert first["phone_numbers"][0]["trunk_sid"] == TK


def test_seed_updates_existing_entries(control: EmulatorControl) -> None:
    control.seed({"phone_numbers": [{"sid": PN, "phone_number": "+14155550100"}]})
    control.seed(
        {
            "trunks": [{"sid": TK}],
            "phone_numbers": [{"sid": PN, "phone_number": "+14155550100", "trunk_sid": TK}],
        }
    )
    assert control.state()["phone_numbers"][0]["trunk_sid"] == TK


@pytest.mark.parametrize(
    "seed",
    [
        {"trunks": [{"sid": "TK1"}]},
        {"phone_numbers": [{"phone_number": "4155550100"}]},
        {"phone_numbers": [{"phone_number": "+14155550100", "trunk_sid": TK}]},  # unknown trunk
        {"phone_numbers": [{"phone_number": "+14155550100", "colour": "red"}]},
        {"unknown": []},
        {"trunks": [{"secure": "yes"}]},
    ],
)
def test_bad_seed_is_rejected_atomically(control: EmulatorControl, seed: dict[str, object]) -> None:
    with pytest.raises(EmulatorControlError):
        control.seed({"trunks": [{"sid": "TK" + "c" * 32}], **seed})
    assert control.state() == {"trunks": [], "phone_numbers": []}


def test_convenience_creators(control: EmulatorControl) -> None:
    trunk = control.create_trunk("main", "main.pstn.twilio.com")
    number = control.create_number("+14155550100", "desk", trunk_sid=trunk["sid"], voice_application_sid=None)
    assert number["trunk_sid"] == trunk["sid"]
    assert number["friendly_name"] == "desk"
    again = control.create_trunk("main", "main.pstn.twilio.com")
    assert again["sid"] == trunk["sid"]


def test_reset_restores_startup_settings(control: EmulatorControl) -> None:
    control.create_trunk("x")
    control.update_settings(bound_number_policy="move", max_concurrency=3)
    control.set_latency(5)
    assert control.settings()["latency_ms"] == 5
    control.reset()
    assert control.state() == {"trunks": [], "phone_numbers": []}
    settings = control.settings()
    assert settings["bound_number_policy"] == "reject"
    assert settings["max_concurrency"] == 0
    assert settings["latency_ms"] == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"bound_number_policy": "steal"},
        {"max_concurrency": -1},
        {"latency_ms": "fast"},
        {"already_bound_status": 500},
        {"colour": "red"},
    ],
)
def test_bad_settings_are_rejected(control: EmulatorControl, changes: dict[str, object]) -> None:
    with pytest.raises(EmulatorControlError):
        control.update_settings(**changes)


def test_unknown_control_path(emulator_server: EmulatorServer) -> None:
    assert httpx.get(f"{emulator_server.base_url}/_emulator/nope").status_code == 404
    assert emulator_server.control.health()
