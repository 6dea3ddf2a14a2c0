"""The policy set as a whole, its config schemas, and the example pack in examples/policy-pack."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ResourceValidationPolicy,
    StackValidationPolicy,
)

from pulumi_twilio_trunking.policy import POLICY_NAMES, all_policies
from pulumi_twilio_trunking.properties import RESOURCE_TYPE

REPO = Path(__file__).resolve().parents[2]
PACK_DIR = REPO / "examples" / "policy-pack"
CONFIG_FILE = PACK_DIR / "policy-config.json"

EXPECTED = {
    "twilio-trunk-binding-well-formed": (ResourceValidationPolicy, EnforcementLevel.MANDATORY, set()),
    "twilio-phone-number-single-binding": (StackValidationPolicy, EnforcementLevel.MANDATORY, set()),
    "twilio-trunk-allowed": (
        ResourceValidationPolicy,
        EnforcementLevel.MANDATORY,
        {"allowedTrunkSids"},
    ),
    "twilio-trunk-binding-protected": (
        ResourceValidationPolicy,
        EnforcementLevel.ADVISORY,
        {"stackPattern"},
    ),
    "twilio-phone-number-country-allowed": (
        ResourceValidationPolicy,
        EnforcementLevel.ADVISORY,
        {"allowedCountryCodes"},
    ),
    "twilio-phone-number-country-allowed-stack": (
        StackValidationPolicy,
        EnforcementLevel.ADVISORY,
        {"allowedCountryCodes"},
    ),
}


def engine_schema(p: Policy) -> dict[str, Any]:
    """The JSON Schema the engine builds from a policy's config schema (resource/analyzer/config.go)."""
    schema: dict[str, Any] = {"type": "object"}
    if p.config_schema is not None:
        if p.config_schema.properties:
            schema["properties"] = p.config_schema.properties
        if p.config_schema.required:
            schema["required"] = p.config_schema.required
    return schema


def engine_config(p: Policy, given: dict[str, Any] | str | None) -> dict[str, Any]:
    """Defaults from the schema overlaid with a config file entry, minus the enforcement level."""
    config: dict[str, Any] = {}
    if p.config_schema is not None:
        for key, prop in p.config_schema.properties.items():
            if "default" in prop:
                config[key] = prop["default"]
    if isinstance(given, dict):
        config.update({k: v for k, v in given.items() if k != "enforcementLevel"})
    return config


@pytest.fixture(scope="module")
def policies() -> dict[str, Policy]:
    return {p.name: p for p in all_policies()}


def test_resource_type_is_the_dynamic_type_token() -> None:
    assert RESOURCE_TYPE == "pulumi-python:dynamic/twilio:TrunkPhoneNumberAssociation"


def test_policy_set(policies: dict[str, Policy]) -> None:
    assert list(policies) == list(POLICY_NAMES)
    assert set(policies) == set(EXPECTED)
    for name, p in policies.items():
        kind, level, config_keys = EXPECTED[name]
        assert isinstance(p, kind), name
        assert p.enforcement_level == level, name
        assert re.fullmatch(r"twilio(-[a-z0-9]+)+", name)
        assert p.description
        assert p.remediation_steps
        schema_keys = set(p.config_schema.properties) if p.config_schema else set()
        assert schema_keys == config_keys, name


def test_all_policies_returns_fresh_objects() -> None:
    first, second = all_policies(), all_policies()
    assert all(a is not b for a, b in zip(first, second, strict=True))


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_config_schema_is_valid_json_schema(policies: dict[str, Policy], name: str) -> None:
    p = policies[name]
    schema = engine_schema(p)
    # The engine validates with gojsonschema (draft 4/6/7); stay within what all of them accept.
    for validator in (jsonschema.Draft4Validator, jsonschema.Draft7Validator):
        validator.check_schema(schema)
        # the defaults the engine fills in must satisfy the schema themselves
        validator(schema).validate(engine_config(p, None))


@pytest.mark.parametrize(
    ("name", "config"),
    [
        ("twilio-trunk-allowed", {"allowedTrunkSids": ["TK123"]}),
        ("twilio-trunk-allowed", {"allowedTrunkSids": "TK0123456789abcdef0123456789abcdef"}),
        ("twilio-trunk-binding-protected", {"stackPattern": ""}),
        ("twilio-trunk-binding-protected", {"stackPattern": ["prod*"]}),
        ("twilio-phone-number-country-allowed", {"allowedCountryCodes": ["FR"]}),
        ("twilio-phone-number-country-allowed", {"allowedCountryCodes": [44]}),
        ("twilio-phone-number-country-allowed-stack", {"allowedCountryCodes": ["1", "1"]}),
    ],
)
def test_config_schema_rejects_bad_config(
    policies: dict[str, Policy], name: str, config: dict[str, Any]
) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(engine_schema(policies[name])).validate(config)


def test_example_config_matches_the_schemas(policies: dict[str, Policy]) -> None:
    config = json.loads(CONFIG_FILE.read_text())
    assert set(config) == set(POLICY_NAMES)  # it shows every rule
    for name, entry in config.items():
        p = policies[name]
        level = entry if isinstance(entry, str) else entry.get("enforcementLevel")
        assert level in {e.value for e in EnforcementLevel}
        jsonschema.Draft7Validator(engine_schema(p)).validate(engine_config(p, entry))


def test_importing_the_package_does_not_start_a_policy_server() -> None:
    code = (
        "import pulumi_twilio_trunking.policy as p, sys; "
        "print(len(p.all_policies())); "
        "print('pulumi_twilio_trunking.policy' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["6", "True"]


def test_example_pack_main_defines_policies_without_serving() -> None:
    code = (
        "import runpy, sys; "
        f"ns = runpy.run_path({str(PACK_DIR / '__main__.py')!r}, run_name='pack_under_test'); "
        "print(ns['PACK_NAME']); print(' '.join(p.name for p in ns['build_policies']()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    name, policy_names = done.stdout.splitlines()
    assert name == "twilio-trunking"
    assert policy_names.split() == list(POLICY_NAMES)


def test_pulumi_policy_yaml() -> None:
    project = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    runtime = project["runtime"]
    assert runtime["name"] == "python"
    assert project["version"]
    # Bound to no checkout layout: the python on PATH runs it (or a virtualenv the user adds), and
    # nothing names pulumi-twilio-trunking for `pulumi install` to resolve from a package index.
    assert runtime["options"] == {"toolchain": "pip"}
    assert not (PACK_DIR / "requirements.txt").exists()
    assert not (PACK_DIR / "venv").exists()


def test_the_policy_module_without_its_extra_ends_its_traceback_with_the_install_line() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['pulumi_policy'] = None; import pulumi_twilio_trunking.policy",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # An ImportError (caught by whoever imports it: tests/cli), not an exit of the interpreter.
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("pulumi_twilio_trunking.extras.PolicyExtraMissing: pulumi-policy is not installed")
    assert last.endswith('install the policy extra: pip install "pulumi-twilio-trunking[policy]"')
