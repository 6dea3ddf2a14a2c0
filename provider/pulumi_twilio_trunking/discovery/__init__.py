"""Discovery: write a Pulumi project that brings existing trunk bindings under a stack in one step.

The bindings come from the Twilio account (:func:`discover_account`) or from a Terraform state
(:func:`parse_terraform_state`, ``terraform show -json``); :func:`render_project` renders the
project, a Python program over the dynamic resource or a YAML one over the provider plugin, and
:func:`write_project` writes it. Every binding is declared imported (``import_`` / ``import``:
``TK…/PN…``) and protected, so the first ``pulumi up`` adopts them without a single POST or DELETE.
"""

from __future__ import annotations

from .account import discover_account
from .model import DiscoveredBinding, DiscoveredValueError, ProjectEntry, assign_names
from .terraform import TerraformBinding, TerraformStateError, load_terraform_state, parse_terraform_state
from .writer import DiscoveryOutputError, render_project, write_project

__all__ = [
    "DiscoveredBinding",
    "DiscoveredValueError",
    "DiscoveryOutputError",
    "ProjectEntry",
    "TerraformBinding",
    "TerraformStateError",
    "assign_names",
    "discover_account",
    "load_terraform_state",
    "parse_terraform_state",
    "render_project",
    "write_project",
]
