"""Fixtures for the emulator tests: one in-thread emulator per session, reset per test."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from pulumi_twilio_trunking.emulator import EmulatorControl, EmulatorServer
from tests.twilio_spec import load_spec

API_KEY = "SK" + "5" * 32
API_SECRET = "emulator-api-secret"


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(api_key=API_KEY, api_secret=API_SECRET) as server:
        yield server


@pytest.fixture(autouse=True)
def _reset_emulator(request: pytest.FixtureRequest) -> None:
    if "emulator" in request.fixturenames:
        request.getfixturevalue("emulator").control.reset()


@pytest.fixture(scope="session")
def api_key_auth() -> tuple[str, str]:
    """The API key credential pair the session emulator accepts."""
    return (API_KEY, API_SECRET)


@pytest.fixture
def control(emulator: EmulatorServer) -> EmulatorControl:
    return emulator.control


@pytest.fixture
def client(emulator: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, auth=emulator.auth, timeout=10) as c:
        yield c


@pytest.fixture
def account_sid(emulator: EmulatorServer) -> str:
    return emulator.account_sid


@pytest.fixture
def numbers_path(account_sid: str) -> str:
    return f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers"


@pytest.fixture
def make_trunk(client: httpx.Client) -> Callable[..., dict[str, Any]]:
    def make(**form: str) -> dict[str, Any]:
        response = client.post("/v1/Trunks", data=form)
        assert response.status_code == 201, response.text
        return dict(response.json())

    return make


@pytest.fixture
def make_number(client: httpx.Client, numbers_path: str) -> Callable[..., dict[str, Any]]:
    def make(phone_number: str, **form: str) -> dict[str, Any]:
        response = client.post(f"{numbers_path}.json", data={"PhoneNumber": phone_number, **form})
        assert response.status_code == 201, response.text
        return dict(response.json())

    return make


ErrorCheck = Callable[[httpx.Response, int, int], dict[str, Any]]


@pytest.fixture(scope="session")
def twilio_error() -> ErrorCheck:
    """``twilio_error(response, status, code)`` asserts a legacy Twilio error body."""
    return assert_twilio_error


def assert_twilio_error(response: httpx.Response, status: int, code: int) -> dict[str, Any]:
    """The response is a legacy Twilio error with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "more_info", "status"}
    assert body["code"] == code
    assert body["status"] == status
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    assert isinstance(body["message"], str) and body["message"]
    return dict(body)


# ---------------------------------------------------------------------- OpenAPI schemas
def _to_json_schema(node: Any, strict: bool) -> Any:
    """OpenAPI 3.0 → JSON Schema 2020-12: ``nullable`` and, if strict, all-required."""
    if isinstance(node, list):
        return [_to_json_schema(n, strict) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _to_json_schema(v, strict) for k, v in node.items() if k != "nullable"}
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
        if "type" not in out and "enum" not in out:
            return out  # untyped: anything, null included
    return out


_ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_RFC2822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$")
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date-time")
def _is_iso(value: object) -> bool:
    return not isinstance(value, str) or bool(_ISO_Z.match(value))


@_FORMATS.checks("date-time-rfc-2822")
def _is_rfc2822(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_RFC2822.match(value)) and parsedate_to_datetime(value) is not None


@_FORMATS.checks("phone-number")
def _is_e164(value: object) -> bool:
    return not isinstance(value, str) or bool(re.match(r"^\+[1-9]\d{1,14}$", value))


SchemaCheck = Callable[[str, str, Any], None]


@pytest.fixture(scope="session")
def check_schema() -> SchemaCheck:
    """``check_schema(spec, schema_ref, instance)`` validates strictly against the spec.

    ``schema_ref`` is a component name (``trunking.v1.trunk.phone_number``) or
    ``"<path> <method> <status>"`` for a response body schema.
    """
    specs = {name: load_spec(name) for name in ("trunking_v1", "api_v2010")}

    def check(spec: str, schema_ref: str, instance: Any) -> None:
        document = specs[spec]
        if " " in schema_ref:
            path, method, status = schema_ref.split(" ")
            operation = document["paths"][path][method]
            target = operation["responses"][status]["content"]["application/json"]["schema"]
        else:
            target = {"$ref": f"#/components/schemas/{schema_ref}"}
        components = _to_json_schema(copy.deepcopy(document["components"]), strict=True)
        schema = {**_to_json_schema(target, strict=True), "components": components}
        validator = Draft202012Validator(schema, format_checker=_FORMATS)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])

    return check
