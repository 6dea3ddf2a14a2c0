"""``make sweep-live``: delete the trunks an interrupted live run left, and restore the number.

A trunk is the suite's if its friendly name starts with ``PREFIX``; nothing else is touched (the guard
proxy refuses it). The given number (``TWILIO_TEST_PHONE_NUMBER_SID``, optional here) is unbound from
those trunks first, then its recorded voice configuration, if a record was left, is put back. The
suite's own teardown is the same sweep, limited to the trunks that run created.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from pulumi_twilio_trunking.twilio.endpoints import resolve_endpoints
from tests.live.guard import PREFIX, Guard, GuardProxy, Upstream
from tests.live.number_config import restore
from tests.live.settings import LiveSettings, from_environment
from tests.live.twilio_api import SuiteApi

RECORD_DIR = Path.home() / ".cache" / "pulumi-twilio-trunking" / "live"


def sweep(api: SuiteApi, guard: Guard, trunk_sids: Iterable[str], record_dir: Path) -> list[str]:
    """Unbind the number from each of ``trunk_sids`` (owned by ``guard``), delete them, restore the
    number; one line per thing done."""
    done: list[str] = []
    number = guard.number_sid
    for trunk in trunk_sids:
        if number and api.binding(trunk, number) is not None:
            response = api.unbind(trunk, number)
            assert response.status_code in (204, 404), response.text
            done.append(f"unbound {number} from trunk {trunk}")
        api.delete_trunk(trunk)
        guard.disown(trunk)
        done.append(f"deleted trunk {trunk}")
    if number:
        fields = restore(api, number, record_dir)
        if fields:
            done.append(f"restored {number}'s {', '.join(fields)}")
    return done


def upstream_for(settings: LiveSettings) -> Upstream:
    if settings.base_url:
        return Upstream(settings.base_url.rstrip("/"), settings.base_url.rstrip("/"))
    endpoints = resolve_endpoints(region=settings.region, edge=settings.edge)
    return Upstream(endpoints.trunking, endpoints.api)


def main() -> int:
    try:
        settings = from_environment(os.environ, need_number=False)
    except LookupError as exc:
        print(exc, file=sys.stderr)
        return 2
    guard = Guard(settings.number_sid)
    with GuardProxy(guard, upstream_for(settings)) as proxy:
        api = SuiteApi(proxy.url, settings.account_sid, settings.auth)
        try:
            leftovers = [t for t in api.trunks() if (t.get("friendly_name") or "").startswith(PREFIX)]
            for trunk in leftovers:
                guard.own_swept_trunk(trunk["sid"], trunk.get("friendly_name"))
            lines = sweep(api, guard, [t["sid"] for t in leftovers], RECORD_DIR)
        finally:
            api.close()
    for line in lines or [f"nothing to sweep: no trunk named {PREFIX}…, no recorded number configuration"]:
        print(f"sweep-live: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
