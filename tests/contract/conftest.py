"""Fixtures for the contract tests: an emulator, wire recorders for httpx and the official SDK.

Every request the project's client, its provider or Twilio's own SDK sends goes through a
recorder, so a test can check each one (and its response) against the official specs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import requests
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response as SdkResponse
from twilio.rest import Client as SdkClient

from pulumi_twilio_trunking.bindings import BindingService
from pulumi_twilio_trunking.config import resolve_config
from pulumi_twilio_trunking.provider import TrunkPhoneNumberAssociationProvider
from pulumi_twilio_trunking.session import ProviderSession
from pulumi_twilio_trunking.testing import TwilioEmulator
from pulumi_twilio_trunking.twilio.client import TwilioClient
from pulumi_twilio_trunking.twilio.settings import ClientSettings
from tests.contract.openapi import RecordedRequest
from twilio_trunking_emulator import EmulatorControl, EmulatorOptions

AUTH_TOKEN = "contract-tests-token-7c4a"
API_KEY = "SK" + "7" * 32
API_SECRET = "contract-tests-api-secret"
TWILIO_HOSTS = ("https://trunking.twilio.com", "https://api.twilio.com")


@dataclass(frozen=True)
class Exchange:
    """One request on the wire and what came back (``None`` when the connection broke)."""

    request: RecordedRequest
    status: int | None
    content_type: str | None
    body: bytes


class RecordingTransport(httpx.BaseTransport):
    """An httpx transport that sends for real and remembers every exchange (thread-safe)."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self._lock = threading.Lock()
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        recorded = RecordedRequest.from_httpx(request)
        try:
            response = self._inner.handle_request(request)
            body = response.read()
        except httpx.TransportError:
            self._add(Exchange(recorded, None, None, b""))
            raise
        self._add(Exchange(recorded, response.status_code, response.headers.get("content-type"), body))
        return response

    def _add(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def close(self) -> None:
        self._inner.close()


class EmulatorHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio has no types: its base is Any
    """The official SDK's own HTTP client, with Twilio's hosts rewritten to the emulator.

    Every prepared request (as ``requests`` put it on the wire) is recorded.
    """

    def __init__(self, base_url: str) -> None:
        super().__init__(request_hooks={"response": [self._record]})
        self.base_url = base_url
        self.sent: list[RecordedRequest] = []
        self.responses: list[requests.Response] = []

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        self.sent.append(RecordedRequest.from_prepared(response.request))
        self.responses.append(response)
        return response

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> SdkResponse:
        for host in TWILIO_HOSTS:
            if url.startswith(host):
                url = self.base_url + url[len(host) :]
                break
        else:
            # Paging links are absolute and point back at whoever served the page: the emulator.
            if not url.startswith(self.base_url + "/"):
                raise AssertionError(f"the SDK called a host other than Twilio's or the emulator: {url}")
        return super().request(method, url, *args, **kwargs)


@pytest.fixture
def twilio_emulator_options() -> EmulatorOptions:
    return EmulatorOptions(auth_token=AUTH_TOKEN, api_key=API_KEY, api_secret=API_SECRET)


@pytest.fixture
def http(twilio_emulator: TwilioEmulator, control: EmulatorControl) -> Iterator[httpx.Client]:
    """A plain httpx client on the emulator with the account's Basic credentials."""
    with httpx.Client(
        base_url=twilio_emulator.base_url, auth=(twilio_emulator.account_sid, AUTH_TOKEN), timeout=10
    ) as c:
        yield c


def stack_config(emulator: TwilioEmulator, **extra: str) -> dict[str, str]:
    return emulator.stack_config(**{"twilio:maxRetrySeconds": "20", **extra})


def client_settings(emulator: TwilioEmulator, **extra: str) -> ClientSettings:
    return resolve_config(stack_config(emulator, **extra).get, {}).client_settings()


@pytest.fixture
def recorder() -> Iterator[RecordingTransport]:
    transport = RecordingTransport()
    yield transport
    transport.close()


@pytest.fixture
def client(
    twilio_emulator: TwilioEmulator, control: EmulatorControl, recorder: RecordingTransport
) -> Iterator[TwilioClient]:
    """The project's client, every request recorded."""
    twilio = TwilioClient(client_settings(twilio_emulator), transport=recorder)
    yield twilio
    twilio.close()


@pytest.fixture
def provider(
    twilio_emulator: TwilioEmulator,
    control: EmulatorControl,
    recorder: RecordingTransport,
) -> Iterator[TrunkPhoneNumberAssociationProvider]:
    """A provider whose client records every request (injected, as a test should)."""
    config = resolve_config(stack_config(twilio_emulator).get, {})
    twilio = TwilioClient(config.client_settings(), transport=recorder)
    yield TrunkPhoneNumberAssociationProvider(
        ProviderSession(service=BindingService(twilio, config.snapshot_ttl))
    )
    twilio.close()


@pytest.fixture
def sdk_http(twilio_emulator: TwilioEmulator) -> EmulatorHttpClient:
    return EmulatorHttpClient(twilio_emulator.base_url)


@pytest.fixture
def sdk(twilio_emulator: TwilioEmulator, control: EmulatorControl, sdk_http: EmulatorHttpClient) -> SdkClient:
    """Twilio's official Python SDK, talking to the emulator."""
    return SdkClient(twilio_emulator.account_sid, AUTH_TOKEN, http_client=sdk_http)


def later(provider: TrunkPhoneNumberAssociationProvider) -> TrunkPhoneNumberAssociationProvider:
    """The provider of a later command: its own update memory, the same (recorded) client."""
    return TrunkPhoneNumberAssociationProvider(ProviderSession(service=provider.session.service))
