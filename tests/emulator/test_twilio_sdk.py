"""The official twilio-python SDK works against the emulator (hosts rewritten)."""

from __future__ import annotations

from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from twilio_trunking_emulator import EmulatorControl, EmulatorServer

TWILIO_HOSTS = ("https://trunking.twilio.com", "https://api.twilio.com")


class EmulatorHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio has no types: its base is Any
    """Sends every Twilio request to the emulator instead."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        for host in TWILIO_HOSTS:
            if url.startswith(host):
                url = self.base_url + url[len(host) :]
        return super().request(method, url, *args, **kwargs)


@pytest.fixture
def sdk(emulator_server: EmulatorServer) -> Client:
    username, password = emulator_server.auth
    return Client(username, password, http_client=EmulatorHttpClient(emulator_server.base_url))


def test_sdk_binding_lifecycle(sdk: Client, control: EmulatorControl) -> None:
    trunk = sdk.trunking.v1.trunks.create(friendly_name="sdk trunk")
    pns = [sdk.incoming_phone_numbers.create(phone_number=f"+1415555{i:04d}").sid for i in range(5)]
    bound = sdk.trunking.v1.trunks(trunk.sid).phone_numbers.create(phone_number_sid=pns[0])
    assert bound.trunk_sid == trunk.sid
    assert bound.capabilities == {"mms": True, "sms": True, "voice": True, "fax": False}
    for pn in pns[1:]:
        sdk.trunking.v1.trunks(trunk.sid).phone_numbers.create(phone_number_sid=pn)

    # list() follows the absolute next_page_url across three pages.
    listed = sdk.trunking.v1.trunks(trunk.sid).phone_numbers.list(page_size=2)
    assert sorted(n.sid for n in listed) == sorted(pns)
    assert control.requests()["counts"]["GET /v1/Trunks/{TrunkSid}/PhoneNumbers"] == 3

    fetched = sdk.trunking.v1.trunks(trunk.sid).phone_numbers(pns[0]).fetch()
    assert fetched.phone_number == "+14155550000"

    found = sdk.incoming_phone_numbers.list(phone_number="+14155550000")
    assert [n.trunk_sid for n in found] == [trunk.sid]

    assert sdk.trunking.v1.trunks(trunk.sid).phone_numbers(pns[0]).delete() is True
    assert sdk.incoming_phone_numbers(pns[0]).fetch().trunk_sid is None

    with pytest.raises(TwilioRestException) as excinfo:
        sdk.trunking.v1.trunks(trunk.sid).phone_numbers(pns[0]).fetch()
    assert (excinfo.value.status, excinfo.value.code) == (404, 20404)

    with pytest.raises(TwilioRestException) as excinfo:
        sdk.trunking.v1.trunks(trunk.sid).phone_numbers.create(phone_number_sid=pns[1])
    assert excinfo.value.code == 20001
    assert "already associated" in excinfo.value.msg


def test_sdk_sees_injected_429(sdk: Client, control: EmulatorControl) -> None:
    control.set_faults([{"kind": "status", "status": 429, "count": 1}])
    with pytest.raises(TwilioRestException) as excinfo:
        sdk.trunking.v1.trunks.create(friendly_name="throttled")
    assert (excinfo.value.status, excinfo.value.code) == (429, 20429)
    assert sdk.trunking.v1.trunks.list() == []  # the throttled request was not processed
