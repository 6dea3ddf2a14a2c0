"""Which host each Twilio API lives on, honouring edge/region and a single base-URL override."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import TwilioConfigurationError

_DEFAULT_REGION_FOR_EDGE = "us1"


@dataclass(frozen=True)
class Endpoints:
    """Base URLs (scheme + host, no trailing slash) of the two APIs the client uses."""

    trunking: str
    api: str


def _product_host(product: str, edge: str | None, region: str | None) -> str:
    if edge and not region:
        region = _DEFAULT_REGION_FOR_EDGE
    return ".".join(part for part in (product, edge, region, "twilio.com") if part)


def is_loopback_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _checked_base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TwilioConfigurationError(
            f"twilio:apiBaseUrl must be an http(s) URL such as http://127.0.0.1:8080; got {url!r}"
        )
    if parts.username or parts.password:
        raise TwilioConfigurationError(
            "twilio:apiBaseUrl must not embed credentials; set twilio:accountSid/twilio:authToken instead"
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise TwilioConfigurationError(
            f"twilio:apiBaseUrl uses plain http:// for the non-loopback host {parts.hostname!r}: "
            "credentials are only sent unencrypted to 127.0.0.1, ::1 or localhost; use https://"
        )
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path}"


def resolve_endpoints(
    *, api_base_url: str | None = None, region: str | None = None, edge: str | None = None
) -> Endpoints:
    """Twilio's public hosts, their edge/region form, or one override for both (an emulator, a proxy)."""
    if api_base_url:
        base = _checked_base_url(api_base_url)
        return Endpoints(trunking=base, api=base)
    return Endpoints(
        trunking=f"https://{_product_host('trunking', edge, region)}",
        api=f"https://{_product_host('api', edge, region)}",
    )
