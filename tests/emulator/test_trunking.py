"""Trunking v1 routes: trunks and the trunk PhoneNumbers subresource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from twilio_trunking_emulator import EmulatorControl, EmulatorServer

Factory = Callable[..., dict[str, Any]]
ErrorCheck = Callable[[httpx.Response, int, int], dict[str, Any]]
MISSING_TK = "TK" + "f" * 32
MISSING_PN = "PN" + "f" * 32


def bind(client: httpx.Client, trunk_sid: str, number_sid: str) -> httpx.Response:
    return client.post(f"/v1/Trunks/{trunk_sid}/PhoneNumbers", data={"PhoneNumberSid": number_sid})


# ---------------------------------------------------------------------- trunks
def test_trunk_crud(http: httpx.Client, emulator_server: EmulatorServer, twilio_error: ErrorCheck) -> None:
    created = http.post(
        "/v1/Trunks",
        data={"FriendlyName": "main", "DomainName": "main.pstn.twilio.com", "Secure": "true"},
    )
    assert created.status_code == 201
    trunk = created.json()
    assert trunk["sid"].startswith("TK") and len(trunk["sid"]) == 34
    assert trunk["url"] == f"{emulator_server.base_url}/v1/Trunks/{trunk['sid']}"
    assert trunk["links"]["phone_numbers"] == f"{trunk['url']}/PhoneNumbers"
    assert trunk["secure"] is True
    assert trunk["account_sid"] == emulator_server.account_sid

    fetched = http.get(f"/v1/Trunks/{trunk['sid']}")
    assert fetched.status_code == 200
    assert fetched.json() == trunk

    updated = http.post(f"/v1/Trunks/{trunk['sid']}", data={"FriendlyName": "renamed"})
    assert updated.status_code == 200
    assert updated.json()["friendly_name"] == "renamed"
    assert updated.json()["domain_name"] == "main.pstn.twilio.com"

    listed = http.get("/v1/Trunks")
    assert listed.status_code == 200
    assert [t["sid"] for t in listed.json()["trunks"]] == [trunk["sid"]]
    assert listed.json()["meta"]["key"] == "trunks"

    deleted = http.delete(f"/v1/Trunks/{trunk['sid']}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    twilio_error(http.get(f"/v1/Trunks/{trunk['sid']}"), 404, 20404)
    twilio_error(http.delete(f"/v1/Trunks/{trunk['sid']}"), 404, 20404)


def test_trunk_create_without_fields_uses_defaults(http: httpx.Client) -> None:
    trunk = http.post("/v1/Trunks").json()
    assert trunk["friendly_name"] is None
    assert trunk["domain_name"] is None
    assert trunk["transfer_mode"] == "disable-all"
    assert trunk["recording"] == {"mode": "do-not-record", "trim": "do-not-trim"}


def test_trunk_domain_must_be_unique(
    make_trunk: Factory, http: httpx.Client, twilio_error: ErrorCheck
) -> None:
    make_trunk(DomainName="taken.pstn.twilio.com")
    response = http.post("/v1/Trunks", data={"DomainName": "taken.pstn.twilio.com"})
    twilio_error(response, 400, 21248)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("DomainName", "example.com"),
        ("TransferMode", "sometimes"),
        ("Secure", "maybe"),
        ("DisasterRecoveryMethod", "PUT"),
        ("DisasterRecoveryUrl", "not a url"),
        ("FriendlyName", "x" * 65),
    ],
)
def test_trunk_invalid_fields(http: httpx.Client, field: str, value: str, twilio_error: ErrorCheck) -> None:
    body = twilio_error(http.post("/v1/Trunks", data={field: value}), 400, 20001)
    assert field in body["message"]


def test_trunk_not_found_message_omits_version(http: httpx.Client, twilio_error: ErrorCheck) -> None:
    body = twilio_error(http.get(f"/v1/Trunks/{MISSING_TK}"), 404, 20404)
    assert body["message"] == f"The requested resource /Trunks/{MISSING_TK} was not found"


def test_delete_trunk_unbinds_its_numbers(
    http: httpx.Client, make_trunk: Factory, make_number: Factory, numbers_path: str
) -> None:
    trunk = make_trunk()
    number = make_number("+14155550100")
    assert bind(http, trunk["sid"], number["sid"]).status_code == 201
    assert http.delete(f"/v1/Trunks/{trunk['sid']}").status_code == 204
    fetched = http.get(f"{numbers_path}/{number['sid']}.json").json()
    assert fetched["trunk_sid"] is None


# ---------------------------------------------------------------------- binding
def test_bind_fetch_list_unbind(
    http: httpx.Client,
    emulator_server: EmulatorServer,
    make_trunk: Factory,
    make_number: Factory,
    numbers_path: str,
    twilio_error: ErrorCheck,
) -> None:
    trunk = make_trunk(FriendlyName="t")
    app_sid = "AP" + "1" * 32
    number = make_number("+14155550100", VoiceApplicationSid=app_sid)
    assert number["voice_application_sid"] == app_sid
    tk, pn = trunk["sid"], number["sid"]

    created = bind(http, tk, pn)
    assert created.status_code == 201
    resource = created.json()
    assert resource["sid"] == pn
    assert resource["trunk_sid"] == tk
    assert resource["phone_number"] == "+14155550100"
    assert resource["voice_application_sid"] is None
    assert resource["url"] == f"{emulator_server.base_url}/v1/Trunks/{tk}/PhoneNumbers/{pn}"
    assert resource["links"]["phone_number"] == (
        f"{emulator_server.base_url}/2010-04-01/Accounts/{emulator_server.account_sid}/IncomingPhoneNumbers/{pn}"
    )

    incoming = http.get(f"{numbers_path}/{pn}.json").json()
    assert incoming["trunk_sid"] == tk
    assert incoming["voice_application_sid"] is None

    fetched = http.get(f"/v1/Trunks/{tk}/PhoneNumbers/{pn}")
    assert fetched.status_code == 200
    assert fetched.json() == resource

    listed = http.get(f"/v1/Trunks/{tk}/PhoneNumbers").json()
    assert [n["sid"] for n in listed["phone_numbers"]] == [pn]

    deleted = http.delete(f"/v1/Trunks/{tk}/PhoneNumbers/{pn}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert http.get(f"{numbers_path}/{pn}.json").json()["trunk_sid"] is None
    twilio_error(http.get(f"/v1/Trunks/{tk}/PhoneNumbers/{pn}"), 404, 20404)
    twilio_error(http.delete(f"/v1/Trunks/{tk}/PhoneNumbers/{pn}"), 404, 20404)
    assert http.get(f"/v1/Trunks/{tk}/PhoneNumbers").json()["phone_numbers"] == []


def test_number_on_other_trunk_is_not_visible(
    http: httpx.Client, make_trunk: Factory, make_number: Factory, twilio_error: ErrorCheck
) -> None:
    a, b = make_trunk()["sid"], make_trunk()["sid"]
    pn = make_number("+14155550100")["sid"]
    assert bind(http, a, pn).status_code == 201
    twilio_error(http.get(f"/v1/Trunks/{b}/PhoneNumbers/{pn}"), 404, 20404)
    twilio_error(http.delete(f"/v1/Trunks/{b}/PhoneNumbers/{pn}"), 404, 20404)
    assert http.get(f"/v1/Trunks/{a}/PhoneNumbers/{pn}").status_code == 200


def test_bind_unknown_number_or_trunk(
    http: httpx.Client, make_trunk: Factory, make_number: Factory, twilio_error: ErrorCheck
) -> None:
    tk = make_trunk()["sid"]
    pn = make_number("+14155550100")["sid"]
    twilio_error(bind(http, tk, MISSING_PN), 404, 20404)
    twilio_error(bind(http, MISSING_TK, pn), 404, 20404)
    twilio_error(http.get(f"/v1/Trunks/{MISSING_TK}/PhoneNumbers"), 404, 20404)


def test_bind_validates_phone_number_sid(
    http: httpx.Client, make_trunk: Factory, twilio_error: ErrorCheck
) -> None:
    tk = make_trunk()["sid"]
    missing = twilio_error(http.post(f"/v1/Trunks/{tk}/PhoneNumbers"), 400, 20001)
    assert missing["message"] == "Missing required parameter PhoneNumberSid in the post body"
    malformed = twilio_error(bind(http, tk, "PN123"), 400, 20001)
    assert malformed["message"] == "Invalid PhoneNumberSid: must match ^PN[0-9a-fA-F]{32}\\Z"
    as_json = http.post(f"/v1/Trunks/{tk}/PhoneNumbers", json={"PhoneNumberSid": MISSING_PN})
    twilio_error(as_json, 400, 20001)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/Trunks/TK123",
        "/v1/Trunks/XX" + "0" * 32,
        "/v1/Trunks/TK123/PhoneNumbers",
        f"/v1/Trunks/{MISSING_TK}/PhoneNumbers/PN123",
        "/v1/Unknown",
    ],
)
def test_malformed_or_unknown_paths_are_404(http: httpx.Client, path: str, twilio_error: ErrorCheck) -> None:
    body = twilio_error(http.get(path), 404, 20404)
    assert body["message"] == f"The requested resource {path[3:]} was not found"


def test_wrong_method_is_405(http: httpx.Client, make_trunk: Factory, twilio_error: ErrorCheck) -> None:
    tk = make_trunk()["sid"]
    response = http.post(f"/v1/Trunks/{tk}/PhoneNumbers/{MISSING_PN}")
    twilio_error(response, 405, 20004)


def test_one_trunk_per_number_reject_policy(
    http: httpx.Client,
    make_trunk: Factory,
    make_number: Factory,
    numbers_path: str,
    twilio_error: ErrorCheck,
) -> None:
    a, b = make_trunk()["sid"], make_trunk()["sid"]
    pn = make_number("+14155550100")["sid"]
    assert bind(http, a, pn).status_code == 201

    same = twilio_error(bind(http, a, pn), 400, 20001)
    assert same["message"] == f"Phone number {pn} is already associated with trunk {a}"
    other = twilio_error(bind(http, b, pn), 400, 20001)
    assert a in other["message"]
    assert http.get(f"{numbers_path}/{pn}.json").json()["trunk_sid"] == a
    assert http.get(f"/v1/Trunks/{b}/PhoneNumbers").json()["phone_numbers"] == []


def test_move_policy_rebinds(
    http: httpx.Client,
    control: EmulatorControl,
    make_trunk: Factory,
    make_number: Factory,
    numbers_path: str,
) -> None:
    control.update_settings(bound_number_policy="move")
    a, b = make_trunk()["sid"], make_trunk()["sid"]
    pn = make_number("+14155550100")["sid"]
    assert bind(http, a, pn).status_code == 201
    assert bind(http, a, pn).status_code == 201  # idempotent on the same trunk
    moved = bind(http, b, pn)
    assert moved.status_code == 201
    assert moved.json()["trunk_sid"] == b
    assert http.get(f"{numbers_path}/{pn}.json").json()["trunk_sid"] == b
    assert http.get(f"/v1/Trunks/{a}/PhoneNumbers").json()["phone_numbers"] == []


def test_already_bound_error_is_configurable(
    http: httpx.Client,
    control: EmulatorControl,
    make_trunk: Factory,
    make_number: Factory,
    twilio_error: ErrorCheck,
) -> None:
    control.update_settings(already_bound_status=409, already_bound_code=21999)
    tk = make_trunk()["sid"]
    pn = make_number("+14155550100")["sid"]
    bind(http, tk, pn)
    twilio_error(bind(http, tk, pn), 409, 21999)


# ---------------------------------------------------------------------- paging
def test_paging_follows_absolute_next_page_url(
    http: httpx.Client, emulator_server: EmulatorServer, make_trunk: Factory, make_number: Factory
) -> None:
    tk = make_trunk()["sid"]
    expected = set()
    for i in range(7):
        pn = make_number(f"+1415555{i:04d}")["sid"]
        assert bind(http, tk, pn).status_code == 201
        expected.add(pn)
    make_number("+14155559999")  # not on the trunk

    seen: list[str] = []
    url: str | None = f"{emulator_server.base_url}/v1/Trunks/{tk}/PhoneNumbers?PageSize=3"
    pages = []
    while url is not None:
        assert url.startswith(emulator_server.base_url + "/")
        response = http.get(url)
        assert response.status_code == 200
        meta = response.json()["meta"]
        pages.append(meta)
        seen += [n["sid"] for n in response.json()["phone_numbers"]]
        url = meta["next_page_url"]
    assert len(seen) == len(expected) == len(set(seen))
    assert set(seen) == expected
    assert seen == sorted(seen)  # stable order
    assert [m["page"] for m in pages] == [0, 1, 2]
    assert pages[0]["previous_page_url"] is None
    assert pages[1]["previous_page_url"] is not None
    assert "PageToken=PA" in pages[0]["next_page_url"]
    assert pages[0]["first_page_url"].endswith("?PageSize=3&Page=0")
    assert pages[0]["page_size"] == 3

    previous = http.get(pages[2]["previous_page_url"]).json()
    assert [n["sid"] for n in previous["phone_numbers"]] == seen[3:6]


@pytest.mark.parametrize(
    "query",
    ["PageToken=garbage", "PageToken=PATK" + "0" * 32, f"PageToken=PA{MISSING_PN}&Page=0"],
)
def test_bad_page_token(
    http: httpx.Client, make_trunk: Factory, query: str, twilio_error: ErrorCheck
) -> None:
    tk = make_trunk()["sid"]
    body = twilio_error(http.get(f"/v1/Trunks/{tk}/PhoneNumbers?{query}"), 400, 21481)
    assert body["message"] == "Invalid PageToken"


@pytest.mark.parametrize("size", ["0", "1001", "abc", "-5"])
def test_bad_page_size(http: httpx.Client, make_trunk: Factory, size: str, twilio_error: ErrorCheck) -> None:
    tk = make_trunk()["sid"]
    body = twilio_error(http.get(f"/v1/Trunks/{tk}/PhoneNumbers", params={"PageSize": size}), 400, 20001)
    assert "PageSize" in body["message"]


def test_page_size_limits_accepted(http: httpx.Client, make_trunk: Factory) -> None:
    tk = make_trunk()["sid"]
    for size in ("1", "1000"):
        response = http.get(f"/v1/Trunks/{tk}/PhoneNumbers", params={"PageSize": size})
        assert response.status_code == 200
        assert response.json()["meta"]["page_size"] == int(size)
