"""Request contract: every request the project's client and provider put on the wire is an
operation of the official specs: method + path template, path parameter patterns, declared query
parameters, declared form fields with their constraints, form content type, Basic auth.

A recording httpx transport captures each request while the tests drive every client operation
and the provider's create/read/delete/move flows (including the failure paths) against the
emulator; each captured request, and the response it got, is then checked against the specs."""

from __future__ import annotations

import inspect
from collections import Counter
from typing import Any

import pytest

from pulumi_twilio_trunking.errors import BindingError, ProviderError
from pulumi_twilio_trunking.provider import TrunkPhoneNumberAssociationProvider
from pulumi_twilio_trunking.testing import TwilioEmulator
from pulumi_twilio_trunking.twilio.client import TwilioClient
from tests.contract.conftest import API_KEY, API_SECRET, RecordingTransport, client_settings, later
from tests.contract.openapi import check_request, find_operation, response_errors
from twilio_trunking_emulator import EmulatorControl

Provider = TrunkPhoneNumberAssociationProvider

CLIENT_OPERATIONS = {
    "list_trunks": "ListTrunk",
    "fetch_trunk": "FetchTrunk",
    "create_trunk_phone_number": "CreatePhoneNumber",
    "fetch_trunk_phone_number": "FetchPhoneNumber",
    "delete_trunk_phone_number": "DeletePhoneNumber",
    "list_trunk_phone_numbers": "ListPhoneNumber",
    "trunk_phone_number_pages": "ListPhoneNumber",
    "fetch_incoming_phone_number": "FetchIncomingPhoneNumber",
    "find_incoming_phone_number": "ListIncomingPhoneNumber",
    "list_incoming_phone_numbers": "ListIncomingPhoneNumber",
    "incoming_phone_number_pages": "ListIncomingPhoneNumber",
}
"""Every public API method of ``TwilioClient`` and the spec operation it must use."""


def _checked(recorder: RecordingTransport) -> Counter[str]:
    """Check every recorded request and response; count requests per operation id."""
    assert recorder.exchanges, "nothing was recorded"
    seen: Counter[str] = Counter()
    for exchange in recorder.exchanges:
        op = check_request(exchange.request)
        if exchange.status is not None:
            errors = response_errors(op, exchange.status, exchange.content_type, exchange.body)
            assert errors == [], f"{exchange.request} → {exchange.status}: {errors}"
        seen[op.operation_id] += 1
    return seen


def _seed(control: EmulatorControl, count: int = 5) -> tuple[str, str, list[dict[str, Any]]]:
    result = control.seed(
        {
            "trunks": [{"friendly_name": "main"}, {"friendly_name": "other"}],
            "phone_numbers": [
                {"phone_number": f"+1415555{i:04d}", "friendly_name": f"n{i}"} for i in range(count)
            ]
            + [{"phone_number": "+1415555", "friendly_name": "a prefix of every other number"}],
        }
    )
    return result["trunks"][0]["sid"], result["trunks"][1]["sid"], result["phone_numbers"]


def test_every_public_client_method_is_covered_here() -> None:
    public = {
        name
        for name, member in inspect.getmembers(TwilioClient, inspect.isfunction)
        if not name.startswith("_") and name != "close"
    }
    assert public == set(CLIENT_OPERATIONS), "a new client method needs a request-contract test"


def test_every_client_operation_sends_spec_conformant_requests(
    client: TwilioClient, control: EmulatorControl, recorder: RecordingTransport
) -> None:
    trunk, other, numbers = _seed(control)
    sids = [n["sid"] for n in numbers]
    missing_trunk, missing_number = "TK" + "9" * 32, "PN" + "9" * 32

    assert client.fetch_trunk(trunk).sid == trunk
    assert [t.sid for t in client.list_trunks(page_size=1)] == sorted([trunk, other])
    for sid in sids[:5]:
        assert client.create_trunk_phone_number(trunk, sid).trunk_sid == trunk
    assert [b.sid for b in client.list_trunk_phone_numbers(trunk, page_size=2)] == sorted(sids[:5])
    assert list(client.list_trunk_phone_numbers(other)) == []
    binding = client.fetch_trunk_phone_number(trunk, sids[0])
    assert binding is not None and binding.sid == sids[0]
    assert client.fetch_trunk_phone_number(other, sids[0]) is None
    assert client.delete_trunk_phone_number(trunk, sids[0]) is True
    assert client.delete_trunk_phone_number(trunk, sids[0]) is False
    assert client.fetch_trunk_phone_number(missing_trunk, missing_number) is None

    number = client.fetch_incoming_phone_number(sids[1])
    assert number is not None and number.trunk_sid == trunk
    assert client.fetch_incoming_phone_number(missing_number) is None
    found = client.find_incoming_phone_number("+1415555")  # Twilio's filter also matches the others
    assert found is not None and found.sid == sids[-1]
    assert client.find_incoming_phone_number("+14155550003") is not None
    assert client.find_incoming_phone_number("+19995550000") is None
    assert len(list(client.list_incoming_phone_numbers(page_size=2))) == len(sids)

    seen = _checked(recorder)
    assert set(seen) == set(CLIENT_OPERATIONS.values())
    assert seen["ListTrunk"] == 2  # two pages of one
    assert seen["ListPhoneNumber"] == 3 + 1  # three pages of two, one empty list
    assert seen["ListIncomingPhoneNumber"] >= 3 + 3  # lookups, then three pages of two


def test_api_key_credentials_still_address_the_account(
    twilio_emulator: TwilioEmulator, control: EmulatorControl, recorder: RecordingTransport
) -> None:
    _, _, numbers = _seed(control, count=1)
    settings = client_settings(twilio_emulator, **{"twilio:apiKey": API_KEY, "twilio:apiSecret": API_SECRET})
    client = TwilioClient(settings, transport=recorder)
    try:
        assert client.fetch_incoming_phone_number(numbers[0]["sid"]) is not None
    finally:
        client.close()
    _checked(recorder)
    request = recorder.exchanges[0].request
    assert f"/Accounts/{twilio_emulator.account_sid}/" in request.path


def _create(
    provider: Provider, olds: dict[str, Any] | None = None, **inputs: Any
) -> tuple[str, dict[str, Any]]:
    checked = provider.check(olds or {}, inputs)
    assert checked.failures == []
    result = provider.create(checked.inputs)
    assert result.outs is not None
    return result.id, result.outs


class TestProviderFlows:
    def test_create_read_delete(
        self, provider: Provider, control: EmulatorControl, recorder: RecordingTransport
    ) -> None:
        trunk, _, numbers = _seed(control)
        id_by_number, outs = _create(provider, trunk_sid=trunk, phone_number=numbers[0]["phone_number"])
        id_by_sid, outs_by_sid = _create(provider, trunk_sid=trunk, phone_number_sid=numbers[1]["sid"])
        assert provider.read(id_by_number, outs).id == id_by_number
        assert provider.read(f"{trunk}/{numbers[2]['sid']}", {}).id == ""  # not bound: gone
        removing = later(provider)  # a later command removes them
        removing.delete(id_by_number, outs)
        removing.delete(id_by_number, outs)  # already gone
        removing.delete(id_by_sid, outs_by_sid)
        seen = _checked(recorder)
        assert {"CreatePhoneNumber", "DeletePhoneNumber", "ListIncomingPhoneNumber"} <= set(seen)

    def test_adopt_and_refuse(
        self, provider: Provider, client: TwilioClient, control: EmulatorControl, recorder: RecordingTransport
    ) -> None:
        trunk, other, numbers = _seed(control)
        client.create_trunk_phone_number(trunk, numbers[0]["sid"])
        client.create_trunk_phone_number(other, numbers[1]["sid"])
        _create(provider, trunk_sid=trunk, phone_number_sid=numbers[0]["sid"], adopt=True)  # no POST
        with pytest.raises(BindingError, match="bound to another trunk"):
            _create(provider, trunk_sid=trunk, phone_number=numbers[1]["phone_number"])
        with pytest.raises(BindingError, match="is not an incoming phone number"):
            _create(provider, trunk_sid=trunk, phone_number="+14155559999")
        _checked(recorder)

    def test_move_and_failed_move(
        self, provider: Provider, control: EmulatorControl, recorder: RecordingTransport
    ) -> None:
        trunk, other, numbers = _seed(control)
        e164 = numbers[0]["phone_number"]
        old_id, old_outs = _create(provider, trunk_sid=trunk, phone_number=e164)
        olds = {"trunk_sid": trunk, "phone_number": e164}
        moving = later(provider)  # the trunk change comes in a later command
        _, new_outs = _create(moving, olds, trunk_sid=other, phone_number=e164)
        moving.delete(old_id, old_outs)
        assert new_outs["trunk_sid"] == other
        # A move whose POST fails is restored: the rollback requests must be conformant too.
        control.set_faults(
            [
                {
                    "kind": "status",
                    "status": 400,
                    "count": 1,
                    "method": "POST",
                    "path_regex": f"{trunk}/PhoneNumbers$",
                }
            ]
        )
        with pytest.raises(BindingError, match="restored"):
            _create(
                later(provider),
                {"trunk_sid": other, "phone_number": e164},
                trunk_sid=trunk,
                phone_number=e164,
            )
        with pytest.raises(BindingError, match="does not exist"):
            _create(
                later(provider),
                {"trunk_sid": other, "phone_number": e164},
                trunk_sid="TK" + "9" * 32,
                phone_number=e164,
            )
        seen = _checked(recorder)
        assert seen["FetchTrunk"] >= 2 and seen["DeletePhoneNumber"] >= 2

    def test_ambiguous_post_failures_are_settled_by_reading_back(
        self, provider: Provider, control: EmulatorControl, recorder: RecordingTransport
    ) -> None:
        trunk, _, numbers = _seed(control)
        control.set_faults([{"kind": "drop_after", "count": 1, "method": "POST"}])
        _, outs = _create(provider, trunk_sid=trunk, phone_number=numbers[0]["phone_number"])
        assert outs["trunk_sid"] == trunk
        # A 400 that did not bind: read back (binding, then number), then report the error.
        control.set_faults([{"kind": "status", "status": 400, "count": 1, "method": "POST"}])
        with pytest.raises(ProviderError, match="HTTP 400"):  # the provider's boundary: one line
            _create(provider, trunk_sid=trunk, phone_number=numbers[1]["phone_number"])
        seen = _checked(recorder)
        dropped = [e for e in recorder.exchanges if e.status is None]
        assert dropped and find_operation(dropped[0].request.method, dropped[0].request.path)[
            0
        ].operation_id == ("CreatePhoneNumber")
        assert seen["FetchPhoneNumber"] >= 2 and seen["FetchIncomingPhoneNumber"] >= 1
