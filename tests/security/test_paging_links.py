"""A list page's next link never takes the credentials to another origin, and never loops forever.

Each case drives the real ``twilio-trunking discover`` against a fake API (``TWILIO_API_BASE_URL``)
whose list answers carry a hostile ``next_page_url``; a second server plays the attacker's host and
must receive nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_twilio_trunking.twilio import client as client_module
from pulumi_twilio_trunking.twilio.client import TwilioClient
from pulumi_twilio_trunking.twilio.errors import TwilioPagingError
from pulumi_twilio_trunking.twilio.secret import Secret
from pulumi_twilio_trunking.twilio.settings import ClientSettings, RetryPolicy
from tests.security.discover_cli import ACCOUNT, TOKEN, run_discover
from tests.security.fake_api import FakeApi

TRUNK = "TK" + "a" * 32


def trunks_page(next_page_url: str | None) -> dict[str, Any]:
    return {
        "trunks": [{"sid": TRUNK, "friendly_name": "main"}],
        "meta": {"key": "trunks", "next_page_url": next_page_url, "page": 0, "page_size": 1},
    }


@pytest.fixture
def attacker() -> Iterator[FakeApi]:
    with FakeApi() as server:
        yield server


def serve_trunks(next_link: Callable[[str], str | None]) -> FakeApi:
    def answer(path: str) -> tuple[int, dict[str, Any]]:
        return 200, trunks_page(next_link(path))

    return FakeApi(answer)


@pytest.mark.parametrize(
    "link",
    [
        "@127.0.0.1:{port}/v1/Trunks?Page=1",  # glued onto the base: http://127.0.0.1:BASE@127.0.0.1:PORT
        "http://127.0.0.1:{port}/v1/Trunks?Page=1",
        "//127.0.0.1:{port}/v1/Trunks?Page=1",
        "http://localhost:{port}/v1/Trunks?Page=1",
    ],
)
def test_a_next_link_to_another_origin_is_refused_and_never_contacted(
    tmp_path: Path, attacker: FakeApi, link: str
) -> None:
    hostile = link.format(port=attacker.port)
    with serve_trunks(lambda _path: hostile) as twilio:
        result = run_discover(twilio.base_url, tmp_path / "out")
    assert result.returncode == 1, result.stderr
    assert attacker.received == []
    (line,) = result.stderr.strip().splitlines()
    assert "next-page link" in line
    assert str(attacker.port) in line  # names the host it refused
    assert twilio.base_url in line
    assert TOKEN not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_next_link_that_repeats_ends_with_a_clear_error(tmp_path: Path) -> None:
    with serve_trunks(lambda _path: "/v1/Trunks?Page=1&PageToken=same") as twilio:
        result = run_discover(twilio.base_url, tmp_path / "out", timeout=30)
        requests = len(twilio.received)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "repeats" in line and "/v1/Trunks?Page=1&PageToken=same" in line
    assert requests == 2  # the first page, then the link once


def test_same_origin_links_are_followed_relative_absolute_and_under_a_base_path(tmp_path: Path) -> None:
    def answer(path: str) -> tuple[int, dict[str, Any]]:
        if path.startswith("/proxy/v1/Trunks/"):
            return 200, {"phone_numbers": [], "meta": {"key": "phone_numbers", "next_page_url": None}}
        pages = {
            "/proxy/v1/Trunks?PageSize=1000": "/proxy/v1/Trunks?Page=1",  # a path under the base path
            "/proxy/v1/Trunks?Page=1": "/v1/Trunks?Page=2",  # a path relative to the base
            "/proxy/v1/Trunks?Page=2": f"{server.base_url}/proxy/v1/Trunks?Page=3",  # an absolute URL
        }
        return 200, trunks_page(pages.get(path))

    with FakeApi(answer) as server:
        result = run_discover(f"{server.base_url}/proxy", tmp_path / "out")
        paths = [r.path for r in server.received]
    assert result.returncode == 0, result.stderr
    assert paths[:4] == [
        "/proxy/v1/Trunks?PageSize=1000",
        "/proxy/v1/Trunks?Page=1",
        "/proxy/v1/Trunks?Page=2",
        "/proxy/v1/Trunks?Page=3",
    ]
    assert all(r.authorization for r in server.received)


def pages_client(answer: Callable[[httpx.Request], httpx.Response]) -> TwilioClient:
    settings = ClientSettings(
        account_sid=ACCOUNT,
        username=ACCOUNT,
        password=Secret(TOKEN),
        api_base_url="https://trunking.twilio.com",
        retry=RetryPolicy(max_attempts=1),
    )
    return TwilioClient(settings, transport=httpx.MockTransport(answer))


def test_the_2010_api_relative_uri_cannot_change_the_host() -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(
            200, json={"incoming_phone_numbers": [], "next_page_uri": ".evil.example/2010-04-01/x.json"}
        )

    client = pages_client(answer)
    with pytest.raises(TwilioPagingError, match=r"trunking\.twilio\.com\.evil\.example"):
        list(client.list_incoming_phone_numbers())
    assert [httpx.URL(url).host for url in sent] == ["trunking.twilio.com"]


def test_an_endless_list_stops_at_the_documented_page_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "MAX_PAGES", 5)
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(200, json=trunks_page(f"/v1/Trunks?Page={len(sent)}"))

    client = pages_client(answer)
    with pytest.raises(TwilioPagingError, match="more than 5 pages"):
        list(client.list_trunks())
    assert len(sent) == 5
