"""Proxy settings from the environment: never for a loopback base URL, still for Twilio's hosts.

Over plain http to 127.0.0.1 (allowed because it never leaves the machine) an ``HTTP_PROXY`` would
receive the Basic credentials in clear; teams behind a corporate proxy still need it for Twilio.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.security.discover_cli import run_discover
from tests.security.fake_api import FakeApi

PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "HTTPS_PROXY")


def empty_trunks(_path: str) -> tuple[int, dict[str, Any]]:
    return 200, {"trunks": [], "meta": {"key": "trunks", "next_page_url": None}}


@pytest.fixture
def proxy() -> Iterator[FakeApi]:
    with FakeApi() as server:
        yield server


@pytest.mark.parametrize("variable", PROXY_VARIABLES)
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_loopback_base_url_ignores_proxy_variables(
    tmp_path: Path, proxy: FakeApi, variable: str, host: str
) -> None:
    with FakeApi(empty_trunks) as twilio:
        base_url = twilio.base_url.replace("127.0.0.1", host)
        result = run_discover(base_url, tmp_path / "out", env={variable: proxy.base_url, "NO_PROXY": ""})
        reached = [r.path for r in twilio.received]
    assert result.returncode == 0, result.stderr
    assert proxy.received == []
    assert reached == ["/v1/Trunks?PageSize=1000"]


def test_twilios_hosts_still_go_through_the_configured_proxy(tmp_path: Path, proxy: FakeApi) -> None:
    result = run_discover("", tmp_path / "out", env={"HTTPS_PROXY": proxy.base_url, "NO_PROXY": ""})
    assert result.returncode == 1  # the stand-in proxy refuses the tunnel
    assert [(r.method, r.path) for r in proxy.received] == [("CONNECT", "trunking.twilio.com:443")]


@pytest.mark.parametrize("host", ["twilio.localhost", "127.0.0.1.localhost"])
def test_names_under_localhost_are_not_loopback_for_plain_http(tmp_path: Path, host: str) -> None:
    result = run_discover(f"http://{host}:8080", tmp_path / "out")
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "environment variable TWILIO_API_BASE_URL" in line and "plain http://" in line
