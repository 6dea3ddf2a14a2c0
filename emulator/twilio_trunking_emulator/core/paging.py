"""Twilio list paging parameters: ``PageSize``/``Page``/``PageToken`` of a request, validated.

What a page is and how it is cut: :mod:`twilio_trunking_emulator.backend.paging`.

``Page`` is "simply for client state" (Twilio's words): it is echoed back as ``page``.
Without a token it selects an offset page (``Page * PageSize``); with a ``PA`` token it
must be at least 1, since a page after something cannot be the first page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..backend.paging import PageRequest, PageToken
from ..constants import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from ..errors import INVALID_PAGE_TOKEN_ERROR_CODE, EmulatedTwilioError
from .exceptions import invalid_parameter


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
