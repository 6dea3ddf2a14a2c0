"""Reading ``application/x-www-form-urlencoded`` bodies and validating their fields.

Twilio parameters are PascalCase form fields; each :class:`Field` maps one of them to a
store column through a parser that raises a Twilio-shaped 400 naming the parameter.
An empty value clears nullable fields (``VoiceUrl=``, ``TrunkSid=``), as Twilio does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from ..constants import E164_RE, sid_pattern
from ..errors import INVALID_PHONE_NUMBER_ERROR_CODE, EmulatedTwilioError
from .exceptions import invalid_parameter

Parser = Callable[[str, str], Any]
"""``parser(parameter_name, raw_value) -> column value``; raises :class:`EmulatedTwilioError`."""


@dataclass(frozen=True)
class Field:
    param: str
    column: str
    parse: Parser


async def read_form(request: Request) -> dict[str, str]:
    """Decode a form body (first value wins).  Bodies of other content types are ignored."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("", "application/x-www-form-urlencoded"):
        return {}
    body = await request.body()
    if not body:
        return {}
    form: dict[str, str] = {}
    for key, value in parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True):
        form.setdefault(key, value)
    return form


def parse_fields(form: Mapping[str, str], fields: Iterable[Field]) -> dict[str, Any]:
    """Parse the fields present in ``form`` into ``{column: value}``."""
    return {f.column: f.parse(f.param, form[f.param]) for f in fields if f.param in form}


# ---------------------------------------------------------------------- parsers
def text(max_length: int | None = None) -> Parser:
    def parse(name: str, raw: str) -> str:
        if max_length is not None and len(raw) > max_length:
            raise invalid_parameter(name, f"must be at most {max_length} characters")
        return raw

    return parse


def url(name: str, raw: str) -> str | None:
    if raw == "":
        return None
    if not re.match(r"^https?://[^\s/]+", raw, re.IGNORECASE):
        raise invalid_parameter(name, "must be an absolute http(s) URL")
    return raw


def http_method(name: str, raw: str) -> str:
    value = raw.upper()
    if value not in ("GET", "POST"):
        raise invalid_parameter(name, "must be GET or POST")
    return value


def boolean(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise invalid_parameter(name, "must be true or false")


def enum(*choices: str) -> Parser:
    def parse(name: str, raw: str) -> str:
        if raw not in choices:
            raise invalid_parameter(name, f"must be one of {', '.join(choices)}")
        return raw

    return parse


def sid(prefix: str, *, allow_empty: bool = True) -> Parser:
    """A ``<prefix>`` + 32 hex SID; the empty string means "clear" (``None``)."""
    pattern = sid_pattern(prefix)

    def parse(name: str, raw: str) -> str | None:
        if raw == "" and allow_empty:
            return None
        if not pattern.match(raw):
            raise invalid_parameter(name, f"must match {pattern.pattern}")
        return raw

    return parse


def e164(name: str, raw: str) -> str:
    value = raw.strip()
    if not E164_RE.match(value):
        raise EmulatedTwilioError(
            400,
            INVALID_PHONE_NUMBER_ERROR_CODE,
            f"{name} is invalid: {value!r} is not an E.164 number (+14155550100)",
        )
    return value
