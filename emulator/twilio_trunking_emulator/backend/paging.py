"""Pages of a list sorted by SID: tokens, requests, results, and cutting one page out of a list.

A page token is ``PA<sid>`` ("page after": the items whose SID sorts after ``<sid>``) or
``PB<sid>`` ("page before"), the format Twilio's own ``next_page_url``/``previous_page_url``
use.  Tokens stay valid when items are added or deleted between pages, and following
``next_page_url`` yields every item exactly once.  The store cuts number pages in SQL
(:func:`.queries.page_numbers`); small lists are cut in memory (:func:`paginate`).  Reading the
paging parameters of a request is :mod:`twilio_trunking_emulator.core.paging`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

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
