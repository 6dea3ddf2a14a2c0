"""The specs the tests use are byte-identical to the copies recorded in SOURCE.md."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from pulumi_twilio_trunking.properties import TRUNK_PHONE_NUMBER_PROPERTIES
from pulumi_twilio_trunking.twilio.models import TrunkPhoneNumber
from tests.twilio_spec import SPEC_DIR, load_spec

SOURCE = (SPEC_DIR.parent.parent / "SOURCE.md").read_text()


@pytest.mark.parametrize("path", sorted(SPEC_DIR.glob("*.json")), ids=lambda p: p.name)
def test_spec_copy_matches_its_recorded_hash(path: Path) -> None:
    recorded = re.search(rf"spec/json/{re.escape(path.name)} \| \w+ \| (\w+)", SOURCE)
    assert recorded, f"{path.name} is not listed in SOURCE.md"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == recorded.group(1)


def test_output_properties_are_exactly_the_spec_schema() -> None:
    schema = load_spec("trunking_v1")["components"]["schemas"]["trunking.v1.trunk.phone_number"]
    assert sorted(schema["properties"]) == sorted(TRUNK_PHONE_NUMBER_PROPERTIES)
    assert tuple(TrunkPhoneNumber.model_fields) == TRUNK_PHONE_NUMBER_PROPERTIES
    assert len(TRUNK_PHONE_NUMBER_PROPERTIES) == 26
