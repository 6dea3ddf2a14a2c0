"""The example pack served for real (``python -m pulumi.policy``), driven over gRPC like the engine.

No Pulumi CLI is involved: the test plays the engine's part (GetAnalyzerInfo, Configure with the
reconciled ``policy-config.json``, Analyze, AnalyzeStack). This checks what unit tests cannot: the
pack directory loads, the props arrive through pulumi-policy's deserializer and unknown-checking
proxy, config arrives as a protobuf Struct, and the stack name comes from ``PULUMI_STACK``.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as pb
from pulumi.runtime.proto import analyzer_pb2_grpc

from pulumi_twilio_trunking.policy import POLICY_NAMES
from pulumi_twilio_trunking.properties import RESOURCE_TYPE

REPO = Path(__file__).resolve().parents[2]
PACK_DIR = REPO / "examples" / "policy-pack"
STACK = "prod-eu"
PROJECT = "twilio-demo"

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's unknown-string sentinel
TRUNK_ALLOWED = "TK0123456789abcdef0123456789abcdef"  # listed in policy-config.json
TRUNK_OTHER = "TK99999999999999999999999999999999"
NUMBER_SID = "PN0123456789abcdef0123456789abcdef"

LEVELS = {"advisory": pb.ADVISORY, "mandatory": pb.MANDATORY, "disabled": pb.DISABLED}


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(values)
    return s


def urn(name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{RESOURCE_TYPE}::{name}"


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    env = {
        **os.environ,
        "PULUMI_STACK": STACK,
        "PULUMI_PROJECT": PROJECT,
        "PULUMI_DRY_RUN": "true",
    }
    env.pop("PULUMI_CONFIG", None)
    # The engine address is only used for logging, and only if something goes wrong.
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(PACK_DIR)],
        cwd=PACK_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        if not ready:
            pytest.fail("the policy pack did not print its port within 60s")
        line = proc.stdout.readline().strip()
        if not line.isdigit():
            proc.kill()
            _, err = proc.communicate(timeout=10)
            pytest.fail(f"the policy pack did not start: stdout={line!r} stderr={err}")
        channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def configured(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> analyzer_pb2_grpc.AnalyzerStub:
    """Configure the pack as the engine would with --policy-pack-config policy-config.json."""
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    given = json.loads((PACK_DIR / "policy-config.json").read_text())
    request = pb.ConfigureAnalyzerRequest()
    for policy in info.policies:
        props: dict[str, Any] = {
            key: value["default"] for key, value in _schema_properties(policy).items() if "default" in value
        }
        level = policy.enforcementLevel
        entry = given.get(policy.name)
        if isinstance(entry, str):
            level = LEVELS[entry]
        elif isinstance(entry, dict):
            entry = dict(entry)
            if "enforcementLevel" in entry:
                level = LEVELS[entry.pop("enforcementLevel")]
            props.update(entry)
        request.policyConfig[policy.name].CopyFrom(
            pb.PolicyConfig(enforcementLevel=level, properties=struct(props))
        )
    analyzer.Configure(request)
    return analyzer


def _schema_properties(policy: pb.PolicyInfo) -> dict[str, Any]:
    from google.protobuf.json_format import MessageToDict

    return dict(MessageToDict(policy.configSchema).get("properties", {}))


def analyze(
    stub: analyzer_pb2_grpc.AnalyzerStub, name: str, props: dict[str, Any], *, protect: bool
) -> list[pb.AnalyzeDiagnostic]:
    response = stub.Analyze(
        pb.AnalyzeRequest(
            type=RESOURCE_TYPE,
            properties=struct(props),
            urn=urn(name),
            name=name,
            options=pb.AnalyzerResourceOptions(protect=protect),
        )
    )
    return list(response.diagnostics)


def by_policy(diagnostics: list[pb.AnalyzeDiagnostic]) -> dict[str, pb.AnalyzeDiagnostic]:
    result = {d.policyName: d for d in diagnostics}
    assert len(result) == len(diagnostics), [d.message for d in diagnostics]
    return result


def test_analyzer_info(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "twilio-trunking"
    assert [p.name for p in info.policies] == list(POLICY_NAMES)
    levels = {p.name: p.enforcementLevel for p in info.policies}
    assert levels["twilio-trunk-binding-well-formed"] == pb.MANDATORY
    assert levels["twilio-trunk-binding-protected"] == pb.ADVISORY
    types = {p.name: p.policy_type for p in info.policies}
    assert types["twilio-phone-number-single-binding"] == pb.POLICY_TYPE_STACK
    assert types["twilio-trunk-allowed"] == pb.POLICY_TYPE_RESOURCE


def test_compliant_binding(configured: analyzer_pb2_grpc.AnalyzerStub) -> None:
    props = {"trunk_sid": TRUNK_ALLOWED, "phone_number": "+14155550100"}
    assert analyze(configured, "ok", props, protect=True) == []


def test_violating_binding(configured: analyzer_pb2_grpc.AnalyzerStub) -> None:
    props = {"trunk_sid": TRUNK_OTHER, "phone_number": "+33142685300"}
    found = by_policy(analyze(configured, "paris", props, protect=False))
    assert set(found) == {
        "twilio-trunk-allowed",
        "twilio-trunk-binding-protected",
        "twilio-phone-number-country-allowed",
    }
    assert found["twilio-trunk-allowed"].enforcementLevel == pb.MANDATORY
    assert found["twilio-trunk-binding-protected"].enforcementLevel == pb.ADVISORY
    assert f"stack '{STACK}'" in found["twilio-trunk-binding-protected"].message
    assert "TrunkPhoneNumberAssociation 'paris'" in found["twilio-trunk-allowed"].message


def test_malformed_binding(configured: analyzer_pb2_grpc.AnalyzerStub) -> None:
    props = {"trunk_sid": TRUNK_ALLOWED, "phone_number_sid": NUMBER_SID, "phone_number": "+1415"}
    found = analyze(configured, "both", props, protect=True)
    assert {d.policyName for d in found} == {"twilio-trunk-binding-well-formed"}
    assert all(d.enforcementLevel == pb.MANDATORY for d in found)


def test_unknown_values_during_preview(configured: analyzer_pb2_grpc.AnalyzerStub) -> None:
    props = {"trunk_sid": UNKNOWN, "phone_number": UNKNOWN}
    found = by_policy(analyze(configured, "later", props, protect=False))
    # Only the rule that needs no property values fires; nothing reports "can't run policy".
    assert set(found) == {"twilio-trunk-binding-protected"}


def test_duplicate_bindings_in_the_stack(configured: analyzer_pb2_grpc.AnalyzerStub) -> None:
    def resource(name: str, props: dict[str, Any]) -> pb.AnalyzerResource:
        return pb.AnalyzerResource(type=RESOURCE_TYPE, properties=struct(props), urn=urn(name), name=name)

    response = configured.AnalyzeStack(
        pb.AnalyzeStackRequest(
            resources=[
                resource(
                    "main",
                    {
                        "trunk_sid": TRUNK_ALLOWED,
                        "phone_number_sid": NUMBER_SID,
                        "phone_number": "+14155550100",
                        "sid": NUMBER_SID,
                    },
                ),
                resource("copy", {"trunk_sid": TRUNK_OTHER, "phone_number": "+14155550100"}),
                resource("later", {"trunk_sid": UNKNOWN, "phone_number": UNKNOWN}),
            ]
        )
    )
    found = by_policy(list(response.diagnostics))
    assert set(found) == {"twilio-phone-number-single-binding"}
    duplicate = found["twilio-phone-number-single-binding"]
    assert duplicate.urn == urn("copy")
    assert duplicate.enforcementLevel == pb.MANDATORY
    assert urn("main") in duplicate.message
