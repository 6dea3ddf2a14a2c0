"""Official SDK cross-check: Twilio's own Python SDK (``twilio``), pointed at the emulator through
its pluggable HTTP client, reads the same values the project's ``TwilioClient`` reads, pages the
same way, and raises ``TwilioRestException`` with the emulator's codes.

Every request the SDK sends is also checked against the specs, which shows the request validator
accepts what Twilio's own code sends (and that the emulator is used the way the SDK uses Twilio).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client as SdkClient

from pulumi_twilio_trunking.properties import TRUNK_PHONE_NUMBER_PROPERTIES
from pulumi_twilio_trunking.testing import TwilioEmulator
from pulumi_twilio_trunking.twilio.client import TwilioClient
from pulumi_twilio_trunking.twilio.errors import TwilioApiError
from pulumi_twilio_trunking.twilio.models import TrunkPhoneNumber
from tests.contract.conftest import EmulatorHttpClient, client_settings
from tests.contract.openapi import check_request, find_operation
from twilio_trunking_emulator import EmulatorControl

AP = "AP" + "2" * 32
MISSING_TRUNK = "TK" + "9" * 32


def _iso(value: str | None) -> datetime:
    assert value is not None and value.endswith("Z"), value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_same_binding(sdk_binding: Any, ours: TrunkPhoneNumber) -> None:
    """All 26 properties of ``trunking.v1.trunk.phone_number`` agree (dates as parsed datetimes)."""
    for name in TRUNK_PHONE_NUMBER_PROPERTIES:
        theirs, mine = getattr(sdk_binding, name), getattr(ours, name)
        if name.startswith("date_"):
            assert isinstance(theirs, datetime), f"the SDK could not parse {name}={theirs!r}"
            assert theirs == _iso(mine) and theirs.tzinfo == UTC
        else:
            assert theirs == mine, f"{name}: SDK {theirs!r} != client {mine!r}"


def _seed(control: EmulatorControl) -> tuple[str, list[dict[str, Any]]]:
    result = control.seed(
        {
            "trunks": [{"friendly_name": "sdk", "domain_name": "sdk-contract.pstn.twilio.com"}],
            "phone_numbers": [
                {
                    "phone_number": "+14155550100",
                    "friendly_name": "(415) 555-0100",
                    "voice_url": "https://example.com/voice",
                    "sms_application_sid": AP,
                    "status_callback": "https://example.com/status",
                    "voice_caller_id_lookup": True,
                    "capabilities": {"voice": True, "sms": False, "mms": True, "fax": True},
                },
                *({"phone_number": f"+1415555{i:04d}", "friendly_name": f"n{i}"} for i in range(101, 105)),
                {"phone_number": "+141555501", "friendly_name": "a prefix of the others"},
            ],
        }
    )
    return result["trunks"][0]["sid"], result["phone_numbers"]


def _check_sdk_requests(sdk_http: EmulatorHttpClient) -> list[str]:
    """Every request the SDK sent keeps the contract; the operation ids, in order."""
    return [check_request(r).operation_id for r in sdk_http.sent]


def test_trunk_phone_numbers_agree_through_create_fetch_list_and_delete(
    sdk: SdkClient, sdk_http: EmulatorHttpClient, client: TwilioClient, control: EmulatorControl
) -> None:
    trunk, numbers = _seed(control)
    sids = [n["sid"] for n in numbers[:5]]
    phone_numbers = sdk.trunking.v1.trunks(trunk).phone_numbers

    for sid in sids:
        created = phone_numbers.create(phone_number_sid=sid)
        ours = client.fetch_trunk_phone_number(trunk, sid)
        assert ours is not None and created.trunk_sid == trunk
        assert_same_binding(created, ours)
        assert_same_binding(phone_numbers(sid).fetch(), ours)

    first = client.fetch_trunk_phone_number(trunk, sids[0])
    assert first is not None
    assert first.capabilities == {"voice": True, "sms": False, "mms": True, "fax": True}
    assert first.sms_application_sid == AP and first.voice_caller_id_lookup is True
    assert first.links == {"phone_number": f"{client.endpoints.api}{_number_path(client, sids[0])}"}

    sdk_http.sent.clear()
    listed = phone_numbers.list(page_size=2)
    pages = [
        r for r in sdk_http.sent if find_operation(r.method, r.path)[0].operation_id == "ListPhoneNumber"
    ]
    assert len(pages) == 3, "five bindings at page_size=2 are three pages"
    ours_listed = list(client.list_trunk_phone_numbers(trunk, page_size=2))
    assert [b.sid for b in listed] == [b.sid for b in ours_listed] == sorted(sids)
    for theirs, mine in zip(listed, ours_listed, strict=True):
        assert_same_binding(theirs, mine)

    assert phone_numbers(sids[0]).delete() is True
    assert client.fetch_trunk_phone_number(trunk, sids[0]) is None
    assert client.delete_trunk_phone_number(trunk, sids[0]) is False
    with pytest.raises(TwilioRestException) as caught:
        phone_numbers(sids[0]).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)
    assert [b.sid for b in phone_numbers.list(page_size=2)] == sorted(sids[1:])

    operations = _check_sdk_requests(sdk_http)
    assert {"ListPhoneNumber", "DeletePhoneNumber", "FetchPhoneNumber"} <= set(operations)


def _number_path(client: TwilioClient, sid: str) -> str:
    return f"/2010-04-01/Accounts/{client.account_sid}/IncomingPhoneNumbers/{sid}"


def test_incoming_phone_number_lookup_by_number_agrees(
    sdk: SdkClient, sdk_http: EmulatorHttpClient, client: TwilioClient, control: EmulatorControl
) -> None:
    trunk, numbers = _seed(control)
    client.create_trunk_phone_number(trunk, numbers[0]["sid"])
    for number in numbers:
        e164 = number["phone_number"]
        found = sdk.incoming_phone_numbers.list(phone_number=e164, page_size=2)
        exact = [n for n in found if n.phone_number == e164]
        ours = client.find_incoming_phone_number(e164)
        assert ours is not None and len(exact) == 1
        theirs = exact[0]
        for name in (
            "sid",
            "phone_number",
            "friendly_name",
            "account_sid",
            "trunk_sid",
            "voice_application_sid",
        ):
            assert getattr(theirs, name) == getattr(ours, name), name
        assert isinstance(theirs.date_created, datetime) and isinstance(theirs.date_updated, datetime)
        fetched = sdk.incoming_phone_numbers(ours.sid).fetch()
        assert (fetched.sid, fetched.trunk_sid) == (ours.sid, ours.trunk_sid)
        assert client.fetch_incoming_phone_number(ours.sid) == ours

    # Twilio's PhoneNumber filter matches partially: the SDK sees every number under the prefix,
    # over several pages; the client still picks the exact one.
    prefix = sdk.incoming_phone_numbers.list(phone_number="+141555501", page_size=2)
    assert len(prefix) == len(numbers)
    ours = client.find_incoming_phone_number("+141555501")
    assert ours is not None and ours.sid == numbers[-1]["sid"]

    # One number, two APIs: the 2010 RFC 2822 dates and the v1 ISO dates are the same instants.
    bound = sdk.incoming_phone_numbers(numbers[0]["sid"]).fetch()
    binding = client.fetch_trunk_phone_number(trunk, numbers[0]["sid"])
    assert binding is not None and bound.trunk_sid == trunk
    assert bound.date_created == _iso(binding.date_created)
    assert bound.date_updated == _iso(binding.date_updated)
    assert bound.capabilities == binding.capabilities
    assert set(_check_sdk_requests(sdk_http)) == {"ListIncomingPhoneNumber", "FetchIncomingPhoneNumber"}


def test_trunks_agree(
    sdk: SdkClient, sdk_http: EmulatorHttpClient, client: TwilioClient, control: EmulatorControl
) -> None:
    trunk, _ = _seed(control)
    theirs = sdk.trunking.v1.trunks(trunk).fetch()
    ours = client.fetch_trunk(trunk)
    assert (theirs.sid, theirs.account_sid, theirs.friendly_name, theirs.domain_name) == (
        ours.sid,
        ours.account_sid,
        ours.friendly_name,
        ours.domain_name,
    )
    assert isinstance(theirs.date_created, datetime)
    created = sdk.trunking.v1.trunks.create(friendly_name="by the sdk", secure=True)
    assert client.fetch_trunk(created.sid).friendly_name == "by the sdk" and created.secure is True
    assert [t.sid for t in sdk.trunking.v1.trunks.list(page_size=1)] == sorted([trunk, created.sid])
    _check_sdk_requests(sdk_http)


def _client_error(call: Any) -> TwilioApiError:
    with pytest.raises(TwilioApiError) as caught:
        call()
    return caught.value


def _sdk_error(call: Any) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as caught:
        call()
    assert type(caught.value) is TwilioRestException  # Twilio's legacy error format, not RFC 9457
    return caught.value


def test_errors_carry_the_same_status_code_and_message(
    twilio_emulator: TwilioEmulator, sdk: SdkClient, client: TwilioClient, control: EmulatorControl
) -> None:
    trunk, numbers = _seed(control)
    theirs = _sdk_error(sdk.trunking.v1.trunks(MISSING_TRUNK).fetch)
    ours = _client_error(lambda: client.fetch_trunk(MISSING_TRUNK))
    assert (theirs.status, theirs.code) == (ours.status, ours.code) == (404, 20404)
    assert theirs.msg == f"Unable to fetch record: {ours.message}"
    assert ours.more_info == "https://www.twilio.com/docs/errors/20404"

    # Binding a number that is already bound: the emulator's *assumed* answer (docs/fidelity.md).
    client.create_trunk_phone_number(trunk, numbers[0]["sid"])
    theirs = _sdk_error(
        lambda: sdk.trunking.v1.trunks(trunk).phone_numbers.create(phone_number_sid=numbers[0]["sid"])
    )
    ours = _client_error(lambda: client.create_trunk_phone_number(trunk, numbers[0]["sid"]))
    assert (theirs.status, theirs.code) == (ours.status, ours.code) == (400, 20001)

    wrong_sdk = SdkClient(
        twilio_emulator.account_sid, "wrong-token", http_client=EmulatorHttpClient(twilio_emulator.base_url)
    )
    wrong = TwilioClient(client_settings(twilio_emulator, **{"twilio:authToken": "wrong-token"}))
    try:
        theirs = _sdk_error(wrong_sdk.trunking.v1.trunks(trunk).fetch)
        ours = _client_error(lambda: wrong.fetch_trunk(trunk))
    finally:
        wrong.close()
    assert (theirs.status, theirs.code) == (ours.status, ours.code) == (401, 20003)
    assert theirs.msg == f"Unable to fetch record: {ours.message}"
