"""The ``terraform show -json`` parser: both resource types, every module, addresses, errors."""

from __future__ import annotations

import copy
import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from pulumi_twilio_trunking.discovery import (
    DiscoveredBinding,
    TerraformStateError,
    load_terraform_state,
    parse_terraform_state,
)
from pulumi_twilio_trunking.discovery.writer import handover_script
from tests.discovery.terraform_fixtures import (
    PN_1,
    PN_2,
    PN_3,
    PN_4,
    PN_5,
    TRUNK_A,
    TRUNK_B,
    community_binding,
    show_json,
    twilio_binding,
)

LEGACY_ADDRESS = 'module.sip.module.legacy["eu"].twilio_sip_trunking_phone_number.this["it\'s"]'


def test_reads_both_resource_types_in_every_module() -> None:
    found = {b.address: b.binding for b in parse_terraform_state(show_json())}
    assert found == {
        "twilio_trunking_trunks_phone_numbers_v1.main": DiscoveredBinding(TRUNK_A, PN_1),
        "twilio_trunking_trunks_phone_numbers_v1.lines[0]": DiscoveredBinding(TRUNK_B, PN_2),
        'module.sip.twilio_sip_trunking_phone_number.numbers["+14155550103"]': DiscoveredBinding(
            TRUNK_A, PN_3, "+14155550103"
        ),
        LEGACY_ADDRESS: DiscoveredBinding(TRUNK_B, PN_4, "+442071838750"),
    }
    assert [b.address for b in parse_terraform_state(show_json())] == sorted(found)


def test_other_resource_types_and_data_sources_are_ignored() -> None:
    addresses = {b.address for b in parse_terraform_state(show_json())}
    assert "twilio_sip_trunking_trunk.trunk" not in addresses
    assert not any(a.startswith("data.") for a in addresses)


def test_an_empty_state_has_no_bindings() -> None:
    # `terraform show -json` of a state without resources has no `values` at all.
    assert parse_terraform_state({"format_version": "1.0"}) == []


@pytest.mark.parametrize("attribute", ["trunk_sid", "phone_number_sid"])
def test_a_missing_attribute_names_the_address(attribute: str) -> None:
    document = show_json()
    resource = document["values"]["root_module"]["child_modules"][0]["resources"][0]
    del resource["values"][attribute]
    if attribute == "phone_number_sid":
        del resource["values"]["sid"]
    with pytest.raises(TerraformStateError) as raised:
        parse_terraform_state(document)
    message = str(raised.value)
    assert resource["address"] in message
    assert attribute in message


def test_a_malformed_sid_names_the_address_and_the_value() -> None:
    document = {
        "format_version": "1.0",
        "values": {
            "root_module": {
                "resources": [
                    twilio_binding("twilio_trunking_trunks_phone_numbers_v1.x", "x", "TKnope", PN_5)
                ]
            }
        },
    }
    with pytest.raises(
        TerraformStateError,
        match=r"twilio_trunking_trunks_phone_numbers_v1\.x: `trunk_sid` should look like TK…; got 'TKnope'",
    ):
        parse_terraform_state(document)


def test_not_a_show_json_document(tmp_path: Path) -> None:
    raw = tmp_path / "terraform.tfstate"
    raw.write_text(json.dumps({"version": 4, "resources": []}))
    with pytest.raises(TerraformStateError, match="terraform show -json"):
        load_terraform_state(raw)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{")
    with pytest.raises(TerraformStateError, match="is not JSON"):
        load_terraform_state(garbage)


def test_handover_script_quotes_every_address(tmp_path: Path) -> None:
    found = parse_terraform_state(show_json())
    script = handover_script([b.address for b in found])
    commands = [line for line in script.splitlines() if line.startswith("terraform ")]
    assert [shlex.split(c) for c in commands] == [["terraform", "state", "rm", b.address] for b in found]
    assert "terraform state rm 'twilio_trunking_trunks_phone_numbers_v1.lines[0]'" in commands
    assert (
        "terraform state rm 'module.sip.twilio_sip_trunking_phone_number.numbers[\"+14155550103\"]'"
        in commands
    )
    # Run it with a stand-in `terraform` that records its arguments, one line per call.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "terraform"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\t" "$a"; done >> "$CALLS"; echo >> "$CALLS"\n')
    fake.chmod(0o755)
    path = tmp_path / "handover.sh"
    path.write_text(script)
    calls = tmp_path / "calls"
    subprocess.run(
        ["sh", str(path)], check=True, env={"PATH": f"{bin_dir}:/usr/bin:/bin", "CALLS": str(calls)}
    )
    recorded = [line.rstrip("\t").split("\t") for line in calls.read_text().splitlines()]
    assert recorded == [["state", "rm", b.address] for b in found]
    shellcheck = shutil.which("shellcheck") or str(
        Path(__file__).resolve().parents[2] / ".venv/bin/shellcheck"
    )
    if Path(shellcheck).exists():
        subprocess.run([shellcheck, str(path)], check=True)


def test_duplicate_addresses_for_one_binding_are_kept_for_the_handover() -> None:
    document = copy.deepcopy(show_json())
    document["values"]["root_module"]["resources"].append(
        community_binding("twilio_sip_trunking_phone_number.dup", "dup", TRUNK_A, PN_1, "+14155550101")
    )
    found = parse_terraform_state(document)
    assert [b.address for b in found if b.binding.phone_number_sid == PN_1] == [
        "twilio_sip_trunking_phone_number.dup",
        "twilio_trunking_trunks_phone_numbers_v1.main",
    ]
