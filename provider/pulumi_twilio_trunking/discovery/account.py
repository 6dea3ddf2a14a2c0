"""Read the bindings of a Twilio account: every trunk's PhoneNumbers list (one request a page)."""

from __future__ import annotations

from collections.abc import Sequence

from ..twilio.client import TwilioClient
from .model import DiscoveredBinding


def discover_account(client: TwilioClient, trunk_sids: Sequence[str] = ()) -> list[DiscoveredBinding]:
    """Every binding of the named trunks, or of every trunk of the account when none are named.

    Costs one list request per page of trunks (only when none are named) plus one per page of
    each trunk's numbers (1,000 a page). A named trunk that does not exist fails with Twilio's 404.
    """
    trunks = list(dict.fromkeys(trunk_sids)) or sorted(t.sid for t in client.list_trunks())
    found: list[DiscoveredBinding] = []
    for trunk_sid in trunks:
        for item in client.list_trunk_phone_numbers(trunk_sid):
            if item.sid:
                found.append(DiscoveredBinding(trunk_sid, item.sid, item.phone_number))
    return sorted(found)
