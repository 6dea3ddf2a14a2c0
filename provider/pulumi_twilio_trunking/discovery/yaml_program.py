"""The YAML project: one ``Pulumi.yaml`` that declares every binding as the provider plugin's resource.

The plugin is referenced by path (``plugins.providers``: the ``bin`` folder of a virtualenv where
pulumi-twilio-trunking is installed), so nothing has to be on ``PATH`` or published anywhere. Every
value is written as a double-quoted YAML string (E.164 numbers would otherwise be read as numbers),
and each SID and number was checked against its rule when the binding was found
(:class:`.model.DiscoveredBinding`), so none can carry YAML structure or a ``${…}`` expression.

No ``aliases``: pulumi-yaml (v1.25) takes an alias only as a whole URN, which names the stack, and
no ``discover`` before this one wrote a YAML project, so no stack holds an older name of these
resources.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from ..config import PLUGIN_CONFIG, SNAPSHOT_TTL
from ..properties import (
    PHONE_NUMBER,
    PHONE_NUMBER_SID,
    PLUGIN_ASSOCIATION_TYPE,
    PLUGIN_PACKAGE,
    RESOURCE_NAME,
    TRUNK_SID,
    camel,
)
from .model import DiscoveredValueError, ProjectEntry
from .output import MARK, description, yaml_string

PLUGIN_EXECUTABLE: Final = f"pulumi-resource-{PLUGIN_PACKAGE}"
# What assign_names makes of SIDs: a plain YAML key, never quoted.
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def _header(source: str) -> str:
    origin = "the Twilio account" if source == "account" else "a Terraform state"
    return (
        f"{MARK}; rerun it rather than editing.\n"
        f"# Existing Twilio trunk bindings read from {origin}, one {RESOURCE_NAME} of the\n"
        "# provider plugin each. Each is imported (the `import` option names its trunk and number: the\n"
        "# first `up` adopts the binding, no POST; its id is then the number's PN SID) and protected, so\n"
        "# `pulumi destroy` refuses to unbind it until you remove the protection on purpose. Each is named\n"
        "# after its number's SID, and declared by its E.164 number when the source knew it.\n"
    )


def _resource(entry: ProjectEntry) -> str:
    binding = entry.binding
    if not _NAME.fullmatch(entry.name):
        raise ValueError(f"not a resource name discover gives: {entry.name!r}")
    number = (
        (PHONE_NUMBER, binding.phone_number)
        if binding.phone_number is not None
        else (PHONE_NUMBER_SID, binding.phone_number_sid)
    )
    return (
        f"  {entry.name}:\n"
        f"    type: {PLUGIN_ASSOCIATION_TYPE}\n"
        "    properties:\n"
        f"      {camel(TRUNK_SID)}: {yaml_string(binding.trunk_sid)}\n"
        f"      {camel(number[0])}: {yaml_string(number[1])}\n"
        "    options:\n"
        f"      import: {yaml_string(binding.id)}\n"
        "      protect: true\n"
    )


def _one_trunk_per_number(entries: Sequence[ProjectEntry]) -> None:
    """The plugin names a binding by its number, so a number must be on one trunk only."""
    trunks: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        trunks[entry.binding.phone_number_sid].append(entry.binding.trunk_sid)
    for number_sid, found in sorted(trunks.items()):
        if len(found) > 1:
            raise DiscoveredValueError(
                f"the source binds phone number {number_sid} to {len(found)} trunks "
                f"({', '.join(sorted(found))}), but a number is on one trunk at most, so the source is "
                "stale: refresh it (`terraform apply -refresh-only`), then run discover again"
            )


def yaml_project(
    entries: Sequence[ProjectEntry], *, project_name: str, plugin_dir: Path, snapshot_ttl: int, source: str
) -> dict[str, str]:
    """File name -> text; ``entries`` sorted by name, ``source`` "account" or "terraform"."""
    _one_trunk_per_number(entries)
    text = (
        _header(source)
        + f"name: {yaml_string(project_name)}\n"
        + f"description: {yaml_string(description(len(entries)))}\n"
        + "runtime: yaml\n"
        + "plugins:\n"
        + "  providers:\n"
        + f"    - name: {PLUGIN_PACKAGE}\n"
        + f"      path: {yaml_string(str(plugin_dir))}\n"
        + "config:\n"
        + "  # Lets a trunk's list snapshot serve the whole import wave (stack config overrides it).\n"
        + f"  {PLUGIN_CONFIG.key(SNAPSHOT_TTL)}:\n"
        + f"    value: {snapshot_ttl:d}\n"
        + ("resources:\n" + "".join(_resource(e) for e in entries) if entries else "resources: {}\n")
    )
    return {"Pulumi.yaml": text}
