"""Twilio's official OpenAPI specs as an executable contract, for requests and responses alike.

Shared by every test that checks something against ``tests/twilio-oai`` (loaded through
:func:`tests.twilio_spec.load_spec`, never from an absolute path):

* :func:`to_json_schema` turns OpenAPI 3.0 schema objects into JSON Schema 2020-12 (``nullable``
  becomes a ``null`` type; ``strict`` also makes every declared property required and forbids
  undeclared ones) and :data:`FORMATS` checks the formats Twilio's specs use;
* :func:`check_schema` validates an instance against a component schema or a response schema
  (the ``check_schema`` fixture of ``tests/contract/test_emulator_schemas.py`` is this function);
* :func:`response_errors` / :func:`check_response` validate a whole response (status declared
  by the operation, body against its schema, or Twilio's error shape for undeclared 4xx);
* :class:`RecordedRequest`, :func:`request_errors` / :func:`check_request` validate a request
  (method + path template, path parameter patterns, declared query parameters, form body
  fields and their constraints, content type, Basic auth) against the matching operation.

Validation is done by ``jsonschema`` (Draft 2020-12), never by hand-written field checks: the
schemas come straight from the spec, only the OpenAPI-specific keywords are translated.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

from jsonschema import Draft202012Validator, FormatChecker

from tests.twilio_spec import load_spec

if TYPE_CHECKING:
    import httpx
    import requests

SPEC_NAMES: Final = ("trunking_v1", "api_v2010")
HTTP_METHODS: Final = ("get", "post", "put", "patch", "delete")
FORM: Final = "application/x-www-form-urlencoded"
JSON: Final = "application/json"

# ---------------------------------------------------------------------------------- conversion


def to_json_schema(node: Any, strict: bool = False) -> Any:
    """OpenAPI 3.0 → JSON Schema 2020-12: ``nullable`` and, if ``strict``, all-required/closed objects."""
    if isinstance(node, list):
        return [to_json_schema(n, strict) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: to_json_schema(v, strict) for k, v in node.items() if k not in ("nullable", "example")}
    if strict and isinstance(out.get("properties"), dict):
        out["required"] = sorted(out["properties"])
        out["additionalProperties"] = False
    if node.get("nullable"):
        if "$ref" in out:
            return {"anyOf": [out, {"type": "null"}]}
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


# ------------------------------------------------------------------------------------- formats

_ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_RFC2822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$")
E164: Final = re.compile(r"^\+[1-9]\d{1,14}$")

FORMATS: Final = FormatChecker(formats=())
"""The formats of Twilio's specs that carry a checkable promise (others are annotations)."""


@FORMATS.checks("date-time")
def _is_iso(value: object) -> bool:
    # Trunking v1 dates are ISO 8601 in UTC with a ``Z`` (the spec's examples, the SDK's parser).
    return not isinstance(value, str) or bool(_ISO_Z.match(value))


@FORMATS.checks("date-time-rfc-2822")
def _is_rfc2822(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_RFC2822.match(value)) and parsedate_to_datetime(value) is not None


@FORMATS.checks("phone-number")
def _is_e164(value: object) -> bool:
    return not isinstance(value, str) or bool(E164.match(value))


def is_uri(value: str) -> bool:
    """An absolute http(s) URL, or an absolute path (the 2010 API's ``*_uri`` fields are relative
    to ``https://api.twilio.com``: the spec's own examples say so)."""
    if value.startswith("/"):
        return not value.startswith("//") and " " not in value
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or is_uri(value)


@FORMATS.checks("uri-map")
def _is_uri_map(value: object) -> bool:
    return not isinstance(value, dict) or all(isinstance(v, str) and is_uri(v) for v in value.values())


@FORMATS.checks("http-method")
def _is_http_method(value: object) -> bool:
    return not isinstance(value, str) or value in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")


# ------------------------------------------------------------------------------------ operations


class ContractError(AssertionError):
    """A request or response breaks the published contract."""


@dataclass(frozen=True)
class Operation:
    """One operation of one spec (``method`` is lower case, ``path`` the spec's template)."""

    spec: str
    path: str
    method: str

    @property
    def definition(self) -> dict[str, Any]:
        operation: dict[str, Any] = load_spec(self.spec)["paths"][self.path][self.method]
        return operation

    @property
    def operation_id(self) -> str:
        return str(self.definition["operationId"])

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def responses(self) -> dict[str, Any]:
        responses: dict[str, Any] = self.definition["responses"]
        return responses

    def parameters(self, location: str) -> dict[str, dict[str, Any]]:
        return {p["name"]: p for p in self.definition.get("parameters", []) if p["in"] == location}

    def request_media_types(self) -> list[str]:
        return list(self.definition.get("requestBody", {}).get("content", {}))

    def request_body_schema(self, media_type: str = FORM) -> dict[str, Any] | None:
        content = self.definition.get("requestBody", {}).get("content", {})
        schema = content.get(media_type, {}).get("schema")
        return None if schema is None else dict(schema)

    def path_regex(self) -> re.Pattern[str]:
        return _path_regex(self.path)


def operation(spec: str, path: str, method: str) -> Operation:
    """The operation, or a :class:`ContractError` when the spec has none there."""
    item = load_spec(spec)["paths"].get(path)
    if item is None or method.lower() not in item:
        raise ContractError(f"{spec} has no operation {method.upper()} {path}")
    return Operation(spec, path, method.lower())


def operations(spec: str, paths: Sequence[str] | None = None) -> Iterator[Operation]:
    """Every operation of ``spec`` (of ``paths`` only, when given), in spec order."""
    for path, item in load_spec(spec)["paths"].items():
        if paths is not None and path not in paths:
            continue
        for method in HTTP_METHODS:
            if method in item:
                yield Operation(spec, path, method)


@cache
def _path_regex(template: str) -> re.Pattern[str]:
    pattern = ""
    for literal, name in re.findall(r"([^{]*)(?:\{([^}]+)\})?", template):
        pattern += re.escape(literal)
        if name:
            pattern += f"(?P<{name}>[^/]+)"
    return re.compile(f"^{pattern}$")


@cache
def _all_templates() -> tuple[tuple[str, str], ...]:
    return tuple((spec, path) for spec in SPEC_NAMES for path in load_spec(spec)["paths"])


def find_operation(method: str, url_path: str) -> tuple[Operation, dict[str, str]]:
    """The spec operation for ``METHOD /path`` and its (percent-decoded) path parameters."""
    matches = []
    for spec, template in _all_templates():
        found = _path_regex(template).match(url_path)
        if found is not None:
            matches.append((spec, template, {k: unquote(v) for k, v in found.groupdict().items()}))
    if not matches:
        raise ContractError(f"no path of the official specs matches {url_path}")
    # Prefer the template with the most literal characters (``/Trunks/{Sid}`` vs ``/{Sid}.json``).
    spec, template, params = max(matches, key=lambda m: len(re.sub(r"\{[^}]+\}", "", m[1])))
    return operation(spec, template, method), params


# ------------------------------------------------------------------------------------- schemas


@cache
def _components(spec: str, strict: bool) -> dict[str, Any]:
    converted: dict[str, Any] = to_json_schema(copy.deepcopy(load_spec(spec)["components"]), strict)
    return converted


def validator_for(spec: str, schema: Mapping[str, Any], *, strict: bool) -> Draft202012Validator:
    """A Draft 2020-12 validator of an OpenAPI schema object of ``spec`` ($refs resolve in the spec)."""
    return _validator(spec, json.dumps(schema, sort_keys=True), strict)


@cache
def _validator(spec: str, schema_json: str, strict: bool) -> Draft202012Validator:
    schema = {**to_json_schema(json.loads(schema_json), strict), "components": _components(spec, strict)}
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FORMATS)


def _located_errors(
    spec: str, schema: Mapping[str, Any], instance: Any, *, strict: bool
) -> list[tuple[str, str]]:
    validator = validator_for(spec, schema, strict=strict)
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    return [("/".join(str(p) for p in e.absolute_path), e.message) for e in errors]


def schema_errors(spec: str, schema: Mapping[str, Any], instance: Any, *, strict: bool) -> list[str]:
    """``"<json path>: <message>"`` for every violation of ``schema`` by ``instance``."""
    return [
        f"{where or '<root>'}: {message}"
        for where, message in _located_errors(spec, schema, instance, strict=strict)
    ]


def response_schema(op: Operation, status: int | str) -> dict[str, Any] | None:
    """The JSON schema the spec gives for this status, or None (no body, or status undeclared)."""
    declared = op.responses.get(str(status))
    if declared is None:
        return None
    schema = declared.get("content", {}).get(JSON, {}).get("schema")
    return None if schema is None else dict(schema)


def check_schema(spec: str, schema_ref: str, instance: Any, *, strict: bool = True) -> None:
    """Validate ``instance`` (strictly by default) against a schema of the spec.

    ``schema_ref`` is a component name (``trunking.v1.trunk.phone_number``) or
    ``"<path> <method> <status>"`` for a response body schema.  This is the contract of the
    ``check_schema`` fixture in ``tests/emulator/conftest.py``.
    """
    if " " in schema_ref:
        path, method, status = schema_ref.split(" ")
        target = response_schema(operation(spec, path, method), status)
        if target is None:
            raise ContractError(f"{schema_ref} declares no JSON body in {spec}")
    else:
        target = {"$ref": f"#/components/schemas/{schema_ref}"}
    errors = schema_errors(spec, target, instance, strict=strict)
    if errors:
        raise ContractError("\n".join(errors[:10]))


# ------------------------------------------------------------------------------- Twilio errors

TWILIO_ERROR_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["code", "message", "more_info", "status"],
    "properties": {
        "code": {"type": "integer", "minimum": 10000, "maximum": 99999},
        "message": {"type": "string", "minLength": 1},
        "more_info": {"type": "string", "pattern": r"^https://www\.twilio\.com/docs/errors/\d+$"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "details": {"type": "object"},
    },
    "additionalProperties": False,
}
"""Twilio's legacy error body.  The specs declare no error responses at all, so this shape comes
from Twilio's docs and SDKs (``TwilioRestException`` reads ``code``/``message``/``more_info``)."""

_ERROR_VALIDATOR: Final = Draft202012Validator(TWILIO_ERROR_SCHEMA)


def twilio_error_errors(status: int, body: Any) -> list[str]:
    errors = [e.message for e in _ERROR_VALIDATOR.iter_errors(body)]
    if not errors:
        if body["status"] != status:
            errors.append(f"status {body['status']} in the body but HTTP {status}")
        if not body["more_info"].endswith(f"/{body['code']}"):
            errors.append(f"more_info {body['more_info']} does not name code {body['code']}")
    return errors


# ------------------------------------------------------------------------------------ responses


def response_errors(
    op: Operation,
    status: int,
    content_type: str | None,
    body: bytes,
    *,
    strict: bool = True,
) -> list[str]:
    """What is wrong with a response to ``op`` (empty when it keeps the contract).

    A status the operation declares must carry the declared body (validated against its schema;
    declared-without-content means an empty body).  The specs declare no error responses, so an
    undeclared 4xx must be a Twilio error body; an undeclared 2xx/3xx or any 5xx is a violation.
    """
    media = (content_type or "").split(";")[0].strip().lower()
    if str(status) in op.responses:
        schema = response_schema(op, status)
        if schema is None:
            return [] if body == b"" else [f"{status} declares no body, got {body[:80]!r}"]
        if media != JSON:
            return [f"{status} must be {JSON}, got content type {content_type!r}"]
        try:
            document = json.loads(body)
        except ValueError as exc:
            return [f"{status} body is not JSON: {exc}"]
        return schema_errors(op.spec, schema, document, strict=strict)
    if not 400 <= status < 500:
        return [f"HTTP {status} is neither declared by {op.label} nor a client error"]
    if media != JSON:
        return [f"error {status} must be {JSON}, got content type {content_type!r}"]
    try:
        document = json.loads(body)
    except ValueError as exc:
        return [f"error {status} body is not JSON: {exc}"]
    return twilio_error_errors(status, document)


def check_response(response: httpx.Response, *, strict: bool = True) -> Operation:
    """Raise :class:`ContractError` unless the httpx response keeps its operation's contract."""
    # The path as sent (still percent-encoded): httpx's ``url.path`` would decode a "%2F".
    op, _ = find_operation(response.request.method, urlsplit(str(response.request.url)).path)
    errors = response_errors(
        op, response.status_code, response.headers.get("content-type"), response.content, strict=strict
    )
    if errors:
        raise ContractError(f"{op.label} → {response.status_code}:\n" + "\n".join(errors[:10]))
    return op


# ------------------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class RecordedRequest:
    """A request as it went on the wire (from httpx, requests or anything else)."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    """Lower-cased header names."""
    body: bytes = b""

    @classmethod
    def from_httpx(cls, request: httpx.Request) -> RecordedRequest:
        return cls(
            method=request.method,
            url=str(request.url),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.read(),
        )

    @classmethod
    def from_prepared(cls, request: requests.PreparedRequest) -> RecordedRequest:
        body = request.body
        if body is None:
            raw = b""
        elif isinstance(body, str):
            raw = body.encode()
        elif isinstance(body, bytes):
            raw = body
        else:
            raise TypeError("a streamed request body cannot be recorded")
        return cls(
            method=str(request.method),
            url=str(request.url),
            headers={
                k.lower(): v if isinstance(v, str) else v.decode("latin-1")
                for k, v in request.headers.items()
            },
            body=raw,
        )

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.url).query, keep_blank_values=True)

    def form(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(self.body))

    def __str__(self) -> str:
        return f"{self.method} {self.url}"


def _resolved(spec: str, schema: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        name = str(schema["$ref"]).removeprefix("#/components/schemas/")
        schema = load_spec(spec)["components"]["schemas"][name]
    return schema


def _coerce(spec: str, schema: Mapping[str, Any], raw: str) -> Any:
    """A form/query string as the typed value the schema describes (left raw when it is not one)."""
    kind = _resolved(spec, schema).get("type")
    if kind == "integer" and re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            return raw
    if kind == "boolean" and raw in ("true", "false"):
        # Twilio's SDKs serialize booleans as lower-case true/false.
        return raw == "true"
    return raw


def _fields_errors(
    spec: str,
    where: str,
    pairs: Sequence[tuple[str, str]],
    properties: Mapping[str, Mapping[str, Any]],
    required: Sequence[str],
) -> list[str]:
    """Validate name/value pairs as one closed object whose properties are the declared ones."""
    errors: list[str] = []
    values: dict[str, Any] = {}
    for name, raw in pairs:
        declared = properties.get(name)
        if name in values:
            errors.append(f"{where} field {name!r} is repeated")
        values[name] = raw if declared is None else _coerce(spec, declared, raw)
    schema = {
        "type": "object",
        "properties": dict(properties),
        "required": list(required),
        "additionalProperties": False,
    }
    errors += [
        f"{where} {name}: {message}" if name else f"{where}: {message}"
        for name, message in _located_errors(spec, schema, values, strict=False)
    ]
    return errors


def _is_basic_auth(header: str | None) -> bool:
    if not header or not header.lower().startswith("basic "):
        return False
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except ValueError:
        return False
    user, sep, password = decoded.partition(":")
    return bool(sep and re.fullmatch(r"(AC|SK)[0-9a-fA-F]{32}", user) and password)


def request_errors(request: RecordedRequest) -> list[str]:
    """What is wrong with ``request`` against its operation in the official specs (empty: nothing)."""
    try:
        op, path_params = find_operation(request.method, request.path)
    except ContractError as exc:
        return [str(exc)]
    errors: list[str] = []
    declared_path = {name: p["schema"] for name, p in op.parameters("path").items()}
    errors += _fields_errors(op.spec, "path", list(path_params.items()), declared_path, list(declared_path))
    query = op.parameters("query")
    errors += _fields_errors(
        op.spec,
        "query",
        request.query,
        {n: p["schema"] for n, p in query.items()},
        [n for n, p in query.items() if p.get("required")],
    )
    content_type = request.headers.get("content-type")
    media_types = op.request_media_types()
    body_required = bool(op.definition.get("requestBody", {}).get("required"))
    if media_types and not body_required and not request.body and content_type is None:
        pass  # an optional request body, left out altogether
    elif media_types:
        media = (content_type or "").split(";")[0].strip().lower()
        if media not in media_types:
            errors.append(f"content type {content_type!r} is not one of {media_types}")
        schema = _resolved(op.spec, op.request_body_schema(FORM) or {})
        if media == FORM:
            try:
                pairs = request.form()
            except ValueError as exc:
                errors.append(f"body is not form-encoded: {exc}")
            else:
                errors += _fields_errors(
                    op.spec, "body", pairs, schema.get("properties", {}), schema.get("required", [])
                )
    elif request.body:
        errors.append(f"{op.label} takes no request body, got {request.body[:80]!r}")
    if not _is_basic_auth(request.headers.get("authorization")):
        errors.append("no HTTP Basic credentials (AC…/SK… user) as the accountSid_authToken scheme requires")
    accept = request.headers.get("accept")
    if accept and not any(
        a.split(";")[0].strip() in (JSON, "*/*", "application/*") for a in accept.split(",")
    ):
        errors.append(f"Accept {accept!r} does not admit {JSON}, the only media type the responses have")
    return errors


def check_request(request: RecordedRequest) -> Operation:
    """Raise :class:`ContractError` unless ``request`` keeps the contract; returns its operation."""
    errors = request_errors(request)
    if errors:
        raise ContractError(f"{request}:\n" + "\n".join(errors))
    return find_operation(request.method, request.path)[0]
