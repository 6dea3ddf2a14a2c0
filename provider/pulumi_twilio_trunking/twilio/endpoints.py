"""Which host each Twilio API lives on, honouring edge/region and a single base-URL override."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from .errors import InvalidEndpoint

_DEFAULT_REGION_FOR_EDGE = "us1"

# Twilio's documented names (docs/global-infrastructure): processing regions for the REST API, and
# edge locations (public, then private Interconnect ones). Listed in errors; a new name of the same
# form is accepted, since Twilio adds locations.
KNOWN_REGIONS: Final = ("us1", "ie1", "au1")
KNOWN_EDGES: Final = (
    "ashburn",
    "dublin",
    "frankfurt",
    "sao-paulo",
    "singapore",
    "sydney",
    "tokyo",
    "umatilla",
    "ashburn-ix",
    "frankfurt-ix",
    "london-ix",
    "san-jose-ix",
    "sao-paulo-ix",
    "singapore-ix",
    "sydney-ix",
    "tokyo-ix",
)
# One DNS label: lowercase letters and digits, words joined by single hyphens, at most 20 characters.
_LOCATION_NAME = re.compile(r"(?=.{1,20}\Z)[a-z0-9]+(?:-[a-z0-9]+)*\Z")


@dataclass(frozen=True)
class Endpoints:
    """Base URLs (scheme + host, no trailing slash) of the two APIs the client uses."""

    trunking: str
    api: str


def check_region(region: str) -> str:
    """``region`` when it has the form of a Twilio processing region, else :class:`InvalidEndpoint`."""
    return _check_location(region, "a Twilio region", KNOWN_REGIONS)


def check_edge(edge: str) -> str:
    """``edge`` when it has the form of a Twilio edge location, else :class:`InvalidEndpoint`."""
    return _check_location(edge, "a Twilio edge location", KNOWN_EDGES)


def _check_location(value: str, what: str, known: tuple[str, ...]) -> str:
    # It becomes part of a host name: "@", "/", "?" or ":" would send the credentials elsewhere.
    if not _LOCATION_NAME.match(value):
        shown = repr(value) if len(value) <= 40 else repr(value[:37] + "...")
        raise InvalidEndpoint(
            f"must be {what}: lowercase letters and digits, words joined by '-', at most 20 characters "
            f"(known: {', '.join(known)}); got {shown}"
        )
    return value


def _product_host(product: str, edge: str | None, region: str | None) -> str:
    if edge and not region:
        region = _DEFAULT_REGION_FOR_EDGE
    return ".".join(part for part in (product, edge, region, "twilio.com") if part)


def is_loopback_host(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1 only: a name under ``.localhost`` is up to the resolver."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname or "")


def redact_url(url: str) -> str:
    """``url`` with any user info and query string replaced by ``***``, for messages."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = "?***" if parts.query else ""
    return f"{parts.scheme}://{netloc}{parts.path}{query}" if parts.scheme else f"{netloc}{parts.path}{query}"


def _checked_base_url(url: str) -> str:
    parts = urlsplit(url)
    # The credential check comes first: no later message may echo a URL that carries one.
    if "@" in parts.netloc or parts.query:
        raise InvalidEndpoint(
            f"must not embed credentials or a query string (got {redact_url(url)}); "
            "give the account SID and token through their own settings"
        )
    # urlsplit drops some of these silently; the URL as given must hold none.
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        raise InvalidEndpoint(f"must not hold spaces or control characters; got {redact_url(url)!r}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidEndpoint(f"must be an http(s) URL such as http://127.0.0.1:8080; got {url!r}")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise InvalidEndpoint(
            f"uses plain http:// for the non-loopback host {parts.hostname!r}: credentials are only "
            "sent unencrypted to 127.0.0.1, ::1 or localhost; use https://"
        )
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path}"


def resolve_endpoints(
    *, api_base_url: str | None = None, region: str | None = None, edge: str | None = None
) -> Endpoints:
    """Twilio's public hosts, their edge/region form, or one override for both (an emulator, a proxy)."""
    if region is not None:
        check_region(region)
    if edge is not None:
        check_edge(edge)
    if api_base_url:
        base = _checked_base_url(api_base_url)
        return Endpoints(trunking=base, api=base)
    return Endpoints(
        trunking=f"https://{_product_host('trunking', edge, region)}",
        api=f"https://{_product_host('api', edge, region)}",
    )
