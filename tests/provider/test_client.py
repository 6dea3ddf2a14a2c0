"""The Twilio client against the emulator: each operation, paging, errors, retries."""

from __future__ import annotations

import pytest

from pulumi_twilio_trunking.config import resolve_config
from pulumi_twilio_trunking.testing import TwilioEmulator
from pulumi_twilio_trunking.twilio.client import TwilioClient
from pulumi_twilio_trunking.twilio.errors import TwilioApiError
from tests.provider.conftest import TOKEN, Seeded, binding_sids, stack_config
from twilio_trunking_emulator import EmulatorControl
from twilio_trunking_emulator.control import FaultRuleSpec


def test_bind_fetch_list_and_unbind(client: TwilioClient, seeded: Seeded) -> None:
    sid = seeded.numbers["+14155550101"]
    created = client.create_trunk_phone_number(seeded.trunk, sid)
    assert (created.sid, created.trunk_sid, created.phone_number) == (sid, seeded.trunk, "+14155550101")
    assert created.friendly_name == "one"
    assert created.url and created.url.startswith(client.endpoints.trunking)
    assert client.fetch_trunk_phone_number(seeded.trunk, sid) == created
    assert [b.sid for b in client.list_trunk_phone_numbers(seeded.trunk)] == [sid]
    incoming = client.fetch_incoming_phone_number(sid)
    assert incoming is not None and incoming.trunk_sid == seeded.trunk
    assert client.delete_trunk_phone_number(seeded.trunk, sid) is True
    assert client.delete_trunk_phone_number(seeded.trunk, sid) is False
    assert client.fetch_trunk_phone_number(seeded.trunk, sid) is None
    incoming = client.fetch_incoming_phone_number(sid)
    assert incoming is not None and incoming.trunk_sid is None


def test_listing_follows_every_page(client: TwilioClient, control: EmulatorControl, seeded: Seeded) -> None:
    for sid in seeded.numbers.values():
        client.create_trunk_phone_number(seeded.trunk, sid)
    control.clear_requests()
    listed = binding_sids(client.list_trunk_phone_numbers(seeded.trunk, page_size=1))
    assert sorted(listed) == sorted(seeded.numbers.values())
    assert control.requests()["total"] == len(seeded.numbers)


def test_find_by_number_needs_an_exact_match(client: TwilioClient, seeded: Seeded) -> None:
    found = client.find_incoming_phone_number("+14155550102")
    assert found is not None and found.sid == seeded.numbers["+14155550102"]
    prefix = client.find_incoming_phone_number("+141555501")
    assert prefix is not None and prefix.phone_number == "+141555501"
    assert client.find_incoming_phone_number("+1415555") is None


def test_listing_all_account_numbers(client: TwilioClient, seeded: Seeded) -> None:
    assert {n.sid for n in client.list_incoming_phone_numbers(page_size=2)} == set(seeded.numbers.values())


def test_missing_trunk_is_a_typed_404(client: TwilioClient, seeded: Seeded) -> None:
    with pytest.raises(TwilioApiError) as caught:
        client.fetch_trunk("TK" + "0" * 32)
    assert (caught.value.status, caught.value.code) == (404, 20404)
    assert client.fetch_trunk(seeded.trunk).sid == seeded.trunk


def test_wrong_token_is_20003_and_never_echoed(twilio_emulator: TwilioEmulator, seeded: Seeded) -> None:
    config = stack_config(twilio_emulator, **{"twilio:authToken": "wrong-token-abc"})
    client = TwilioClient(resolve_config(config.get, {}).client_settings())
    with pytest.raises(TwilioApiError) as caught:
        client.fetch_trunk(seeded.trunk)
    assert (caught.value.status, caught.value.code) == (401, 20003)
    assert "wrong-token-abc" not in str(caught.value)
    assert TOKEN not in repr(client)


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "status", "status": 429, "rate": 0.5},
        {"kind": "status", "status": 429, "retry_after": 0, "rate": 0.5},
        {"kind": "status", "status": 500, "rate": 0.3},
        {"kind": "status", "status": 503, "rate": 0.3},
        {"kind": "drop", "rate": 0.3},
        {"kind": "drop_after", "rate": 0.3},
        {"kind": "latency", "latency_ms": 30, "rate": 0.3},
    ],
)
def test_reads_survive_injected_faults(
    client: TwilioClient, control: EmulatorControl, seeded: Seeded, fault: FaultRuleSpec
) -> None:
    client.create_trunk_phone_number(seeded.trunk, seeded.numbers["+14155550101"])
    control.set_faults([fault], seed=7)
    for _ in range(10):
        assert client.fetch_trunk_phone_number(seeded.trunk, seeded.numbers["+14155550101"]) is not None
        assert len(list(client.list_trunk_phone_numbers(seeded.trunk, page_size=1))) == 1
    assert control.requests()["total"] >= 20
