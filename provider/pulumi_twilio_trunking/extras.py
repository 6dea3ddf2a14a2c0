"""What an optional extra of the distribution brings, and the one line that says a missing one.

Stdlib only, and outside the packages that need an extra, so that a command can say what to
install without importing (or failing to import) the extra itself.
"""

from __future__ import annotations

import sys

POLICY_EXTRA_INSTALL = 'pip install "pulumi-twilio-trunking[policy]"'


class PolicyExtraMissing(ImportError):
    """``pulumi_twilio_trunking.policy`` needs pulumi-policy, which the ``policy`` extra installs.

    Its message is the one line to show the user (a command prefixes it with its own name).
    """

    def __init__(self) -> None:
        super().__init__(
            f"pulumi-policy is not installed in {sys.prefix}; install the policy extra: "
            f"{POLICY_EXTRA_INSTALL}",
            name="pulumi_policy",
        )
