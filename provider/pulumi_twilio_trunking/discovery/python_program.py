"""The Python project over the dynamic resource: ``Pulumi.yaml``, ``bindings.json``, typed ``__main__.py``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from ..config import SNAPSHOT_TTL, STACK_CONFIG
from .model import ProjectEntry
from .output import COMMAND, MARK, description, yaml_string

DATA_FILE: Final = "bindings.json"


def _pulumi_yaml(project_name: str, virtualenv: Path, count: int, snapshot_ttl: int) -> str:
    return (
        f"{MARK}; rerun it rather than editing.\n"
        f"name: {yaml_string(project_name)}\n"
        f"description: {yaml_string(description(count))}\n"
        "runtime:\n"
        "  name: python\n"
        "  options:\n"
        "    toolchain: pip\n"
        f"    virtualenv: {yaml_string(str(virtualenv))}\n"
        "config:\n"
        "  # Lets one list request per trunk serve the import wave (stack config overrides it).\n"
        f"  {STACK_CONFIG.key(SNAPSHOT_TTL)}:\n"
        f"    value: {yaml_string(str(snapshot_ttl))}\n"
    )


MAIN_PY: Final = f'''{MARK}; rerun it rather than editing.
"""Existing Twilio trunk bindings, one ``TrunkPhoneNumberAssociation`` per entry of {DATA_FILE}.

Each is imported (``import_``: the first ``up`` adopts the binding, no POST) and protected, so
``pulumi destroy`` refuses to unbind it until you remove the protection on purpose. Each is named
after its number's SID, whichever source it came from; ``aliases`` holds the name an older
``discover`` gave it, so a stack made then sees no rename.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypedDict

import pulumi

from pulumi_twilio_trunking import TrunkPhoneNumberAssociation


class Binding(TypedDict):
    name: str
    id: str
    trunk_sid: str
    phone_number_sid: str
    phone_number: str | None
    aliases: list[str]


def load_bindings() -> list[Binding]:
    document = json.loads((Path(__file__).parent / "{DATA_FILE}").read_text(encoding="utf-8"))
    bindings: list[Binding] = document["bindings"]
    return bindings


bindings = [
    TrunkPhoneNumberAssociation(
        entry["name"],
        trunk_sid=entry["trunk_sid"],
        phone_number_sid=entry["phone_number_sid"],
        opts=pulumi.ResourceOptions(
            import_=entry["id"],
            protect=True,
            aliases=[pulumi.Alias(name=alias) for alias in entry["aliases"]],
        ),
    )
    for entry in load_bindings()
]
pulumi.export("binding_count", len(bindings))
'''


def _data_json(entries: Sequence[ProjectEntry], source: str) -> str:
    document = {
        "generated_by": COMMAND,
        "source": source,
        "bindings": [entry.to_json() for entry in entries],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def python_project(
    entries: Sequence[ProjectEntry], *, project_name: str, virtualenv: Path, snapshot_ttl: int, source: str
) -> dict[str, str]:
    """File name -> text; ``entries`` sorted by name, ``source`` "account" or "terraform"."""
    return {
        "Pulumi.yaml": _pulumi_yaml(project_name, virtualenv, len(entries), snapshot_ttl),
        "__main__.py": MAIN_PY,
        DATA_FILE: _data_json(entries, source),
    }
