"""Twilio list paging: ``PageSize``/``Page``/``PageToken`` parsing and keyset slicing.

Items are sorted by SID.  A page token is ``PA<sid>`` ("page after": the items whose
SID sorts after ``<sid>``) or ``PB<sid>`` ("page before"), the format Twilio's own
``next_page_url``/``previous_page_url`` use.  Tokens stay valid when items are added or
deleted between pages, and following ``next_page_url`` yields every item exactly once.

``Page`` is "simply for client state" (Twilio's words): it is echoed back as ``page``.
Without a token it selects an offset page (``Page * PageSize``); with a ``PA`` token it
must be at least 1, since a page after something cannot be the first page.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from ..constants import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .exceptions import INVALID_PAGE_TOKEN_ERROR_CODE, EmulatedTwilioError, invalid_parameter

T = TypeVar("T")


@dataclass(frozen=True)
class PageToken:
    direction: Literal["after", "before"]
    sid: str

    def encode(self) -> str:
        return ("PA" if self.direction == "after" else "PB") + self.sid


@dataclass(frozen=True)
class PageRequest:
    page_size: int
    page: int | None
    """The ``Page`` parameter as sent, or ``None`` when absent."""
    token: PageToken | None


@dataclass(frozen=True)
class PageResult(Generic[T]):
    items: list[T]
    page: int
    page_size: int
    start: int
    """Index of the page's first item in the full (filtered, sorted) list."""
    next_token: PageToken | None
    previous_token: PageToken | None
    """Token of the previous page, or ``None`` when there is none or it is the first page."""
    has_previous: bool


def invalid_page_token() -> EmulatedTwilioError:
    return EmulatedTwilioError(400, INVALID_PAGE_TOKEN_ERROR_CODE, "Invalid PageToken")


def parse_page_request(query: Mapping[str, str], sid_prefix: str) -> PageRequest:
    """Validate the paging query parameters of a list request for ``sid_prefix`` items."""
    page_size = _int_param(query, "PageSize", 1, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    page = _int_param(query, "Page", 0, None)
    token: PageToken | None = None
    raw_token = query.get("PageToken")
    if raw_token:
        match = re.fullmatch(rf"P([AB])({re.escape(sid_prefix)}[0-9a-fA-F]{{32}})", raw_token)
        if match is None:
            raise invalid_page_token()
        token = PageToken("after" if match.group(1) == "A" else "before", match.group(2))
        if token.direction == "after" and page is not None and page < 1:
            raise invalid_page_token()
    return PageRequest(page_size=page_size, page=page, token=token)


def paginate(items: Sequence[T], key: Callable[[T], str], request: PageRequest) -> PageResult[T]:
    """Cut one page out of ``items``, which must be sorted by ``key`` (small in-memory lists)."""
    keys = [key(i) for i in items]
    size = request.page_size
    token = request.token
    if token is None:
        start = (request.page or 0) * size
        end = start + size
    elif token.direction == "after":
        start = bisect.bisect_right(keys, token.sid)
        end = start + size
    else:
        end = bisect.bisect_left(keys, token.sid)
        start = max(0, end - size)
    chunk = list(items[start:end])
    return build_page(chunk, key, request, start=start, has_more=start + len(chunk) < len(items))


def build_page(
    chunk: list[T], key: Callable[[T], str], request: PageRequest, *, start: int, has_more: bool
) -> PageResult[T]:
    """The page result for ``chunk``, which starts at index ``start`` of the sorted list.

    ``has_more`` says whether items follow the chunk; callers that page in SQL work it out
    with one extra row or an ``EXISTS`` query instead of materialising the whole list.
    """
    size = request.page_size
    # Without Page, derive it; rounding up makes any page with items before it page >= 1.
    page = request.page if request.page is not None else -(-start // size)
    next_token = PageToken("after", key(chunk[-1])) if chunk and has_more else None
    has_previous = start > 0
    previous_token = None
    if has_previous and chunk and page > 1:
        previous_token = PageToken("before", key(chunk[0]))
    return PageResult(
        items=chunk,
        page=page,
        page_size=size,
        start=start,
        next_token=next_token,
        previous_token=previous_token,
        has_previous=has_previous,
    )


def _int_param(query: Mapping[str, str], name: str, minimum: int, maximum: int | None) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise invalid_parameter(name, "must be an integer") from None
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise invalid_parameter(name, f"must be an integer {bound}")
    return value
