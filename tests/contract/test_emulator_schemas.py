"""Responses validate strictly (every property present, nothing extra) against the specs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_twilio_trunking.testing import TwilioEmulator
from tests.emulator_factories import Factory, make_number, make_trunk

from .openapi import check_schema as contract_check_schema

__all__ = ["make_number", "make_trunk"]  # fixtures (they use this module's http and numbers_path)
SchemaCheck = Callable[[str, str, Any], None]
V1_NUMBERS = "/v1/Trunks/{TrunkSid}/PhoneNumbers"
V1_NUMBER = "/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}"
NUMBERS = "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json"
NUMBER = "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json"


@pytest.fixture
def numbers_path(twilio_emulator: TwilioEmulator) -> str:
    return f"/2010-04-01/Accounts/{twilio_emulator.account_sid}/IncomingPhoneNumbers"


@pytest.fixture
def check_schema() -> SchemaCheck:
    return contract_check_schema


def test_trunking_v1_shapes(
    http: httpx.Client, make_trunk: Factory, make_number: Factory, check_schema: SchemaCheck
) -> None:
    created_trunk = http.post("/v1/Trunks", data={"FriendlyName": "t"})
    check_schema("trunking_v1", "/v1/Trunks post 201", created_trunk.json())
    tk = created_trunk.json()["sid"]
    check_schema("trunking_v1", "/v1/Trunks/{Sid} get 200", http.get(f"/v1/Trunks/{tk}").json())
    check_schema("trunking_v1", "/v1/Trunks get 200", http.get("/v1/Trunks?PageSize=1").json())

    pns = [
        make_number("+14155550100", VoiceUrl="https://example.com/v")["sid"],
        make_number("+14155550101")["sid"],
    ]
    for pn in pns:
        created = http.post(f"/v1/Trunks/{tk}/PhoneNumbers", data={"PhoneNumberSid": pn})
        check_schema("trunking_v1", f"{V1_NUMBERS} post 201", created.json())
    fetched = http.get(f"/v1/Trunks/{tk}/PhoneNumbers/{pns[0]}").json()
    check_schema("trunking_v1", f"{V1_NUMBER} get 200", fetched)
    check_schema("trunking_v1", "trunking.v1.trunk.phone_number", fetched)
    first = http.get(f"/v1/Trunks/{tk}/PhoneNumbers?PageSize=1").json()
    check_schema("trunking_v1", f"{V1_NUMBERS} get 200", first)
    second = http.get(first["meta"]["next_page_url"]).json()
    check_schema("trunking_v1", f"{V1_NUMBERS} get 200", second)


def test_api2010_shapes(
    http: httpx.Client, numbers_path: str, make_trunk: Factory, check_schema: SchemaCheck
) -> None:
    tk = make_trunk()["sid"]
    created = http.post(f"{numbers_path}.json", data={"PhoneNumber": "+14155550100"})
    check_schema("api_v2010", f"{NUMBERS} post 201", created.json())
    pn = created.json()["sid"]
    http.post(f"{numbers_path}.json", data={"PhoneNumber": "+14155550101", "TrunkSid": tk})
    check_schema("api_v2010", f"{NUMBER} get 200", http.get(f"{numbers_path}/{pn}.json").json())
    updated = http.post(f"{numbers_path}/{pn}.json", data={"TrunkSid": tk})
    check_schema("api_v2010", f"{NUMBER} post 200", updated.json())
    page = http.get(f"{numbers_path}.json?PageSize=1").json()
    check_schema("api_v2010", f"{NUMBERS} get 200", page)
    check_schema("api_v2010", f"{NUMBERS} get 200", http.get(page["next_page_uri"]).json())
    empty = http.get(f"{numbers_path}.json?PhoneNumber=%2B1999").json()
    check_schema("api_v2010", f"{NUMBERS} get 200", empty)
