"""Property-based API run: schemathesis generates requests from the official specs (trunks, trunk
phone numbers, IncomingPhoneNumbers) and sends them to a live emulator process with Basic auth.

For every response: no 5xx; a status the operation declares comes with a body its schema accepts
(checked twice: by schemathesis's own validator and strictly by ``tests.contract.openapi``); any
undeclared status is a 4xx with Twilio's error body (code, message, more_info, status), since the
specs declare no error responses at all.

Bounded and deterministic: ``derandomize=True`` and a fixed number of examples per operation.
Every run starts from the same seeded state and every example of a write (POST, DELETE) is
reseeded first, so destructive operations (trunk DELETE) do not starve the others and a failure
replays exactly.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode, Response
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
)

from tests.contract.openapi import (
    Operation,
    RecordedRequest,
    find_operation,
    operations,
    response_errors,
)
from tests.twilio_spec import load_spec
from twilio_trunking_emulator import EmulatorProcess, run_emulator_process

AUTH_TOKEN = "schemathesis-token-31f0"
ACCOUNT = "AC" + "5" * 32
TRUNK = "TK" + "1" * 32
OTHER_TRUNK = "TK" + "2" * 32
BOUND = "PN" + "3" * 32
FREE = "PN" + "4" * 32
SEED = {
    "trunks": [
        {"sid": TRUNK, "friendly_name": "main", "domain_name": "fuzz-main.pstn.twilio.com"},
        {"sid": OTHER_TRUNK, "friendly_name": "other"},
    ],
    "phone_numbers": [
        {"sid": BOUND, "phone_number": "+14155550100", "friendly_name": "bound", "trunk_sid": TRUNK},
        {"sid": FREE, "phone_number": "+14155550101", "friendly_name": "free"},
    ],
}
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
OPERATIONS = [op for spec, paths in PATHS.items() for op in operations(spec, paths)]
KNOWN_PATH_PARAMETERS = {"AccountSid": ACCOUNT, "TrunkSid": TRUNK}
"""Path parameters of existing resources (``Sid`` is the trunk or the bound number, by path)."""
MAX_EXAMPLES = 25
SCHEMATHESIS_CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
    # A request that breaks the spec (negative mode) must be refused with a 4xx.  Twilio's own
    # leniency is not published; an emulator at least this strict catches a client's mistakes.
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def emulator_process() -> Iterator[EmulatorProcess]:
    """The emulator as its CLI runs it: a separate process on a free port."""
    with run_emulator_process(account_sid=ACCOUNT, auth_token=AUTH_TOKEN) as process:
        yield process


@pytest.fixture(scope="module")
def schemas(emulator_process: EmulatorProcess) -> dict[str, Any]:
    """One loaded schema per spec (the 2010 spec is large: load it once)."""
    return {spec: _schema(spec, emulator_process) for spec in PATHS}


@pytest.fixture(scope="module")
def session(emulator_process: EmulatorProcess) -> Iterator[requests.Session]:
    """Keep-alive connections only: credentials come from the schema's config, so that the
    negative cases that leave out or spoil ``Authorization`` really go without it."""
    with requests.Session() as s:
        yield s


# Twilio's "phone-number" format is E.164; schemathesis knows no such format and would generate
# any string, so that no number could ever be provisioned.
schemathesis.openapi.format("phone-number", st.from_regex(r"\A\+1[2-9][0-9]{9}\Z"))


def _schema(spec: str, emulator_process: EmulatorProcess) -> Any:
    schema = schemathesis.openapi.from_dict(copy.deepcopy(load_spec(spec)))
    schema.config.update(base_url=emulator_process.base_url, basic_auth=emulator_process.auth)
    if spec == "api_v2010":
        # The 2010 list envelope's ``*_uri`` fields say ``format: uri`` (RFC 3986: absolute), yet
        # Twilio serves them relative to https://api.twilio.com, as the spec's own examples show.
        # schemathesis's validator therefore checks no formats here; tests.contract.openapi still
        # does (a "uri" there is an absolute URL or an absolute path; see docs/fidelity.md).
        schema.config.checks.response_schema_conformance.validate_formats = False
    return schema


def _known(op: Operation) -> dict[str, str]:
    sid = BOUND if "PhoneNumbers" in op.path else TRUNK
    return {name: KNOWN_PATH_PARAMETERS.get(name, sid) for name in op.parameters("path")}


KNOWN_BODIES = {
    # Generated SIDs name nothing, so generated writes mostly (rightly) fail: on existing
    # resources, part of the examples use a body that names existing ones, so that writes succeed.
    "CreatePhoneNumber": {"PhoneNumberSid": FREE},
    "UpdateTrunk": {"FriendlyName": "renamed", "TransferMode": "enable-all"},
    "CreateIncomingPhoneNumber": {"PhoneNumber": "+14155550177", "TrunkSid": OTHER_TRUNK},
    "UpdateIncomingPhoneNumber": {"TrunkSid": OTHER_TRUNK, "FriendlyName": "moved"},
}


def _check(case: Case[Any], response: Response, op: Operation) -> None:
    request = RecordedRequest.from_prepared(response.request)
    # The path as sent names the operation (a generated parameter never routes elsewhere).
    assert find_operation(request.method, request.path)[0] == op, f"{request} is not {op.label}"
    case.validate_response(response, checks=SCHEMATHESIS_CHECKS)
    content_type = next(iter(response.headers.get("content-type", [])), None)
    errors = response_errors(op, response.status_code, content_type, response.content)
    assert errors == [], f"{request} → {response.status_code}: {errors}"


VARIANTS = [
    pytest.param(GenerationMode.POSITIVE, False, id="positive-generated"),
    pytest.param(GenerationMode.POSITIVE, True, id="positive-existing"),
    pytest.param(GenerationMode.NEGATIVE, False, id="negative-generated"),
]


@pytest.mark.parametrize(("mode", "existing"), VARIANTS)
@pytest.mark.parametrize("op", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_generated_requests_get_contract_answers(
    emulator_process: EmulatorProcess,
    schemas: dict[str, Any],
    session: requests.Session,
    op: Operation,
    mode: GenerationMode,
    existing: bool,
) -> None:
    api_operation = schemas[op.spec][op.path][op.method.upper()]
    kwargs: dict[str, Any] = {"generation_mode": mode}
    if existing:
        kwargs["path_parameters"] = _known(op)
    strategy = api_operation.as_strategy(**kwargs)
    if existing and op.operation_id in KNOWN_BODIES:
        known = api_operation.as_strategy(**kwargs, body=KNOWN_BODIES[op.operation_id])
        strategy = st.one_of(known, strategy)
    statuses: set[int] = set()
    emulator_process.control.reset()
    emulator_process.control.seed(SEED)

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Case[Any]) -> None:
        if op.method != "get":  # reads change nothing: reseed only after a write
            emulator_process.control.reset()
            emulator_process.control.seed(SEED)
        response = case.call(session=session, timeout=10)
        statuses.add(response.status_code)
        _check(case, response, op)

    run()
    if existing and mode is GenerationMode.POSITIVE:
        assert statuses & {int(s) for s in op.responses}, f"{op.label} never succeeded: {sorted(statuses)}"
