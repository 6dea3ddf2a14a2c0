"""Response contract: every endpoint the emulator serves on Twilio's paths answers as the official
spec says: a status the operation declares, a body its response schema accepts (strictly: every
declared property present, nothing undeclared), list envelopes whose paging links work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from pulumi_twilio_trunking.testing import TwilioEmulator
from tests.contract.openapi import Operation, check_response, operation
from twilio_trunking_emulator import EmulatorControl, EmulatorOptions
from twilio_trunking_emulator.api2010.urls import routes as api2010_routes
from twilio_trunking_emulator.server import build_context
from twilio_trunking_emulator.trunking.urls import routes as trunking_routes

V1_TRUNKS = "/v1/Trunks"
AP = "AP" + "1" * 32
TK_UNKNOWN = "TK" + "9" * 32


def _served_routes() -> list[tuple[str, str]]:
    """``(METHOD, path template)`` of every Twilio route of the emulator (HEAD aside)."""
    ctx = build_context(EmulatorOptions())
    try:
        routes = [*trunking_routes(ctx), *api2010_routes(ctx)]
    finally:
        ctx.store.close()
    return sorted({(m, r.path) for r in routes for m in (r.methods or ()) if m != "HEAD"})


SERVED = _served_routes()


def _spec_operation(method: str, path: str) -> Operation:
    return operation("trunking_v1" if path.startswith("/v1/") else "api_v2010", path, method)


def test_every_twilio_route_of_the_emulator_is_an_operation_of_the_official_specs() -> None:
    labels = [_spec_operation(m, p).operation_id for m, p in SERVED]
    assert sorted(labels) == sorted(
        [
            "ListTrunk",
            "CreateTrunk",
            "FetchTrunk",
            "UpdateTrunk",
            "DeleteTrunk",
            "ListPhoneNumber",
            "CreatePhoneNumber",
            "FetchPhoneNumber",
            "DeletePhoneNumber",
            "ListIncomingPhoneNumber",
            "CreateIncomingPhoneNumber",
            "FetchIncomingPhoneNumber",
            "UpdateIncomingPhoneNumber",
            "DeleteIncomingPhoneNumber",
        ]
    )


# ------------------------------------------------------------------------------------ the world


@dataclass(frozen=True)
class World:
    base_url: str
    account: str
    trunk: str
    other_trunk: str
    bound: str
    """A number on ``trunk`` with every optional field set."""
    free: str
    """A number on no trunk."""
    spare: str
    """Another number on no trunk."""

    @property
    def numbers(self) -> str:
        return f"/2010-04-01/Accounts/{self.account}/IncomingPhoneNumbers"


@pytest.fixture
def world(twilio_emulator: TwilioEmulator, control: EmulatorControl) -> World:
    seeded = control.seed(
        {
            "trunks": [
                {
                    "friendly_name": "main",
                    "domain_name": "main-contract.pstn.twilio.com",
                    "disaster_recovery_url": "https://example.com/dr",
                    "disaster_recovery_method": "GET",
                    "secure": True,
                },
                {"friendly_name": None},
            ],
            "phone_numbers": [
                {
                    "phone_number": "+14155550100",
                    "friendly_name": "(415) 555-0100",
                    "voice_url": "https://example.com/voice",
                    "voice_fallback_url": "https://example.com/voice-fallback",
                    "sms_url": "https://example.com/sms",
                    "sms_fallback_url": "https://example.com/sms-fallback",
                    "status_callback": "https://example.com/status",
                    "sms_application_sid": AP,
                    "voice_caller_id_lookup": True,
                    "beta": True,
                    "capabilities": {"voice": True, "sms": False, "mms": False, "fax": True},
                },
                {"phone_number": "+14155550101"},
                {"phone_number": "+442071838750", "friendly_name": "london"},
            ],
        }
    )
    trunks = [t["sid"] for t in seeded["trunks"]]
    numbers = [n["sid"] for n in seeded["phone_numbers"]]
    control.seed(
        {"phone_numbers": [{"sid": numbers[0], "phone_number": "+14155550100", "trunk_sid": trunks[0]}]}
    )
    return World(twilio_emulator.base_url, twilio_emulator.account_sid, trunks[0], trunks[1], *numbers)


# ------------------------------------------------------------------------ one scenario per route

Scenario = Callable[[httpx.Client, World], list[httpx.Response]]


def _list_trunks(http: httpx.Client, w: World) -> list[httpx.Response]:
    return [http.get(V1_TRUNKS), http.get(V1_TRUNKS, params={"PageSize": 1})]


def _create_trunk(http: httpx.Client, w: World) -> list[httpx.Response]:
    full = {
        "FriendlyName": "created",
        "DomainName": "created-contract.pstn.twilio.com",
        "DisasterRecoveryUrl": "https://example.com/dr",
        "DisasterRecoveryMethod": "POST",
        "TransferMode": "sip-only",
        "Secure": "true",
        "CnamLookupEnabled": "true",
        "TransferCallerId": "from-transferor",
    }
    return [http.post(V1_TRUNKS, data=full), http.post(V1_TRUNKS)]


def _fetch_trunk(http: httpx.Client, w: World) -> list[httpx.Response]:
    return [http.get(f"{V1_TRUNKS}/{w.trunk}"), http.get(f"{V1_TRUNKS}/{w.other_trunk}")]


def _update_trunk(http: httpx.Client, w: World) -> list[httpx.Response]:
    url = f"{V1_TRUNKS}/{w.other_trunk}"
    return [
        http.post(url, data={"FriendlyName": "renamed", "TransferMode": "enable-all", "Secure": "false"}),
        http.post(url, data={"DomainName": "", "DisasterRecoveryUrl": ""}),
    ]


def _delete_trunk(http: httpx.Client, w: World) -> list[httpx.Response]:
    # Deleting a trunk with a number on it leaves the number unbound (checked through 2010).
    responses = [http.delete(f"{V1_TRUNKS}/{w.trunk}")]
    responses.append(http.get(f"{w.numbers}/{w.bound}.json"))
    assert responses[-1].json()["trunk_sid"] is None
    responses.append(http.get(f"{V1_TRUNKS}/{w.trunk}"))
    assert responses[-1].status_code == 404
    return responses


def _list_trunk_numbers(http: httpx.Client, w: World) -> list[httpx.Response]:
    return [
        http.get(f"{V1_TRUNKS}/{w.trunk}/PhoneNumbers"),
        http.get(f"{V1_TRUNKS}/{w.other_trunk}/PhoneNumbers"),
    ]


def _bind(http: httpx.Client, w: World) -> list[httpx.Response]:
    created = http.post(f"{V1_TRUNKS}/{w.other_trunk}/PhoneNumbers", data={"PhoneNumberSid": w.free})
    assert created.json()["trunk_sid"] == w.other_trunk
    return [created, http.post(f"{V1_TRUNKS}/{w.trunk}/PhoneNumbers", data={"PhoneNumberSid": w.spare})]


def _fetch_trunk_number(http: httpx.Client, w: World) -> list[httpx.Response]:
    return [
        http.get(f"{V1_TRUNKS}/{w.trunk}/PhoneNumbers/{w.bound}"),
        http.get(f"{V1_TRUNKS}/{w.other_trunk}/PhoneNumbers/{w.bound}"),  # 404: on the other trunk
    ]


def _unbind(http: httpx.Client, w: World) -> list[httpx.Response]:
    first = http.delete(f"{V1_TRUNKS}/{w.trunk}/PhoneNumbers/{w.bound}")
    again = http.delete(f"{V1_TRUNKS}/{w.trunk}/PhoneNumbers/{w.bound}")
    assert again.status_code == 404
    return [first, again]


def _list_numbers(http: httpx.Client, w: World) -> list[httpx.Response]:
    return [
        http.get(f"{w.numbers}.json"),
        http.get(f"{w.numbers}.json", params={"PhoneNumber": "+1415555", "FriendlyName": "(415) 555-0100"}),
        http.get(f"{w.numbers}.json", params={"Beta": "false", "PageSize": 1}),
    ]


def _create_number(http: httpx.Client, w: World) -> list[httpx.Response]:
    full = {
        "PhoneNumber": "+14155550150",
        "FriendlyName": "bought",
        "VoiceUrl": "https://example.com/v",
        "VoiceMethod": "GET",
        "SmsUrl": "https://example.com/s",
        "StatusCallback": "https://example.com/cb",
        "VoiceCallerIdLookup": "true",
        "TrunkSid": w.other_trunk,
    }
    return [
        http.post(f"{w.numbers}.json", data=full),
        http.post(f"{w.numbers}.json", data={"AreaCode": "628"}),
    ]


def _fetch_number(http: httpx.Client, w: World) -> list[httpx.Response]:
    return [http.get(f"{w.numbers}/{w.bound}.json"), http.get(f"{w.numbers}/{w.free}.json")]


def _update_number(http: httpx.Client, w: World) -> list[httpx.Response]:
    url = f"{w.numbers}/{w.free}.json"
    return [
        http.post(url, data={"TrunkSid": w.trunk, "FriendlyName": "on main"}),
        http.post(url, data={"VoiceApplicationSid": AP}),  # takes it off the trunk
        http.post(url, data={"VoiceApplicationSid": "", "VoiceUrl": ""}),
    ]


def _delete_number(http: httpx.Client, w: World) -> list[httpx.Response]:
    first = http.delete(f"{w.numbers}/{w.bound}.json")
    after = http.get(f"{V1_TRUNKS}/{w.trunk}/PhoneNumbers/{w.bound}")
    assert after.status_code == 404
    return [first, after]


SCENARIOS: dict[str, Scenario] = {
    "GET /v1/Trunks": _list_trunks,
    "POST /v1/Trunks": _create_trunk,
    "GET /v1/Trunks/{Sid}": _fetch_trunk,
    "POST /v1/Trunks/{Sid}": _update_trunk,
    "DELETE /v1/Trunks/{Sid}": _delete_trunk,
    "GET /v1/Trunks/{TrunkSid}/PhoneNumbers": _list_trunk_numbers,
    "POST /v1/Trunks/{TrunkSid}/PhoneNumbers": _bind,
    "GET /v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}": _fetch_trunk_number,
    "DELETE /v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}": _unbind,
    "GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json": _list_numbers,
    "POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json": _create_number,
    "GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json": _fetch_number,
    "POST /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json": _update_number,
    "DELETE /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json": _delete_number,
}


@pytest.mark.parametrize(("method", "path"), SERVED, ids=[f"{m} {p}" for m, p in SERVED])
def test_every_served_route_answers_per_its_operation(
    http: httpx.Client, world: World, method: str, path: str
) -> None:
    scenario = SCENARIOS.get(f"{method} {path}")
    assert scenario is not None, f"the emulator serves {method} {path}: add a contract scenario for it"
    responses = scenario(http, world)
    own = _spec_operation(method, path)
    successes = 0
    for response in responses:
        op = check_response(response)  # declared status + schema, or a Twilio error for 4xx
        if op == own and str(response.status_code) in own.responses:
            successes += 1
    assert successes >= 1, f"no success response of {own.label} was checked"


# --------------------------------------------------------------------------------------- paging


def _follow_v1(http: httpx.Client, base_url: str, path: str, key: str) -> list[dict[str, Any]]:
    """Walk a v1 list by its absolute ``next_page_url``; check every page and its links."""
    pages: list[dict[str, Any]] = []
    url: str | None = f"{base_url}{path}?PageSize=2"
    while url is not None:
        assert url.startswith(f"{base_url}{path}?"), url
        response = http.get(url)
        check_response(response)
        page = response.json()
        meta = page["meta"]
        assert meta["key"] == key
        assert meta["page"] == len(pages) and meta["page_size"] == 2
        for link in ("first_page_url", "url"):
            assert meta[link].startswith(f"{base_url}{path}?"), meta[link]
        assert (meta["previous_page_url"] is None) == (not pages)
        if pages:
            previous = http.get(meta["previous_page_url"])
            check_response(previous)
            assert previous.json()[key] == pages[-1][key]
        assert http.get(meta["url"]).json()[key] == page[key]
        pages.append(page)
        url = meta["next_page_url"]
    first = http.get(pages[-1]["meta"]["first_page_url"])
    check_response(first)
    assert first.json()[key] == pages[0][key]
    return pages


def test_v1_trunk_lists_page_by_absolute_followable_next_page_urls(
    http: httpx.Client, twilio_emulator: TwilioEmulator, control: EmulatorControl
) -> None:
    sids = [
        t["sid"] for t in control.seed({"trunks": [{"friendly_name": f"t{i}"} for i in range(5)]})["trunks"]
    ]
    pages = _follow_v1(http, twilio_emulator.base_url, V1_TRUNKS, "trunks")
    assert [len(p["trunks"]) for p in pages] == [2, 2, 1]
    assert [t["sid"] for p in pages for t in p["trunks"]] == sorted(sids)


def test_v1_trunk_number_lists_page_by_absolute_followable_next_page_urls(
    http: httpx.Client, twilio_emulator: TwilioEmulator, control: EmulatorControl
) -> None:
    trunk = control.create_trunk("paged")["sid"]
    numbers = control.seed(
        {"phone_numbers": [{"phone_number": f"+1628555{i:04d}", "trunk_sid": trunk} for i in range(5)]}
    )["phone_numbers"]
    control.create_number("+16285559999")  # on no trunk: never listed
    path = f"{V1_TRUNKS}/{trunk}/PhoneNumbers"
    pages = _follow_v1(http, twilio_emulator.base_url, path, "phone_numbers")
    listed = [n for p in pages for n in p["phone_numbers"]]
    assert [n["sid"] for n in listed] == sorted(n["sid"] for n in numbers)
    assert {n["trunk_sid"] for n in listed} == {trunk}


def test_2010_lists_page_by_relative_next_page_uris_that_keep_the_filters(
    http: httpx.Client, twilio_emulator: TwilioEmulator, control: EmulatorControl
) -> None:
    numbers = control.seed({"phone_numbers": [{"phone_number": f"+1628555{i:04d}"} for i in range(5)]})[
        "phone_numbers"
    ]
    control.create_number("+14155550100")  # filtered out
    root = f"/2010-04-01/Accounts/{twilio_emulator.account_sid}/IncomingPhoneNumbers.json"
    uri: str | None = f"{root}?PhoneNumber=%2B1628555&PageSize=2"
    seen: list[str] = []
    pages = 0
    while uri is not None:
        assert uri.startswith(f"{root}?"), uri  # relative to the API host, as Twilio's are
        response = http.get(f"{twilio_emulator.base_url}{uri}")
        check_response(response)
        page = response.json()
        assert page["page"] == pages and page["page_size"] == 2
        assert page["start"] == len(seen)
        assert page["end"] == len(seen) + len(page["incoming_phone_numbers"]) - 1
        for link in ("first_page_uri", "uri"):
            assert parse_qs(urlsplit(page[link]).query)["PhoneNumber"] == ["+1628555"]
        seen += [n["sid"] for n in page["incoming_phone_numbers"]]
        uri = page["next_page_uri"]
        if uri is not None:
            assert parse_qs(urlsplit(uri).query)["PhoneNumber"] == ["+1628555"]
        pages += 1
    assert pages == 3
    assert seen == sorted(n["sid"] for n in numbers)


def test_empty_lists_keep_the_envelope(http: httpx.Client, world: World) -> None:
    checked = [
        http.get(f"{V1_TRUNKS}/{world.other_trunk}/PhoneNumbers"),
        http.get(f"{world.numbers}.json", params={"PhoneNumber": "+19999"}),
        http.get(f"{world.numbers}.json", params={"FriendlyName": "nobody"}),
    ]
    for response in checked:
        check_response(response)
    v1 = checked[0].json()
    assert v1["phone_numbers"] == []
    assert v1["meta"]["next_page_url"] is None and v1["meta"]["previous_page_url"] is None
    for response in checked[1:]:
        page = response.json()
        assert page["incoming_phone_numbers"] == []
        assert (page["start"], page["end"], page["next_page_uri"]) == (0, 0, None)


def test_no_trunks_at_all_is_an_empty_envelope(http: httpx.Client) -> None:
    response = http.get(V1_TRUNKS)
    check_response(response)
    assert response.json()["trunks"] == []
    assert response.json()["meta"]["next_page_url"] is None


def test_resource_urls_are_absolute_and_lead_back_to_the_resource(http: httpx.Client, world: World) -> None:
    trunk = http.get(f"{V1_TRUNKS}/{world.trunk}").json()
    assert trunk["url"] == f"{world.base_url}{V1_TRUNKS}/{world.trunk}"
    assert http.get(trunk["url"]).json() == trunk
    assert trunk["links"]["phone_numbers"] == f"{trunk['url']}/PhoneNumbers"
    listed = http.get(trunk["links"]["phone_numbers"])
    check_response(listed)
    binding = listed.json()["phone_numbers"][0]
    assert binding["url"] == f"{trunk['url']}/PhoneNumbers/{world.bound}"
    assert http.get(binding["url"]).json() == binding
    assert binding["links"]["phone_number"] == f"{world.base_url}{world.numbers}/{world.bound}"
    number = http.get(f"{world.numbers}/{world.bound}.json").json()
    assert number["uri"] == f"{world.numbers}/{world.bound}.json"
    assert http.get(f"{world.base_url}{number['uri']}").json() == number


def test_the_same_number_reads_the_same_through_both_apis(http: httpx.Client, world: World) -> None:
    binding = http.get(f"{V1_TRUNKS}/{world.trunk}/PhoneNumbers/{world.bound}").json()
    number = http.get(f"{world.numbers}/{world.bound}.json").json()
    shared = (set(binding) & set(number)) - {"date_created", "date_updated"}
    assert len(shared) >= 20
    assert {k: binding[k] for k in shared} == {k: number[k] for k in shared}
    assert binding["sms_application_sid"] == AP and binding["capabilities"]["fax"] is True


def test_unknown_trunk_errors_are_twilio_shaped(http: httpx.Client, world: World) -> None:
    for response in (
        http.get(f"{V1_TRUNKS}/{TK_UNKNOWN}"),
        http.get(f"{V1_TRUNKS}/{TK_UNKNOWN}/PhoneNumbers"),
        http.post(f"{V1_TRUNKS}/{TK_UNKNOWN}/PhoneNumbers", data={"PhoneNumberSid": world.free}),
        http.delete(f"{V1_TRUNKS}/{TK_UNKNOWN}"),
    ):
        check_response(response)
        assert (response.status_code, response.json()["code"]) == (404, 20404)


def test_an_encoded_slash_stays_inside_its_path_segment(http: httpx.Client, world: World) -> None:
    """``TK…%2FPhoneNumbers`` is one (malformed) trunk SID, not the trunk's number list."""
    for path in (
        f"{V1_TRUNKS}/{world.trunk}%2FPhoneNumbers",
        f"{V1_TRUNKS}/{world.trunk}%2fPhoneNumbers%2F{world.bound}",
        f"{world.numbers}/{world.bound}%2F.json",
    ):
        response = http.get(path)
        assert urlsplit(str(response.request.url)).path == path  # sent as written
        check_response(response)
        assert (response.status_code, response.json()["code"]) == (404, 20404)
