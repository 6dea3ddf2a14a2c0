from __future__ import annotations

import pytest

from pulumi_twilio_trunking.twilio.endpoints import resolve_endpoints
from pulumi_twilio_trunking.twilio.errors import InvalidEndpoint


def test_public_hosts_by_default() -> None:
    endpoints = resolve_endpoints()
    assert endpoints.trunking == "https://trunking.twilio.com"
    assert endpoints.api == "https://api.twilio.com"


@pytest.mark.parametrize(
    ("edge", "region", "host"),
    [
        ("dublin", "ie1", "trunking.dublin.ie1.twilio.com"),
        ("sydney", None, "trunking.sydney.us1.twilio.com"),
        (None, "au1", "trunking.au1.twilio.com"),
    ],
)
def test_edge_and_region_hosts(edge: str | None, region: str | None, host: str) -> None:
    assert resolve_endpoints(edge=edge, region=region).trunking == f"https://{host}"


def test_one_override_serves_both_apis() -> None:
    endpoints = resolve_endpoints(api_base_url="http://127.0.0.1:8080/", region="ie1")
    assert endpoints.trunking == endpoints.api == "http://127.0.0.1:8080"


@pytest.mark.parametrize("url", ["http://twilio.example.com", "http://10.0.0.1:80"])
def test_plain_http_is_refused_for_remote_hosts(url: str) -> None:
    with pytest.raises(InvalidEndpoint, match="plain http"):
        resolve_endpoints(api_base_url=url)


@pytest.mark.parametrize(
    "url", ["http://localhost:1", "http://[::1]:1", "http://127.0.0.5:1", "https://proxy.example"]
)
def test_loopback_http_and_any_https_are_allowed(url: str) -> None:
    endpoints = resolve_endpoints(api_base_url=url)
    assert endpoints.api == endpoints.trunking == url


def test_credentials_in_the_url_are_refused() -> None:
    with pytest.raises(InvalidEndpoint, match="must not embed credentials"):
        resolve_endpoints(api_base_url="https://AC1:token@proxy.example")


@pytest.mark.parametrize(
    ("region", "edge"), [("@127.0.0.1:9/", None), (None, "dublin/x"), ("ie1", "dublin.evil.example")]
)
def test_region_and_edge_outside_twilios_form_are_refused_before_any_host_is_built(
    region: str | None, edge: str | None
) -> None:
    with pytest.raises(InvalidEndpoint, match="lowercase letters and digits"):
        resolve_endpoints(region=region, edge=edge)
