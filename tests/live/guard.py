"""The live suite's guard: nothing it runs writes to a trunk it did not create or a number it was not given.

Every Twilio request of the suite goes through :class:`GuardProxy`, a forwarding HTTP proxy on
127.0.0.1: the Pulumi programs' providers (``TWILIO_API_BASE_URL`` points at it), the suite's own
set-up and checks (:mod:`tests.live.twilio_api`) and the sweeper. Reads pass; a write passes only if
:meth:`Guard.check` allows it, else the proxy answers 403 in Twilio's error shape, sends nothing on,
and records the refusal (the suite fails a test that left one it did not expect).

Writes allowed:

* ``POST /v1/Trunks`` with a ``FriendlyName`` that starts with ``PREFIX``; the new trunk's SID is
  learnt from the answer and is *owned* from then on;
* ``POST`` / ``DELETE /v1/Trunks/{TK}`` of an owned trunk;
* ``POST /v1/Trunks/{TK}/PhoneNumbers`` (bind) of the given number to an owned trunk, and
  ``DELETE /v1/Trunks/{TK}/PhoneNumbers/{PN}`` (unbind) of the given number from an owned trunk;
* ``POST /2010-04-01/Accounts/{AC}/IncomingPhoneNumbers/{PN}.json`` (update) of the given number,
  whose ``TrunkSid``, if set, names an owned trunk.

The assumption tests also send writes that must fail; those name a trunk or number that the proxy
has itself found absent (a GET answered 404) just before: :meth:`GuardProxy.allow_absent_trunk`,
:meth:`GuardProxy.allow_absent_number`. The sweeper owns a trunk only if its friendly name carries the
prefix (:meth:`Guard.own_swept_trunk`). Buying (``POST …/IncomingPhoneNumbers.json``), releasing
(``DELETE …/IncomingPhoneNumbers/{PN}.json``) and anything else are always refused.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

import httpx

PREFIX: Final = "pulumi-twilio-trunking-acc-"
GUARD_ERROR_CODE: Final = 20403  # Twilio's "Forbidden" code; the message says it is the guard's

_TRUNKS = re.compile(r"/v1/Trunks")
_TRUNK = re.compile(r"/v1/Trunks/(?P<trunk>TK[0-9a-fA-F]{32})")
_BINDINGS = re.compile(r"/v1/Trunks/(?P<trunk>TK[0-9a-fA-F]{32})/PhoneNumbers")
_BINDING = re.compile(r"/v1/Trunks/(?P<trunk>TK[0-9a-fA-F]{32})/PhoneNumbers/(?P<number>PN[0-9a-fA-F]{32})")
_NUMBERS = re.compile(r"/2010-04-01/Accounts/AC[0-9a-fA-F]{32}/IncomingPhoneNumbers\.json")
_NUMBER = re.compile(
    r"/2010-04-01/Accounts/AC[0-9a-fA-F]{32}/IncomingPhoneNumbers/(?P<number>PN[0-9a-fA-F]{32})\.json"
)


@dataclass(frozen=True)
class Refusal:
    method: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.reason}"


class Guard:
    """Which writes the suite may send (see the module docstring). Thread-safe."""

    def __init__(self, number_sid: str, prefix: str = PREFIX) -> None:
        self.number_sid = number_sid
        self.prefix = prefix
        self._owned: set[str] = set()
        self._absent_trunks: set[str] = set()
        self._absent_numbers: set[str] = set()
        self._refusals: list[Refusal] = []
        self._lock = threading.Lock()

    # --- what is owned -----------------------------------------------------------------------------

    def owns(self, trunk_sid: str) -> bool:
        with self._lock:
            return trunk_sid in self._owned

    def owned_trunks(self) -> set[str]:
        with self._lock:
            return set(self._owned)

    def own_swept_trunk(self, trunk_sid: str, friendly_name: str | None) -> None:
        """The sweeper's claim on a trunk an earlier run created: only with the prefix in its name."""
        if not (friendly_name or "").startswith(self.prefix):
            raise PermissionError(f"trunk {trunk_sid} ({friendly_name!r}) was not created by the live suite")
        with self._lock:
            self._owned.add(trunk_sid)

    def disown(self, trunk_sid: str) -> None:
        with self._lock:
            self._owned.discard(trunk_sid)

    def mark_absent_trunk(self, trunk_sid: str) -> None:
        with self._lock:
            self._absent_trunks.add(trunk_sid)

    def mark_absent_number(self, number_sid: str) -> None:
        with self._lock:
            self._absent_numbers.add(number_sid)

    # --- the rule ----------------------------------------------------------------------------------

    def may_bind(self, trunk_sid: str, number_sid: str) -> str | None:
        """None if binding ``number_sid`` to ``trunk_sid`` (or unbinding it) is the suite's to do, else
        the reason it is not."""
        with self._lock:
            trunk_ok = trunk_sid in self._owned or trunk_sid in self._absent_trunks
            number_ok = number_sid == self.number_sid or number_sid in self._absent_numbers
        if not trunk_ok:
            return f"trunk {trunk_sid} was not created by this run of the live suite"
        if not number_ok:
            return f"phone number {number_sid} is not TWILIO_TEST_PHONE_NUMBER_SID ({self.number_sid})"
        return None

    def check(self, method: str, path: str, form: Mapping[str, str]) -> str | None:
        """None if the request may be sent, else the reason it may not (reads always may)."""
        if method == "GET":
            return None
        if method == "POST" and _TRUNKS.fullmatch(path):
            name = form.get("FriendlyName", "")
            return (
                None
                if name.startswith(self.prefix)
                else f"a new trunk's FriendlyName must start with {self.prefix}"
            )
        if method in ("POST", "DELETE") and (match := _TRUNK.fullmatch(path)):
            return (
                None if self.owns(match["trunk"]) else f"trunk {match['trunk']} was not created by the suite"
            )
        if method == "POST" and (match := _BINDINGS.fullmatch(path)):
            return self.may_bind(match["trunk"], form.get("PhoneNumberSid", ""))
        if method == "DELETE" and (match := _BINDING.fullmatch(path)):
            return self.may_bind(match["trunk"], match["number"])
        if method == "POST" and (match := _NUMBER.fullmatch(path)):
            if match["number"] != self.number_sid:
                return (
                    f"phone number {match['number']} is not TWILIO_TEST_PHONE_NUMBER_SID ({self.number_sid})"
                )
            trunk = form.get("TrunkSid", "")
            return None if not trunk or self.owns(trunk) else f"TrunkSid {trunk} was not created by the suite"
        if method == "POST" and _NUMBERS.fullmatch(path):
            return "the live suite never buys a phone number"
        if method == "DELETE" and _NUMBER.fullmatch(path):
            return "the live suite never releases a phone number"
        return f"{method} {path} is not a write the live suite makes"

    def learn(self, method: str, path: str, status: int, body: Any) -> None:
        """After a request was sent: a trunk the suite created is owned from now on."""
        if method == "POST" and status == 201 and _TRUNKS.fullmatch(path) and isinstance(body, dict):
            sid, name = body.get("sid"), body.get("friendly_name")
            if isinstance(sid, str) and isinstance(name, str) and name.startswith(self.prefix):
                with self._lock:
                    self._owned.add(sid)

    # --- refusals ----------------------------------------------------------------------------------

    def refuse(self, refusal: Refusal) -> None:
        with self._lock:
            self._refusals.append(refusal)

    def take_refusals(self) -> list[Refusal]:
        """The refusals so far, forgotten once taken (a test that expects some takes them)."""
        with self._lock:
            taken, self._refusals = self._refusals, []
        return taken


@dataclass(frozen=True)
class Upstream:
    """Where each API is: Twilio's hosts, or one base URL for both (the emulator)."""

    trunking: str
    api: str

    def for_path(self, path: str) -> str:
        return self.trunking if path.startswith("/v1/") else self.api


@dataclass(frozen=True)
class Exchange:
    """One request the proxy handled (no headers, no body: credentials never reach the log)."""

    method: str
    path: str
    status: int


class GuardProxy:
    """A forwarding proxy on 127.0.0.1 that sends on only what the guard allows. Use as a context manager."""

    def __init__(self, guard: Guard, upstream: Upstream, *, timeout: float = 30) -> None:
        self.guard = guard
        self.upstream = upstream
        self._http = httpx.Client(timeout=timeout, trust_env=False)
        self._log: list[Exchange] = []
        self._log_lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-guard", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> GuardProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()

    # --- the request log ---------------------------------------------------------------------------

    def exchanges(self) -> list[Exchange]:
        with self._log_lock:
            return list(self._log)

    def clear_exchanges(self) -> None:
        with self._log_lock:
            self._log.clear()

    # --- absent resources the assumption tests write to --------------------------------------------

    def allow_absent_trunk(self, trunk_sid: str, auth: tuple[str, str]) -> None:
        """Let writes name ``trunk_sid`` once Twilio says it does not exist (a GET answers 404)."""
        response = self._http.get(f"{self.upstream.trunking}/v1/Trunks/{trunk_sid}", auth=auth)
        assert response.status_code == 404, f"trunk {trunk_sid} exists ({response.status_code}): not ours"
        self.guard.mark_absent_trunk(trunk_sid)

    def allow_absent_number(self, account_sid: str, number_sid: str, auth: tuple[str, str]) -> None:
        path = f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/{number_sid}.json"
        response = self._http.get(f"{self.upstream.api}{path}", auth=auth)
        assert response.status_code == 404, f"number {number_sid} exists ({response.status_code}): not ours"
        self.guard.mark_absent_number(number_sid)

    # --- forwarding --------------------------------------------------------------------------------

    def forward(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> httpx.Response:
        path = urlsplit(target).path
        form = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
        reason = self.guard.check(method, path, form)
        if reason is not None:
            self.guard.refuse(Refusal(method, path, reason))
            response = _refusal_response(method, path, reason)
        else:
            response = self._http.request(
                method, self.upstream.for_path(path) + target, headers=dict(headers), content=body or None
            )
            try:
                parsed = response.json() if response.content else None
            except ValueError:
                parsed = None
            self.guard.learn(method, path, response.status_code, parsed)
        with self._log_lock:
            self._log.append(Exchange(method, path, response.status_code))
        return response


def _refusal_response(method: str, path: str, reason: str) -> httpx.Response:
    body = {
        "code": GUARD_ERROR_CODE,
        "message": f"refused by the live suite's guard, not sent to Twilio ({method} {path}): {reason}",
        "more_info": f"https://www.twilio.com/docs/errors/{GUARD_ERROR_CODE}",
        "status": 403,
    }
    return httpx.Response(403, json=body)


_FORWARDED_REQUEST_HEADERS = ("authorization", "content-type", "accept", "user-agent")
_RETURNED_HEADERS = ("content-type", "retry-after", "www-authenticate")


def _handler(proxy: GuardProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items() if k.lower() in _FORWARDED_REQUEST_HEADERS}
            try:
                response = proxy.forward(self.command, self.path, headers, body)
                status, content = response.status_code, response.content
                returned = {k: v for k, v in response.headers.items() if k.lower() in _RETURNED_HEADERS}
            except httpx.HTTPError as exc:  # upstream unreachable: a 502 the client may retry
                status, content = 502, json.dumps({"message": f"guard proxy: {type(exc).__name__}"}).encode()
                returned = {"Content-Type": "application/json"}
            self.send_response(status)
            for key, value in returned.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        # Other methods get the base class's 501 and never reach Twilio.
        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the proxy's own log is ``exchanges()``

    return Handler
