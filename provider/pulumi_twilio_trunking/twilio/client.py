"""HTTP client for Twilio's Trunking v1 and 2010-04-01 APIs (only what trunk bindings need)."""

from __future__ import annotations

import importlib.metadata
import json
import sys
import time
from collections.abc import Iterator, Mapping
from typing import Any, Final, Literal, TypeAlias, TypedDict, Unpack
from urllib.parse import quote, urlsplit

if "httpx" not in sys.modules:
    # httpx imports its command-line client (click, rich, pygments) whenever those happen to be
    # installed: about half its import time, paid on every provider process's first API call, for a
    # CLI the provider never runs. Hidden while httpx loads, it falls back to its stub ``httpx.main``.
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
    try:
        import httpx
    finally:
        del sys.modules["httpx._main"]
import httpx

from .endpoints import Endpoints, is_loopback_url, resolve_endpoints
from .errors import TwilioApiError, TwilioConnectionError, TwilioPagingError
from .models import IncomingPhoneNumber, Trunk, TrunkPhoneNumber
from .retry import RETRYABLE_STATUS, RetryableResponse, retrying
from .settings import ClientSettings

MAX_PAGE_SIZE: Final = 1000
# Pages one listing may take before the client gives up: 10 million items at 1,000 a page, far past
# any account, so only a server whose next links never end (a bug or an attack) reaches it.
MAX_PAGES: Final = 10_000
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
# The two list formats: Trunking v1 (``meta`` with absolute URLs) and API 2010-04-01 (relative URIs).
_Api: TypeAlias = Literal["v1", "2010"]


class _RequestOptions(TypedDict, total=False):
    """The optional parts of a request, as :meth:`TwilioClient._send` takes them."""

    params: Mapping[str, str] | None
    data: Mapping[str, str] | None


class TwilioClient:
    """Typed calls to Twilio with Basic auth, retries, timeouts and one reused connection pool.

    Thread-safe: the Pulumi provider host calls it from up to four threads at once.
    """

    def __init__(self, settings: ClientSettings, *, transport: httpx.BaseTransport | None = None) -> None:
        self._settings = settings
        self.endpoints: Endpoints = resolve_endpoints(
            api_base_url=settings.api_base_url, region=settings.region, edge=settings.edge
        )
        self._http = httpx.Client(
            auth=httpx.BasicAuth(settings.username, settings.password.reveal()),
            timeout=httpx.Timeout(settings.timeouts.read, connect=settings.timeouts.connect),
            headers={"User-Agent": user_agent(), "Accept": "application/json"},
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
            transport=transport,
            # Proxy variables (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY) serve Twilio's hosts; a loopback base
            # URL may be plain http, and a proxy there would receive the credentials in clear.
            trust_env=not is_loopback_url(self.endpoints.trunking),
        )
        self.account_sid = settings.account_sid

    def __repr__(self) -> str:
        return f"TwilioClient(trunking={self.endpoints.trunking!r}, api={self.endpoints.api!r})"

    def close(self) -> None:
        self._http.close()

    # Trunking v1

    def list_trunks(self, page_size: int = MAX_PAGE_SIZE) -> Iterator[Trunk]:
        for item in self._items(f"{self.endpoints.trunking}/v1/Trunks", {"PageSize": str(page_size)}, "v1"):
            yield Trunk.model_validate(item)

    def fetch_trunk(self, trunk_sid: str) -> Trunk:
        return Trunk.model_validate(self._json("GET", self._trunk_url(trunk_sid)))

    def create_trunk_phone_number(self, trunk_sid: str, phone_number_sid: str) -> TrunkPhoneNumber:
        body = self._json(
            "POST", f"{self._trunk_url(trunk_sid)}/PhoneNumbers", data={"PhoneNumberSid": phone_number_sid}
        )
        return TrunkPhoneNumber.model_validate(body)

    def fetch_trunk_phone_number(self, trunk_sid: str, phone_number_sid: str) -> TrunkPhoneNumber | None:
        """The binding, or None when the number is not on that trunk (404)."""
        try:
            body = self._json("GET", self._trunk_number_url(trunk_sid, phone_number_sid))
        except TwilioApiError as exc:
            if exc.is_not_found:
                return None
            raise
        return TrunkPhoneNumber.model_validate(body)

    def delete_trunk_phone_number(self, trunk_sid: str, phone_number_sid: str) -> bool:
        """Unbind; False when the number was not on that trunk (already gone counts as done)."""
        try:
            self._send("DELETE", self._trunk_number_url(trunk_sid, phone_number_sid))
        except TwilioApiError as exc:
            if exc.is_not_found:
                return False
            raise
        return True

    def list_trunk_phone_numbers(
        self, trunk_sid: str, page_size: int = MAX_PAGE_SIZE
    ) -> Iterator[TrunkPhoneNumber]:
        for page, _more in self.trunk_phone_number_pages(trunk_sid, page_size):
            yield from page

    def trunk_phone_number_pages(
        self, trunk_sid: str, page_size: int = MAX_PAGE_SIZE
    ) -> Iterator[tuple[list[TrunkPhoneNumber], bool]]:
        """The trunk's bindings one page (one request) at a time, each with "more pages follow"."""
        url = f"{self._trunk_url(trunk_sid)}/PhoneNumbers"
        for items, more in self._page_lists(url, {"PageSize": str(page_size)}, "v1"):
            yield [TrunkPhoneNumber.model_validate(item) for item in items], more

    # API 2010-04-01

    def fetch_incoming_phone_number(self, phone_number_sid: str) -> IncomingPhoneNumber | None:
        try:
            body = self._json("GET", f"{self._incoming_url()}/{_segment(phone_number_sid)}.json")
        except TwilioApiError as exc:
            if exc.is_not_found:
                return None
            raise
        return IncomingPhoneNumber.model_validate(body)

    def find_incoming_phone_number(self, e164: str) -> IncomingPhoneNumber | None:
        """The number whose ``phone_number`` is exactly ``e164`` (Twilio's filter also matches partially)."""
        for item in self._items(
            f"{self._incoming_url()}.json", {"PhoneNumber": e164, "PageSize": "50"}, "2010"
        ):
            number = IncomingPhoneNumber.model_validate(item)
            if number.phone_number == e164:
                return number
        return None

    def list_incoming_phone_numbers(self, page_size: int = MAX_PAGE_SIZE) -> Iterator[IncomingPhoneNumber]:
        for page, _more in self.incoming_phone_number_pages(page_size):
            yield from page

    def incoming_phone_number_pages(
        self, page_size: int = MAX_PAGE_SIZE
    ) -> Iterator[tuple[list[IncomingPhoneNumber], bool]]:
        """The account's numbers one page (one request) at a time, each with "more pages follow"."""
        url = f"{self._incoming_url()}.json"
        for items, more in self._page_lists(url, {"PageSize": str(page_size)}, "2010"):
            yield [IncomingPhoneNumber.model_validate(item) for item in items], more

    # plumbing

    def _trunk_url(self, trunk_sid: str) -> str:
        return f"{self.endpoints.trunking}/v1/Trunks/{_segment(trunk_sid)}"

    def _trunk_number_url(self, trunk_sid: str, phone_number_sid: str) -> str:
        return f"{self._trunk_url(trunk_sid)}/PhoneNumbers/{_segment(phone_number_sid)}"

    def _incoming_url(self) -> str:
        return f"{self.endpoints.api}/2010-04-01/Accounts/{_segment(self.account_sid)}/IncomingPhoneNumbers"

    def _items(self, url: str, params: Mapping[str, str], api: _Api) -> Iterator[dict[str, Any]]:
        for items, _more in self._page_lists(url, params, api):
            yield from items

    def _page_lists(
        self, url: str, params: Mapping[str, str], api: _Api
    ) -> Iterator[tuple[list[dict[str, Any]], bool]]:
        # Each page is requested only when the consumer asks for it: a caller may stop early.
        base = self.endpoints.trunking if api == "v1" else self.endpoints.api
        page: dict[str, Any] = self._json("GET", url, params=params)
        followed: set[str] = set()
        while True:
            items, next_link = _read_page(page, api)
            yield items, bool(next_link)
            if not next_link:
                return
            next_url = next_page_url(next_link, base)
            if next_url in followed:
                raise TwilioPagingError(
                    f"the list at {_describe(url)} repeats its next-page link {_describe(next_url)}: "
                    "stopped instead of reading the same pages for ever"
                )
            if len(followed) + 1 >= MAX_PAGES:
                raise TwilioPagingError(
                    f"the list at {_describe(url)} has more than {MAX_PAGES} pages: stopped (a server whose "
                    "next-page links never end)"
                )
            followed.add(next_url)
            page = self._json("GET", next_url)

    def _json(self, method: str, url: str, **request: Unpack[_RequestOptions]) -> dict[str, Any]:
        response = self._send(method, url, **request)
        try:
            body = response.json()
        except json.JSONDecodeError:
            raise _api_error(response) from None
        if not isinstance(body, dict):
            raise _api_error(response)
        return body

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        attempts, started = 0, time.monotonic()
        try:
            for attempt in retrying(self._settings.retry):
                with attempt:
                    attempts += 1
                    response = self._http.request(method, url, params=params, data=data)
                    if response.status_code in RETRYABLE_STATUS:
                        raise RetryableResponse(response)
        except RetryableResponse as exc:
            raise _api_error(exc.response, attempts) from None
        except httpx.TransportError as exc:
            parts = urlsplit(url)
            # Host and path only: never the user info or the query of the URL.
            raise TwilioConnectionError(
                f"cannot reach Twilio at {parts.scheme}://{parts.hostname}"
                f"{f':{parts.port}' if parts.port else ''} ({method} {parts.path}): "
                f"{type(exc).__name__}: {exc}; gave up after {attempts} attempt"
                f"{'s' if attempts != 1 else ''} over {time.monotonic() - started:.1f} s",
                attempts=attempts,
            ) from None
        if response.is_error:
            raise _api_error(response, attempts)
        return response


def user_agent() -> str:
    try:
        version = importlib.metadata.version("pulumi-twilio-trunking")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return f"pulumi-twilio-trunking/{version}"


def _read_page(page: dict[str, Any], api: _Api) -> tuple[list[dict[str, Any]], str | None]:
    """A list page's items and its link to the next page (none on the last page)."""
    if api == "v1":
        meta = page.get("meta") or {}
        return list(page.get(meta.get("key") or "", [])), meta.get("next_page_url")
    return list(page.get("incoming_phone_numbers", [])), page.get("next_page_uri")


def next_page_url(link: str, base: str) -> str:
    """The URL of a list's next page, only ever on ``base``'s origin (credentials go nowhere else).

    A link is a path (Twilio's 2010 API: ``/2010-04-01/…``; one that starts with ``base``'s own path
    keeps it once) or an absolute URL with the same scheme, host and port as ``base`` (Trunking v1).
    Anything else raises :class:`TwilioPagingError` naming the origin it would have reached.
    """
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        _require_origin(link, base)
    elif not parts.path.startswith("/"):
        # Glued onto the base, "@host/…" or ".example/…" would change its host: refuse, naming it.
        _require_origin(base + link, base)
        raise TwilioPagingError(f"refused the next-page link {_describe(link)}: it is not a path (/…)")
    suffix = parts.path + (f"?{parts.query}" if parts.query else "")
    base_path = urlsplit(base).path
    if base_path and suffix.startswith(base_path + "/"):
        suffix = suffix[len(base_path) :]
    url = base + suffix
    _require_origin(url, base)
    return url


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """Scheme, host and port (the scheme's default when absent); None when the URL has no valid port."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    return parts.scheme.lower(), (parts.hostname or ""), port or _DEFAULT_PORTS.get(parts.scheme.lower())


def _describe_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


def _require_origin(url: str, base: str) -> None:
    if _origin(url) != _origin(base) or "@" in urlsplit(url).netloc:
        raise TwilioPagingError(
            f"refused to follow a next-page link to {_describe_origin(url)}: it is not the configured base "
            f"URL {_describe_origin(base)}, and credentials are only ever sent there"
        )


def _describe(url: str, limit: int = 120) -> str:
    text = url if len(url) <= limit else url[: limit - 3] + "..."
    return repr(text)


def _segment(value: str) -> str:
    return quote(value, safe="")


def _api_error(response: httpx.Response, attempts: int = 1) -> TwilioApiError:
    status = response.status_code
    try:
        body = response.json()
    except json.JSONDecodeError:
        body = None
    if not isinstance(body, dict):
        body = {}
    code = body.get("code")
    return TwilioApiError(
        status=status,
        code=code if isinstance(code, int) else status,
        message=str(body.get("message") or response.reason_phrase or "no message"),
        more_info=body.get("more_info") if isinstance(body.get("more_info"), str) else None,
        method=response.request.method,
        path=response.request.url.path,
        details=body.get("details"),
        attempts=attempts,
    )
