"""The validators in ``tests.contract.openapi`` are not vacuous: they pass what the spec's authors
wrote and reject each kind of violation the other contract tests rely on them to catch."""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from pulumi_twilio_trunking.twilio.models import IncomingPhoneNumber, Trunk, TrunkPhoneNumber
from tests.contract.openapi import (
    FORM,
    ContractError,
    Operation,
    RecordedRequest,
    check_request,
    check_schema,
    find_operation,
    operations,
    request_errors,
    response_errors,
    schema_errors,
)

TK = "TK" + "a" * 32
PN = "PN" + "b" * 32
AC = "AC" + "c" * 32
BASIC = {"authorization": "Basic " + base64.b64encode(f"{AC}:token".encode()).decode()}
FORM_HEADERS = {**BASIC, "content-type": FORM}
PATHS = {
    "trunking_v1": (
        "/v1/Trunks",
        "/v1/Trunks/{Sid}",
        "/v1/Trunks/{TrunkSid}/PhoneNumbers",
        "/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid}",
    ),
    "api_v2010": (
        "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json",
        "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json",
    ),
}


def _empty_strings_as_null(value: Any) -> Any:
    """Twilio's own examples (and live responses) use "" for unset fields whose schema says null."""
    if isinstance(value, dict):
        return {k: _empty_strings_as_null(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_empty_strings_as_null(v) for v in value]
    return None if value == "" else value


def _examples() -> Iterator[tuple[Operation, str, str, Any]]:
    for spec, paths in PATHS.items():
        for op in operations(spec, paths):
            for status, response in op.responses.items():
                content = response.get("content", {}).get("application/json", {})
                for name, example in content.get("examples", {}).items():
                    yield op, status, name, example["value"]


EXAMPLES = list(_examples())


@pytest.mark.parametrize(
    ("op", "status", "example"),
    [(op, status, value) for op, status, _, value in EXAMPLES],
    ids=[f"{op.operation_id}-{status}-{name}" for op, status, name, _ in EXAMPLES],
)
def test_the_spec_examples_pass_the_response_validator(op: Operation, status: str, example: Any) -> None:
    schema = op.responses[status]["content"]["application/json"]["schema"]
    assert schema_errors(op.spec, schema, _empty_strings_as_null(example), strict=False) == []


def test_twilio_examples_break_their_own_schema_only_with_empty_strings() -> None:
    """The known deviation of real Twilio (docs/fidelity.md): "" where the schema allows only a
    pattern-matching string or null.  The validator sees it, and nothing else, in the examples."""
    broken = {
        f"{op.operation_id} {status} {name}": schema_errors(op.spec, op_schema, value, strict=False)
        for op, status, name, value in EXAMPLES
        if (op_schema := op.responses[status]["content"]["application/json"]["schema"])
    }
    assert broken["FetchPhoneNumber 200 fetch"]
    messages = [m for errors in broken.values() for m in errors]
    assert all(m.split(": ", 1)[1].startswith("'' ") for m in messages), messages


@pytest.mark.parametrize(
    ("op", "status", "example"),
    [(op, status, value) for op, status, _, value in EXAMPLES],
    ids=[f"{op.operation_id}-{status}-{name}" for op, status, name, _ in EXAMPLES],
)
def test_the_client_models_read_the_spec_examples(op: Operation, status: str, example: Any) -> None:
    """The project's client decodes what Twilio documents (empty strings included) without loss."""
    models: dict[str, type[BaseModel]] = {
        "Trunk": Trunk,
        "PhoneNumber": TrunkPhoneNumber,
        "IncomingPhoneNumber": IncomingPhoneNumber,
    }
    kind = op.operation_id.removeprefix("List").removeprefix("Fetch").removeprefix("Create")
    kind = kind.removeprefix("Update")
    items: list[dict[str, Any]] = [example]
    if op.operation_id.startswith("List"):
        key = {"Trunk": "trunks", "PhoneNumber": "phone_numbers"}.get(kind, "incoming_phone_numbers")
        items = example[key]
    for item in items:
        parsed = models[kind].model_validate(item)
        for name, value in parsed.model_dump().items():
            assert value == (None if item[name] == "" else item[name]), name


class TestSchemaValidator:
    def _number(self) -> dict[str, Any]:
        example = next(v for op, s, _, v in EXAMPLES if op.operation_id == "FetchPhoneNumber")
        number: dict[str, Any] = _empty_strings_as_null(copy.deepcopy(example))
        number["capabilities"]["fax"] = False
        return number

    def test_a_complete_resource_passes_strictly(self) -> None:
        check_schema("trunking_v1", "trunking.v1.trunk.phone_number", self._number())

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"sid": "PN123"}, "does not match"),
            ({"trunk_sid": "TK" + "g" * 32}, "does not match"),
            ({"date_created": "Thu, 30 Jul 2015 20:12:31 +0000"}, "is not a 'date-time'"),
            ({"phone_number": "4158675309"}, "is not a 'phone-number'"),
            ({"url": "not a url"}, "is not a 'uri'"),
            ({"links": {"phone_number": "mailto:x"}}, "is not a 'uri-map'"),
            ({"voice_method": "PUT"}, "is not one of"),
            ({"address_requirements": None}, "is not one of"),
            ({"beta": "false"}, "is not of type"),
            ({"unexpected": 1}, "Additional properties"),
        ],
    )
    def test_each_kind_of_violation_is_caught(self, change: dict[str, Any], message: str) -> None:
        with pytest.raises(ContractError, match=message):
            check_schema("trunking_v1", "trunking.v1.trunk.phone_number", {**self._number(), **change})

    def test_strict_mode_wants_every_property_and_lenient_mode_does_not(self) -> None:
        number = self._number()
        del number["voice_url"]
        with pytest.raises(ContractError, match="'voice_url' is a required property"):
            check_schema("trunking_v1", "/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid} get 200", number)
        check_schema("trunking_v1", "/v1/Trunks/{TrunkSid}/PhoneNumbers/{Sid} get 200", number, strict=False)

    def test_responses_must_use_a_declared_status_or_a_twilio_error(self) -> None:
        create, _ = find_operation("POST", f"/v1/Trunks/{TK}/PhoneNumbers")
        body = b'{"code": 20404, "message": "nope", "more_info": "https://www.twilio.com/docs/errors/20404", '
        assert response_errors(create, 404, "application/json", body + b'"status": 404}') == []
        assert response_errors(create, 404, "application/json", body + b'"status": 400}')
        assert response_errors(create, 404, "application/json", b'{"message": "nope"}')
        assert response_errors(create, 404, "text/html", b"<html/>")
        assert response_errors(create, 200, "application/json", b"{}")  # 201 is the declared one
        assert response_errors(create, 500, "application/json", body + b'"status": 500}')
        delete, _ = find_operation("DELETE", f"/v1/Trunks/{TK}/PhoneNumbers/{PN}")
        assert response_errors(delete, 204, None, b"") == []
        assert response_errors(delete, 204, "application/json", b"{}")


class TestRequestValidator:
    def test_operations_are_found_by_method_and_path(self) -> None:
        op, params = find_operation("GET", f"/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers/{PN}.json")
        assert op.operation_id == "FetchIncomingPhoneNumber"
        assert params == {"AccountSid": AC, "Sid": PN}
        local, _ = find_operation("GET", f"/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers/Local.json")
        assert local.operation_id == "ListIncomingPhoneNumberLocal"
        with pytest.raises(ContractError, match="no operation POST"):
            find_operation("POST", f"/v1/Trunks/{TK}/PhoneNumbers/{PN}")
        with pytest.raises(ContractError, match="no path"):
            find_operation("GET", "/v1/PhoneNumbers")

    def test_well_formed_requests_pass(self) -> None:
        base = "https://trunking.twilio.com"
        check_request(
            RecordedRequest(
                "POST", f"{base}/v1/Trunks/{TK}/PhoneNumbers", FORM_HEADERS, f"PhoneNumberSid={PN}".encode()
            )
        )
        check_request(RecordedRequest("GET", f"{base}/v1/Trunks/{TK}/PhoneNumbers?PageSize=1000", BASIC))
        check_request(
            RecordedRequest(
                "POST", f"{base}/v1/Trunks/{TK}", FORM_HEADERS, b"Secure=true&TransferMode=enable-all"
            )
        )
        numbers = f"https://api.twilio.com/2010-04-01/Accounts/{AC}/IncomingPhoneNumbers.json"
        check_request(RecordedRequest("GET", f"{numbers}?PhoneNumber=%2B14155550100&Beta=false", BASIC))

    @pytest.mark.parametrize(
        ("method", "path", "headers", "body", "message"),
        [
            ("GET", f"/v1/Trunks/{TK[:-1]}/PhoneNumbers", BASIC, b"", "path TrunkSid"),
            ("GET", f"/v1/Trunks/{TK}/PhoneNumbers?Limit=5", BASIC, b"", "query: Additional properties"),
            ("GET", f"/v1/Trunks/{TK}/PhoneNumbers?PageSize=1001", BASIC, b"", "maximum of 1000"),
            ("GET", f"/v1/Trunks/{TK}/PhoneNumbers?PageSize=x", BASIC, b"", "is not of type 'integer'"),
            ("GET", f"/v1/Trunks/{TK}/PhoneNumbers?Page=1&Page=2", BASIC, b"", "repeated"),
            ("GET", f"/v1/Trunks/{TK}", BASIC, b"x=1", "takes no request body"),
            ("POST", f"/v1/Trunks/{TK}/PhoneNumbers", FORM_HEADERS, b"", "'PhoneNumberSid' is a required"),
            ("POST", f"/v1/Trunks/{TK}/PhoneNumbers", FORM_HEADERS, b"PhoneNumberSid=PN1", "does not match"),
            (
                "POST",
                f"/v1/Trunks/{TK}/PhoneNumbers",
                FORM_HEADERS,
                f"PhoneNumberSid={PN}&X=1".encode(),
                "'X'",
            ),
            (
                "POST",
                f"/v1/Trunks/{TK}/PhoneNumbers",
                {**BASIC, "content-type": "application/json"},
                f'{{"PhoneNumberSid": "{PN}"}}'.encode(),
                "content type",
            ),
            ("POST", f"/v1/Trunks/{TK}", FORM_HEADERS, b"Secure=yes", "is not of type 'boolean'"),
            ("POST", f"/v1/Trunks/{TK}", FORM_HEADERS, b"TransferMode=all", "is not one of"),
            ("POST", f"/v1/Trunks/{TK}", FORM_HEADERS, b"DisasterRecoveryUrl=nope", "is not a 'uri'"),
            ("GET", f"/v1/Trunks/{TK}", {}, b"", "Basic"),
            ("GET", f"/v1/Trunks/{TK}", {**BASIC, "accept": "application/xml"}, b"", "Accept"),
            ("PUT", f"/v1/Trunks/{TK}", BASIC, b"", "no operation PUT"),
        ],
    )
    def test_each_kind_of_violation_is_caught(
        self, method: str, path: str, headers: dict[str, str], body: bytes, message: str
    ) -> None:
        errors = request_errors(RecordedRequest(method, f"http://127.0.0.1:1{path}", headers, body))
        assert any(message in e for e in errors), errors
