"""The ``twilio-trunking`` command.

Each subcommand is a module of this package with ``register(subparsers)``, which adds its parser
and sets ``handler`` (``Callable[[argparse.Namespace], int]``) as a default. Importing this package
and parsing the command line import nothing heavy; a handler imports what it needs.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
from collections.abc import Callable, Sequence
from typing import TypeAlias

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler: TypeAlias = Callable[[argparse.Namespace], int]

# Subcommand modules, in the order `--help` lists them.
SUBCOMMANDS = ("policy_pack", "discover")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="twilio-trunking",
        description="Tools for pulumi-twilio-trunking (Twilio SIP-trunk phone-number bindings).",
    )
    parser.add_argument(
        "--version", action="version", version=importlib.metadata.version("pulumi-twilio-trunking")
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name in SUBCOMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)
