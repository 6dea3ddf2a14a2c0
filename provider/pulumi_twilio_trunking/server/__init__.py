"""The ``twilio-trunking`` Pulumi resource provider plugin (run as ``pulumi-resource-twilio-trunking``).

It serves ``twilio-trunking:index:TrunkPhoneNumberAssociation`` and ``twilio-trunking:index:ExclusiveTrunk``
to programs in any language (YAML, Python through ``pulumi_twilio_trunking.plugin``, TypeScript, Go),
over the same core as the dynamic provider. The engine starts it with its own address as the argument.
"""

from __future__ import annotations

import argparse
import importlib.metadata


def main() -> None:
    from ..reporting import report_to
    from .engine_log import EngineLog
    from .provider import TrunkingProvider
    from .servicer import serve

    # The engine's address is the one positional argument (flags such as --logtostderr may come too).
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("engine")
    known, _ = parser.parse_known_args()
    report_to(EngineLog(known.engine))
    serve(known.engine, importlib.metadata.version("pulumi-twilio-trunking"), TrunkingProvider())
