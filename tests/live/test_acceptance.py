"""Acceptance tests: the provider's resources through the real Pulumi CLI, against Twilio or the emulator.

Shaped like the Terraform providers' acceptance suites: the suite creates its own trunks (friendly
name ``pulumi-twilio-trunking-acc-…``), uses one number the account already owns, runs serially, checks
the API itself after each step (``live.api``, through the guard) and after destroy, and has an import
step. Each test's docstring names what it confirms: a behaviour the provider relies on, or an
*assumption* of docs/fidelity.md, whose observed answer it records (``live.observe``; printed as a
``LIVE {...}`` line at the end of the run).

Every Pulumi-driven test runs once per front door (``front_door`` fixture, tests/live/front_doors.py).
"""

from __future__ import annotations

import secrets
import threading
from typing import Any

import httpx
import pytest

from pulumi_twilio_trunking.properties import binding_id
from pulumi_twilio_trunking.twilio.client import TwilioClient
from pulumi_twilio_trunking.twilio.secret import Secret
from pulumi_twilio_trunking.twilio.settings import ClientSettings, RetryPolicy
from tests.live.conftest import Binding, Exclusive, LiveTarget, StackFactory, one_line

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("number_starts_and_ends_unbound")]


def _twilio_error(response: httpx.Response) -> str:
    """``<status>/<code>`` of a Twilio error answer (``<status>/-`` when the body is not Twilio's shape)."""
    try:
        code = response.json().get("code")
    except ValueError:
        code = None
    return f"{response.status_code}/{code if isinstance(code, int) else '-'}"


def _writes(live: LiveTarget) -> list[str]:
    return [f"{e.method} {e.path}" for e in live.proxy.exchanges() if e.method != "GET"]


def test_bind_by_sid_refresh_and_destroy(live: LiveTarget, make_stack: StackFactory) -> None:
    """Confirms: ``POST /v1/Trunks/{TK}/PhoneNumbers`` binds an owned number and answers with the
    trunk's PhoneNumber resource; ``GET`` reads the binding back (refresh finds no drift); ``DELETE``
    unbinds it, after which ``GET`` answers 404 and the number is on no trunk (checked on the API
    directly after destroy)."""
    trunk, _ = live.trunks
    stack = make_stack()
    stack.declare(Binding("line", trunk, sid=live.number_sid))
    stack.up()
    (line,) = stack.resources().values()
    assert line == {
        "id": stack.front_door.binding_id(trunk, live.number_sid),
        "phone_number_sid": live.number_sid,
        "trunk_sid": trunk,
        "ownership": "created",
    }
    binding = live.api.binding(trunk, live.number_sid)
    assert binding is not None and binding["phone_number"] == live.phone_number
    assert live.bound_to() == trunk

    stack.run("refresh", "--yes", "--skip-preview", "--expect-no-changes")
    stack.run("preview", "--expect-no-changes")

    stack.run("destroy", "--yes", "--skip-preview")
    assert live.api.binding(trunk, live.number_sid) is None
    assert live.bound_to() is None
    assert stack.binding_ids() == {}


def test_bind_by_e164(live: LiveTarget, make_stack: StackFactory) -> None:
    """Confirms: ``GET …/IncomingPhoneNumbers.json?PhoneNumber=<E.164>`` finds the account's number
    (the provider takes the exact match among what the filter returns), so a binding declared by
    E.164 is the same binding as by SID."""
    trunk, _ = live.trunks
    stack = make_stack()
    stack.declare(Binding("line", trunk, e164=live.phone_number))
    stack.up()
    assert stack.binding_ids() == {"line": stack.front_door.binding_id(trunk, live.number_sid)}
    assert live.bound_to() == trunk
    stack.run("preview", "--refresh", "--expect-no-changes")
    stack.run("destroy", "--yes", "--skip-preview")
    assert live.bound_to() is None


def test_unbind_out_of_band_is_seen_as_gone(live: LiveTarget, make_stack: StackFactory) -> None:
    """Confirms: once a binding is removed outside Pulumi, ``GET`` of it answers 404, so ``refresh``
    drops it from the state and the next ``up`` binds the number again."""
    trunk, _ = live.trunks
    stack = make_stack()
    stack.declare(Binding("line", trunk, sid=live.number_sid))
    stack.up()
    assert live.api.unbind(trunk, live.number_sid).status_code == 204

    drift = stack.run("preview", "--refresh", "--expect-no-changes", check=False)
    assert drift.returncode != 0, drift.stdout
    stack.run("refresh", "--yes", "--skip-preview")
    assert stack.binding_ids() == {}
    stack.up()
    assert live.bound_to() == trunk
    stack.run("destroy", "--yes", "--skip-preview")


def test_move_between_two_trunks(live: LiveTarget, make_stack: StackFactory) -> None:
    """Confirms: a number is on one trunk at most; a changed ``trunk_sid`` moves it (unbind from the
    old trunk, bind to the new one) and it ends on the new trunk only. The engine's step is the front
    door's: a replacement (dynamic) or an in-place update (plugin)."""
    first, second = live.trunks
    stack = make_stack()
    stack.declare(Binding("line", first, sid=live.number_sid))
    stack.up()
    stack.declare(Binding("line", second, sid=live.number_sid))
    moved = stack.up()
    assert stack.binding_steps(moved, "line") == stack.front_door.move_steps, moved.stdout
    assert f"from trunk {first} to {second}" in one_line(moved.stdout + moved.stderr), moved.stdout
    assert live.bound_to() == second
    assert live.api.binding(first, live.number_sid) is None
    assert live.number_sid in live.api.trunk_numbers(second)
    assert stack.binding_ids() == {"line": stack.front_door.binding_id(second, live.number_sid)}
    assert stack.resources()["line"]["ownership"] == "moved"
    stack.run("preview", "--refresh", "--expect-no-changes")
    stack.run("destroy", "--yes", "--skip-preview")
    assert live.bound_to() is None


def test_adopt_and_import_take_an_existing_binding_without_binding(
    live: LiveTarget, make_stack: StackFactory
) -> None:
    """Confirms: an existing binding is read back (``GET``) and taken over with no write: refused
    without an opt-in, adopted with ``adopt=True``, imported with ``import_`` (the import step: the
    provider's own for the dynamic resource, the engine's for the plugin)."""
    trunk, _ = live.trunks
    assert live.api.bind(trunk, live.number_sid).status_code == 201  # made outside Pulumi
    where = binding_id(trunk, live.number_sid)  # how the provider's lines name a binding
    stack = make_stack()
    door = stack.front_door

    stack.declare(Binding("line", trunk, sid=live.number_sid))
    refused = stack.up(check=False)
    assert refused.returncode != 0
    assert f"is already bound to trunk {trunk}, not by this resource" in one_line(
        refused.stdout + refused.stderr
    )

    live.proxy.clear_exchanges()
    stack.declare(Binding("line", trunk, sid=live.number_sid, adopt=True))
    adopted = stack.up()
    assert f"adopted existing binding {where}" in one_line(adopted.stdout + adopted.stderr)
    assert stack.resources()["line"]["ownership"] == "adopted"
    assert _writes(live) == []

    # Hand it to a resource declared with import_ (state delete unbinds nothing), as after a rename.
    stack.run("state", "delete", f"urn:pulumi:acc::acc::{door.binding_type}::line", "--yes")
    assert live.bound_to() == trunk
    live.proxy.clear_exchanges()
    import_id = door.binding_id(trunk, live.number_sid)
    stack.declare(Binding("imported", trunk, sid=live.number_sid, import_id=import_id))
    imported = stack.up()
    assert stack.binding_steps(imported, "imported") == door.import_steps, imported.stdout
    reported = f"imported existing binding {import_id}" in one_line(imported.stdout + imported.stderr)
    assert reported == door.reports_import, imported.stdout
    assert stack.resources()["imported"]["ownership"] == door.imported_ownership
    assert stack.binding_ids() == {"imported": import_id}
    assert _writes(live) == []
    stack.run("preview", "--refresh", "--expect-no-changes")

    stack.run("destroy", "--yes", "--skip-preview")
    assert live.api.binding(trunk, live.number_sid) is None


def test_exclusive_trunk_records_a_stray_then_unbinds_it(live: LiveTarget, make_stack: StackFactory) -> None:
    """Confirms: a trunk's ``PhoneNumbers`` list shows a number bound out of band, so the stray is
    found and recorded (left bound, printed), and the next ``up`` unbinds exactly it with ``DELETE``."""
    _, trunk = live.trunks
    stack = make_stack()
    stack.declare(Exclusive("exact", trunk))
    stack.up()
    assert live.api.bind(trunk, live.number_sid).status_code == 201  # a stray

    recorded = stack.up("--refresh")
    assert "recorded as strays and left bound" in one_line(recorded.stdout + recorded.stderr), recorded.stdout
    assert stack.resources()["exact"]["stray_phone_number_sids"] == [live.number_sid]
    assert live.bound_to() == trunk

    unbound = stack.up()
    assert f"({live.number_sid}) from trunk {trunk}" in one_line(unbound.stdout + unbound.stderr), (
        unbound.stdout
    )
    assert stack.resources()["exact"]["unbound_phone_number_sids"] == [live.number_sid]
    assert live.bound_to() is None
    stack.run("preview", "--refresh", "--expect-no-changes")
    stack.run("destroy", "--yes", "--skip-preview")


def test_binding_a_number_already_on_another_trunk_is_refused(
    live: LiveTarget, make_stack: StackFactory
) -> None:
    """Confirms the assumption "POST of a number already on a trunk: 400, code 20001" (fidelity.md):
    Twilio answers an error and leaves the number where it is (it does not move it), and the provider
    refuses the binding naming the other trunk."""
    first, second = live.trunks
    assert live.api.bind(first, live.number_sid).status_code == 201
    answer = live.api.bind(second, live.number_sid)
    live.observe("bind a number already on another trunk", "400/20001", _twilio_error(answer))
    assert 400 <= answer.status_code < 500, f"Twilio moved the number silently: {answer.text}"
    assert live.bound_to() == first

    stack = make_stack()
    stack.declare(Binding("line", second, sid=live.number_sid))
    refused = stack.up(check=False)
    assert refused.returncode != 0
    assert f"is bound to another trunk, {first}" in one_line(refused.stdout + refused.stderr), refused.stdout
    assert live.bound_to() == first


def test_an_unknown_trunk_is_refused(live: LiveTarget, make_stack: StackFactory) -> None:
    """Confirms the assumption "a malformed or unknown trunk: 404/20404": binding to a trunk SID no
    account has answers 404 with code 20404, and the provider says the trunk does not exist."""
    unknown = "TK" + secrets.token_hex(16)
    live.proxy.allow_absent_trunk(unknown, live.settings.auth)
    answer = live.api.bind(unknown, live.number_sid)
    live.observe("bind to an unknown trunk", "404/20404", _twilio_error(answer))
    assert answer.status_code == 404

    stack = make_stack()
    stack.declare(Binding("line", unknown, sid=live.number_sid))
    refused = stack.up(check=False)
    assert refused.returncode != 0
    assert f"trunk {unknown} does not exist in account {live.settings.account_sid}" in one_line(
        refused.stdout + refused.stderr
    ), refused.stdout
    assert live.bound_to() is None


def test_an_unknown_phone_number_is_refused(live: LiveTarget) -> None:
    """Confirms the assumption "POST with an unknown PN: 404/20404 (presumed)"."""
    trunk, _ = live.trunks
    unknown = "PN" + secrets.token_hex(16)
    live.proxy.allow_absent_number(live.settings.account_sid, unknown, live.settings.auth)
    answer = live.api.bind(trunk, unknown)
    live.observe("bind an unknown phone number", "404/20404", _twilio_error(answer))
    assert 400 <= answer.status_code < 500
    assert live.api.trunk_numbers(trunk) == []


def test_a_wrong_token_is_refused(live: LiveTarget, make_stack: StackFactory) -> None:
    """Confirms the documented "wrong credentials: 401/20003 with WWW-Authenticate: Basic": the
    provider stops at the first 401 (no retry) with one line naming where the credentials came from."""
    wrong = httpx.get(
        f"{live.proxy.url}/v1/Trunks",
        auth=(live.settings.username, "not-the-token-" + secrets.token_hex(8)),
        timeout=30,
    )
    live.observe("wrong credentials", "401/20003", _twilio_error(wrong))
    assert wrong.status_code == 401
    assert wrong.headers.get("www-authenticate", "").lower().startswith("basic")

    trunk, _ = live.trunks
    stack = make_stack()
    stack.declare(Binding("line", trunk, sid=live.number_sid))
    secret_var = (
        "TWILIO_AUTH_TOKEN" if live.settings.username == live.settings.account_sid else "TWILIO_API_SECRET"
    )
    live.proxy.clear_exchanges()
    refused = stack.up(check=False, env={secret_var: "not-the-token"})
    assert refused.returncode != 0
    text = one_line(refused.stdout + refused.stderr)
    assert "Twilio refused the credentials (HTTP 401" in text, text
    assert f"environment variable {secret_var}" in text
    assert [e.status for e in live.proxy.exchanges()] == [401], "retried a 401"
    assert live.bound_to() is None


def test_deleting_a_trunk_leaves_its_number_in_the_account_unbound(live: LiveTarget) -> None:
    """Confirms the assumption "deleting a trunk: its numbers stay in the account, unbound" (the
    sweeper unbinds first all the same)."""
    trunk = live.new_trunk("deleted")
    assert live.api.bind(trunk, live.number_sid).status_code == 201
    live.api.delete_trunk(trunk)
    live.guard.disown(trunk)
    number = live.api.number(live.number_sid)
    live.observe("delete a trunk holding a number", "number kept, unbound", _kept(number))
    assert number["sid"] == live.number_sid
    assert live.bound_to() is None


def _kept(number: dict[str, Any]) -> str:
    return "number kept, unbound" if not number.get("trunk_sid") else f"number kept, on {number['trunk_sid']}"


BURST_THREADS = 4
BURST_REQUESTS = 24  # well within Twilio's per-account concurrency limit (a 429 past it)


def test_a_burst_of_reads_within_the_limits_completes(live: LiveTarget) -> None:
    """Confirms: a burst of reads (24 GETs, 4 at a time) stays within Twilio's limits, and any 429
    Twilio sends is retried by the provider's client (honouring Retry-After) until every read
    succeeds. Against the emulator, its concurrency limit is lowered to 2 so that the retries run."""
    trunk, _ = live.trunks
    if live.emulator is not None:  # 2 in flight at most, each held 50 ms: the burst meets 429s
        live.emulator.update_settings(max_concurrency=2)
        live.emulator.set_latency(50)
    client = TwilioClient(
        ClientSettings(
            account_sid=live.settings.account_sid,
            username=live.settings.username,
            password=Secret(live.settings.password),
            api_base_url=live.proxy.url,
            retry=RetryPolicy(max_attempts=8, max_seconds=60),
        )
    )
    live.proxy.clear_exchanges()
    failures: list[BaseException] = []

    def reads(count: int) -> None:
        try:
            for _ in range(count):
                client.fetch_trunk(trunk)
        except BaseException as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=reads, args=(BURST_REQUESTS // BURST_THREADS,)) for _ in range(BURST_THREADS)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        client.close()
        if live.emulator is not None:
            live.emulator.update_settings(max_concurrency=0)
            live.emulator.set_latency(0)
    assert failures == []
    statuses = [e.status for e in live.proxy.exchanges()]
    assert statuses.count(200) == BURST_REQUESTS
    assert set(statuses) <= {200, 429}
    live.observe(
        "a burst of 24 reads, 4 at a time",
        "all succeed",
        "all succeed",
        f"{statuses.count(429)} answered 429",
    )
    if live.emulator is not None:
        assert 429 in statuses, "the emulator's limit did not throttle: the retry path was not exercised"
