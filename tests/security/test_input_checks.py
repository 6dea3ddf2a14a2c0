"""Values from a Terraform state, an API answer or a user that slip past a ``$``-anchored check.

``re.match(r"…{32}$")`` accepts a trailing newline; a Terraform address starting with ``-`` would be
an option to ``terraform state rm``; control characters have no place in a SID, a number, an address
or a base URL. Each is refused, naming the property, before it reaches a file, a script or a request.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pulumi_twilio_trunking.config import resolve_config
from pulumi_twilio_trunking.errors import ConfigurationError
from pulumi_twilio_trunking.properties import PHONE_NUMBER, PHONE_NUMBER_SID, TRUNK_SID, parse_binding_id
from pulumi_twilio_trunking.validation import validate_binding_inputs
from tests.discovery.terraform_fixtures import (
    PN_1,
    PN_2,
    PN_3,
    TRUNK_A,
    community_binding,
    twilio_binding,
)
from tests.security.discover_cli import ACCOUNT, CLI, TOKEN, run_discover
from tests.security.fake_api import FakeApi
from twilio_trunking_emulator.constants import (
    ACCOUNT_SID_RE,
    E164_RE,
    PHONE_NUMBER_SID_RE,
    TRUNK_SID_RE,
    sid_pattern,
)


def state_of(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"format_version": "1.0", "values": {"root_module": {"resources": list(resources)}}}


def discover_from(tmp_path: Path, document: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    state = tmp_path / "state.json"
    state.write_text(json.dumps(document))
    return subprocess.run(
        [str(CLI), "discover", "--from-terraform", str(state), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


HOSTILE_ADDRESSES = [
    'twilio_trunking_trunks_phone_numbers_v1.q["it\'s"]',
    'twilio_trunking_trunks_phone_numbers_v1.s["$(touch pwned)"]',
    'twilio_trunking_trunks_phone_numbers_v1.b["`touch pwned`; touch pwned"]',
    'module.m["a b"].twilio_trunking_trunks_phone_numbers_v1.x["\\\\ * ? ~ > pwned"]',
]


def test_the_handover_script_passes_hostile_addresses_as_single_arguments(tmp_path: Path) -> None:
    numbers = [PN_1, PN_2, PN_3, "PN" + "9" * 32]
    document = state_of(
        *(
            twilio_binding(address, "x", TRUNK_A, pn)
            for address, pn in zip(HOSTILE_ADDRESSES, numbers, strict=True)
        )
    )
    result = discover_from(tmp_path, document)
    assert result.returncode == 0, result.stderr
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "terraform").write_text(
        '#!/bin/sh\nprintf "%s\\0" "$@" >> "$CALLS"; printf "\\n" >> "$CALLS"\n'
    )
    (bin_dir / "terraform").chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    calls = tmp_path / "calls"
    subprocess.run(
        ["sh", str(tmp_path / "out" / "terraform-handover.sh")],
        cwd=work,
        check=True,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "CALLS": str(calls)},
    )
    recorded = [line.split("\0")[:-1] for line in calls.read_text().split("\n") if line]
    assert recorded == [["state", "rm", address] for address in sorted(HOSTILE_ADDRESSES)]
    assert list(work.iterdir()) == []  # nothing ran: no "pwned"
    assert not (tmp_path / "out" / "pwned").exists()


@pytest.mark.parametrize(
    ("address", "named"),
    [
        ("-lock=false", "address"),
        ("twilio_trunking_trunks_phone_numbers_v1.x\nrm -rf ~", "address"),
        ("twilio_trunking_trunks_phone_numbers_v1.x\x1b[2J", "address"),
    ],
)
def test_an_address_starting_with_a_dash_or_holding_control_characters_is_refused(
    tmp_path: Path, address: str, named: str
) -> None:
    result = discover_from(tmp_path, state_of(twilio_binding(address, "x", TRUNK_A, PN_1)))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert named in line and "control characters" in line and "'-'" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("trunk_sid", TRUNK_A + "\n"),
        ("phone_number_sid", PN_1 + "\n"),
        ("phone_number", "-14155550100"),
        ("phone_number", "+14155550100\n"),
        ("phone_number", "+1415$(id)"),
    ],
)
def test_terraform_attributes_are_checked_with_fullmatch(tmp_path: Path, attribute: str, value: str) -> None:
    resource = community_binding("twilio_sip_trunking_phone_number.n", "n", TRUNK_A, PN_1, "+14155550100")
    resource["values"][attribute] = value
    result = discover_from(tmp_path, state_of(resource))
    assert result.returncode == 2, result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert f"`{attribute}`" in line and "twilio_sip_trunking_phone_number.n" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "bad",
    [
        f"{TRUNK_A}/{PN_1}\nx",
        f"{TRUNK_A}\n/{PN_1}",
        f"{TRUNK_A}/{PN_1} x",
        f"{TRUNK_A}/PN{'1' * 31}\x00",
    ],
)
def test_a_binding_id_with_whitespace_or_control_characters_inside_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="looks like TK…/PN…"):
        parse_binding_id(bad)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080\n",
        " https://api.twilio.com",
        "https://api.twilio.com\t.evil.example",
        "-https://api.twilio.com",
        "https://api.twilio.com/\x00",
    ],
)
def test_a_base_url_with_control_characters_or_a_leading_dash_is_refused(url: str) -> None:
    env = {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_API_BASE_URL": url}
    with pytest.raises(ConfigurationError) as caught:
        resolve_config(None, env).client_settings()
    message = str(caught.value)
    assert message.startswith("environment variable TWILIO_API_BASE_URL ")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        (ACCOUNT_SID_RE, ACCOUNT),
        (TRUNK_SID_RE, TRUNK_A),
        (PHONE_NUMBER_SID_RE, PN_1),
        (E164_RE, "+14155550100"),
        (sid_pattern("AP"), "AP" + "0" * 32),
    ],
)
def test_the_emulators_patterns_refuse_a_trailing_newline(pattern: Any, value: str) -> None:
    assert pattern.match(value)
    assert not pattern.match(value + "\n")


def test_the_emulator_cli_refuses_an_account_sid_with_a_trailing_newline() -> None:
    result = subprocess.run(
        [str(CLI.with_name("twilio-trunking-emulator")), "--account-sid", ACCOUNT + "\n", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, "TWILIO_EMULATOR_AUTH_TOKEN": TOKEN},
    )
    assert result.returncode == 2
    assert "--account-sid" in result.stderr


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sid", PN_1 + "\n"),
        ("sid", "PN../../x"),
        ("phone_number", "-14155550100"),
        ("phone_number", "+1\x1b"),
    ],
)
def test_an_account_answer_with_a_malformed_number_is_refused(tmp_path: Path, field: str, value: str) -> None:
    def answer(path: str) -> tuple[int, dict[str, Any]]:
        if path.startswith(f"/v1/Trunks/{TRUNK_A}/PhoneNumbers"):
            item = {"sid": PN_1, "trunk_sid": TRUNK_A, "phone_number": "+14155550100", field: value}
            return 200, {"phone_numbers": [item], "meta": {"key": "phone_numbers", "next_page_url": None}}
        return 404, {"code": 20404, "message": "not found", "status": 404}

    with FakeApi(answer) as twilio:
        result = run_discover(twilio.base_url, tmp_path / "out", "--trunk", TRUNK_A)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert field in line and repr(value) in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (PHONE_NUMBER, "+14155550100\n"),
        (PHONE_NUMBER, "-14155550100"),
        (PHONE_NUMBER, "+1415\x005550100"),
        (PHONE_NUMBER_SID, PN_1 + "\n"),
        (TRUNK_SID, TRUNK_A + "\n"),
        (TRUNK_SID, "-" + TRUNK_A[1:]),
    ],
)
def test_binding_inputs_with_a_trailing_newline_dash_or_control_character_name_their_property(
    name: str, value: str
) -> None:
    number = {PHONE_NUMBER_SID: PN_1} if name == PHONE_NUMBER_SID else {PHONE_NUMBER: "+14155550100"}
    inputs = {TRUNK_SID: TRUNK_A, **number, name: value}
    (problem,) = validate_binding_inputs(inputs)
    assert problem.property == name
    assert repr(value) in problem.reason
