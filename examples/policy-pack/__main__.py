"""Policy pack "twilio-trunking": every rule of ``pulumi_twilio_trunking.policy``.

The Pulumi CLI has the Python language host run this directory with ``__name__ == "__main__"``
(``python -u <pack dir> <engine address>``; ``python -m pulumi.policy <engine> <pack dir>`` does the
same). The host passes the stack, project and stack config in ``PULUMI_STACK``, ``PULUMI_PROJECT``,
``PULUMI_CONFIG`` …, which pulumi-policy reads before each analysis. Constructing ``PolicyPack``
starts the analyzer gRPC server and never returns, so it happens only under the ``__main__`` guard;
importing this file (e.g. from tests with ``runpy.run_path(path, run_name="pack")``) only defines
``build_policies``.

Enforcement levels and rule parameters come from ``--policy-pack-config`` (see
``policy-config.json``); the defaults are those of each rule (docs/policy.md).
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, Policy, PolicyPack

from pulumi_twilio_trunking.policy import all_policies

PACK_NAME = "twilio-trunking"


def build_policies() -> list[Policy]:
    """The policies of this pack. Add your own here, or filter/replace the shipped ones."""
    return all_policies()


def main() -> None:
    PolicyPack(
        name=PACK_NAME,
        policies=build_policies(),
        # Only used for policies that set no level of their own; all shipped rules set one.
        enforcement_level=EnforcementLevel.ADVISORY,
        description="Guardrails for Twilio SIP trunk phone-number bindings.",
        display_name="Twilio SIP trunking",
        tags=["twilio", "sip-trunking"],
    )


if __name__ == "__main__":
    main()
