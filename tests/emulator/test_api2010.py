"""API 2010 IncomingPhoneNumbers routes."""

from __future__ import annotations

from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

Factory = Callable[..., dict[str, Any]]
ErrorCheck = Callable[[httpx.Response, int, int], dict[str, Any]]
APP_SID = "AP" + "1" * 32


def phone_numbers(client: httpx.Client, numbers_path: str, **params: str) -> list[str]:
    response = client.get(f"{numbers_path}.json", params=params)
    assert response.status_code == 200, response.text
    return sorted(n["phone_number"] for n in response.json()["incoming_phone_numbers"])


def test_create_and_fetch(http: httpx.Client, numbers_path: str, account_sid: str) -> None:
    created = http.post(
        f"{numbers_path}.json",
        data={"PhoneNumber": "+14155550100", "VoiceUrl": "https://example.com/voice"},
    )
    assert created.status_code == 201
    number = created.json()
    assert number["friendly_name"] == "(415) 555-0100"
    assert number["voice_url"] == "https://example.com/voice"
    assert number["uri"] == f"{numbers_path}/{number['sid']}.json"
    assert number["account_sid"] == account_sid
    assert parsedate_to_datetime(number["date_created"]).utcoffset() is not None
    assert number["date_created"].endswith(" +0000")

    fetched = http.get(f"{numbers_path}/{number['sid']}.json")
    assert fetched.status_code == 200
    assert fetched.json() == number


def test_create_validation(
    http: httpx.Client, numbers_path: str, make_number: Factory, twilio_error: ErrorCheck
) -> None:
    missing = twilio_error(http.post(f"{numbers_path}.json"), 400, 20001)
    assert "PhoneNumber" in missing["message"]
    twilio_error(http.post(f"{numbers_path}.json", data={"PhoneNumber": "415"}), 400, 21421)
    make_number("+14155550100")
    duplicate = http.post(f"{numbers_path}.json", data={"PhoneNumber": "+14155550100"})
    twilio_error(duplicate, 400, 21422)


def test_create_with_area_code(http: httpx.Client, numbers_path: str) -> None:
    number = http.post(f"{numbers_path}.json", data={"AreaCode": "510"}).json()
    assert number["phone_number"].startswith("+1510555")


def test_phone_number_filter(http: httpx.Client, numbers_path: str, make_number: Factory) -> None:
    for phone in ("+14155550100", "+14155550101", "+14155551100", "+442071838750"):
        make_number(phone)
    # exact (with the + URL-encoded as %2B by httpx)
    assert phone_numbers(http, numbers_path, PhoneNumber="+14155550100") == ["+14155550100"]
    # partial
    assert phone_numbers(http, numbers_path, PhoneNumber="+1415") == [
        "+14155550100",
        "+14155550101",
        "+14155551100",
    ]
    assert phone_numbers(http, numbers_path, PhoneNumber="0101") == ["+14155550101"]
    # wildcard: * is any digit
    assert phone_numbers(http, numbers_path, PhoneNumber="+1415555*100") == [
        "+14155550100",
        "+14155551100",
    ]
    assert phone_numbers(http, numbers_path, PhoneNumber="+1999") == []
    # an unencoded + arrives as a space
    raw = http.get(f"{numbers_path}.json?PhoneNumber=+442071838750").json()
    assert [n["phone_number"] for n in raw["incoming_phone_numbers"]] == ["+442071838750"]


def test_friendly_name_filter(http: httpx.Client, numbers_path: str, make_number: Factory) -> None:
    make_number("+14155550100", FriendlyName="desk")
    make_number("+14155550101", FriendlyName="lobby")
    assert phone_numbers(http, numbers_path, FriendlyName="desk") == ["+14155550100"]


def test_list_paging_has_relative_uris(http: httpx.Client, numbers_path: str, make_number: Factory) -> None:
    for i in range(5):
        make_number(f"+1415555{i:04d}")
    seen: list[str] = []
    uri: str | None = f"{numbers_path}.json?PhoneNumber=%2B1415&PageSize=2"
    pages = []
    while uri is not None:
        body = http.get(uri).json()
        pages.append(body)
        seen += [n["sid"] for n in body["incoming_phone_numbers"]]
        uri = body["next_page_uri"]
        assert uri is None or uri.startswith(f"{numbers_path}.json?PhoneNumber=%2B1415&")
    assert len(seen) == len(set(seen)) == 5
    assert [p["page"] for p in pages] == [0, 1, 2]
    assert [(p["start"], p["end"]) for p in pages] == [(0, 1), (2, 3), (4, 4)]
    assert pages[0]["first_page_uri"] == f"{numbers_path}.json?PhoneNumber=%2B1415&PageSize=2&Page=0"
    assert pages[0]["uri"] == pages[0]["first_page_uri"]
    assert pages[0]["previous_page_uri"] is None
    assert pages[2]["previous_page_uri"] is not None


def test_list_bad_paging(http: httpx.Client, numbers_path: str, twilio_error: ErrorCheck) -> None:
    twilio_error(http.get(f"{numbers_path}.json?PageToken=nope"), 400, 21481)
    twilio_error(http.get(f"{numbers_path}.json?PageSize=1001"), 400, 20001)


def test_update_trunk_sid_sets_moves_and_clears(
    http: httpx.Client, numbers_path: str, make_number: Factory, make_trunk: Factory
) -> None:
    a, b = make_trunk()["sid"], make_trunk()["sid"]
    number = make_number("+14155550100", VoiceApplicationSid=APP_SID)
    url = f"{numbers_path}/{number['sid']}.json"

    bound = http.post(url, data={"TrunkSid": a}).json()
    assert bound["trunk_sid"] == a
    assert bound["voice_application_sid"] is None
    assert http.get(f"/v1/Trunks/{a}/PhoneNumbers/{number['sid']}").status_code == 200

    moved = http.post(url, data={"TrunkSid": b}).json()
    assert moved["trunk_sid"] == b
    assert http.get(f"/v1/Trunks/{a}/PhoneNumbers/{number['sid']}").status_code == 404

    cleared = http.post(url, data={"TrunkSid": ""}).json()
    assert cleared["trunk_sid"] is None


def test_setting_voice_application_clears_trunk(
    http: httpx.Client, numbers_path: str, make_number: Factory, make_trunk: Factory
) -> None:
    tk = make_trunk()["sid"]
    number = make_number("+14155550100", TrunkSid=tk)
    assert number["trunk_sid"] == tk
    url = f"{numbers_path}/{number['sid']}.json"
    updated = http.post(url, data={"VoiceApplicationSid": APP_SID}).json()
    assert updated["voice_application_sid"] == APP_SID
    assert updated["trunk_sid"] is None


def test_update_validation(
    http: httpx.Client,
    numbers_path: str,
    make_number: Factory,
    make_trunk: Factory,
    twilio_error: ErrorCheck,
) -> None:
    url = f"{numbers_path}/{make_number('+14155550100')['sid']}.json"
    twilio_error(http.post(url, data={"TrunkSid": "TK" + "f" * 32}), 400, 20001)
    twilio_error(http.post(url, data={"TrunkSid": "TK1"}), 400, 20001)
    twilio_error(http.post(url, data={"VoiceUrl": "ftp://x"}), 400, 20001)
    both = {"TrunkSid": make_trunk()["sid"], "VoiceApplicationSid": APP_SID}
    twilio_error(http.post(url, data=both), 400, 20001)
    ok = http.post(url, data={"FriendlyName": "renamed", "VoiceMethod": "get"})
    assert ok.status_code == 200
    assert ok.json()["friendly_name"] == "renamed"
    assert ok.json()["voice_method"] == "GET"


def test_release_number_removes_binding(
    http: httpx.Client,
    numbers_path: str,
    make_number: Factory,
    make_trunk: Factory,
    twilio_error: ErrorCheck,
) -> None:
    tk = make_trunk()["sid"]
    pn = make_number("+14155550100", TrunkSid=tk)["sid"]
    deleted = http.delete(f"{numbers_path}/{pn}.json")
    assert deleted.status_code == 204
    assert deleted.content == b""
    twilio_error(http.get(f"{numbers_path}/{pn}.json"), 404, 20404)
    twilio_error(http.get(f"/v1/Trunks/{tk}/PhoneNumbers/{pn}"), 404, 20404)
    assert http.get(f"/v1/Trunks/{tk}/PhoneNumbers").json()["phone_numbers"] == []


@pytest.mark.parametrize(
    "account",
    ["AC" + "1" * 32, "ACnope"],
)
def test_other_or_malformed_account_is_404(
    http: httpx.Client, account: str, twilio_error: ErrorCheck
) -> None:
    path = f"/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json"
    body = twilio_error(http.get(path), 404, 20404)
    assert body["message"] == f"The requested resource {path} was not found"


def test_malformed_number_sid_is_404(http: httpx.Client, numbers_path: str, twilio_error: ErrorCheck) -> None:
    twilio_error(http.get(f"{numbers_path}/PN123.json"), 404, 20404)
    twilio_error(http.get(f"{numbers_path}/{'PN' + 'f' * 32}.json"), 404, 20404)
