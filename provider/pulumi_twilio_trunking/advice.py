"""The ways out of a refusal, written the way each front door's users write them.

The messages are one rule each, shared by the dynamic providers and the provider plugin; only the
spelling of an option differs (``adopt=True`` in a Python program, ``adopt: true`` in YAML).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from .ownership import ADOPT_EXISTING_ENV


@dataclass(frozen=True)
class Advice:
    """How users of one front door spell the options a refusal points to."""

    alias: Callable[[str], str]  # the resource's new name -> how to give it an alias of its old name
    reference: Callable[[str, str], str]  # resource name, binding id -> a read-only reference
    adopt: str
    import_: Callable[[str], str]  # binding id -> how to import exactly that binding

    def already_bound(self, *, name: str, trunk_sid: str, label: str, binding_id: str) -> str:
        """A create met a binding it did not make: the safe paths first, then the opt-ins."""
        return (
            f"phone number {label} is already bound to trunk {trunk_sid}, not by this resource; refusing "
            f"to share it. If this stack holds it under another name (a rename), keep it bound by giving "
            f"this resource {self.alias(name)}. To use a binding another stack owns, reference it "
            f"read-only (never unbound by this stack): {self.reference(name, binding_id)}. To take it "
            f"over (this stack then owns it, and its destroy unbinds it), set {self.adopt} or "
            f"{self.import_(binding_id)}; after an interrupted `pulumi up`, run "
            f"`{ADOPT_EXISTING_ENV}=true pulumi up` once."
        )


PYTHON_DYNAMIC: Final = Advice(
    alias=lambda name: 'aliases=[pulumi.Alias(name="OLD-NAME")] (OLD-NAME: the name it had)',
    reference=lambda name, id_: f'TrunkPhoneNumberAssociation.get("{name}", "{id_}")',
    adopt="adopt=True",
    import_=lambda id_: f'pulumi.ResourceOptions(import_="{id_}")',
)
