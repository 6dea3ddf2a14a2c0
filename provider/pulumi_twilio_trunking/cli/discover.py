"""``twilio-trunking discover``: an existing account (or Terraform state) into a Pulumi project.

    twilio-trunking discover [--trunk TK…]... [--language python|yaml] --out DIR
    twilio-trunking discover --from-terraform STATE.json [--language python|yaml] --out DIR

Reads the account with the same ``TWILIO_*`` variables the provider reads (one list request per
page of trunks and per page of each trunk's numbers), or a ``terraform show -json`` document (no
Twilio call at all), and writes a project whose first ``pulumi up`` adopts every binding through
the import option without a POST, each one protected: a Python program over the dynamic resource,
or (``--language yaml``) a YAML program over the provider plugin. See
:mod:`pulumi_twilio_trunking.discovery`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import Subparsers
from .policy_pack import current_virtualenv

if TYPE_CHECKING:
    from ..discovery import DiscoveredBinding

PROG = "twilio-trunking discover"
EXIT_FAILURE = 1
EXIT_USAGE = 2
# The program languages discover writes (discovery.output.LANGUAGES, which a test keeps equal); named
# here because parsing the command line imports nothing heavy.
LANGUAGES = ("python", "yaml")


HELP = "write a Pulumi project that adopts the account's existing trunk bindings"
DESCRIPTION = (
    "Read every trunk's phone-number bindings (or only the --trunk ones) from Twilio, with "
    "the TWILIO_* environment variables the provider reads, or from `terraform show -json` "
    "output (--from-terraform), and write a Pulumi project into --out that imports each binding "
    "(protected) on its first `pulumi up`, without binding or unbinding anything: a Python program "
    "over the dynamic resource, or a YAML program over the provider plugin (--language yaml)."
)


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("discover", help=HELP, description=DESCRIPTION)
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="the project directory")
    parser.add_argument(
        "--trunk",
        action="append",
        default=[],
        metavar="TK…",
        help="only this trunk SID (repeat for several); default: every trunk of the account",
    )
    parser.add_argument(
        "--from-terraform",
        type=Path,
        metavar="STATE.json",
        help="read the bindings from `terraform show -json` output instead of Twilio, and also write "
        "terraform-handover.sh with the `terraform state rm` commands that hand them over",
    )
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default=LANGUAGES[0],
        help="the program's language: python (the dynamic resource; the default) or yaml (the provider "
        "plugin, referenced from the virtualenv's bin folder)",
    )
    parser.add_argument(
        "--virtualenv",
        type=Path,
        metavar="PATH",
        help="the virtualenv the project runs in, or (yaml) whose bin folder holds the provider plugin "
        "(default: this Python's, by absolute path)",
    )
    parser.add_argument(
        "--project-name",
        default=None,
        metavar="NAME",
        help="Pulumi project name (default: the name of DIR, made a valid project name)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty DIR (only files this command wrote are rewritten)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..discovery import (
        DiscoveredValueError,
        DiscoveryOutputError,
        TerraformStateError,
        assign_names,
        load_terraform_state,
        render_project,
        write_project,
    )
    from ..discovery.writer import HANDOVER_FILE, is_project_name, plugin_dir, project_name_for
    from ..discovery.yaml_program import PLUGIN_EXECUTABLE
    from ..errors import ConfigurationError
    from ..twilio.errors import TwilioError
    from ..validation import TRUNK_SID_PATTERN, is_trunk_sid

    trunks: list[str] = args.trunk
    for trunk in trunks:
        if not is_trunk_sid(trunk):
            rule = f"a trunk SID matching {TRUNK_SID_PATTERN} (TK + 32 hex digits)"
            return _usage(f"--trunk must be {rule}; got {trunk!r}")
    if args.project_name is not None and not is_project_name(args.project_name):
        return _usage(
            "--project-name must be a Pulumi project name: letters, digits, '-', '_' and '.', at most "
            f"100 characters; got {args.project_name!r}"
        )
    virtualenv: Path | None = args.virtualenv.absolute() if args.virtualenv else current_virtualenv()
    if virtualenv is None:
        return _usage(
            f"{sys.executable} is not the python of a virtualenv; pass --virtualenv PATH "
            "(one with pulumi-twilio-trunking installed)"
        )
    addresses: list[str] | None = None
    try:
        if args.from_terraform is not None:
            found = load_terraform_state(args.from_terraform)
            if trunks:
                found = [f for f in found if f.binding.trunk_sid in trunks]
            bindings = [f.binding for f in found]
            addresses = [f.address for f in found]
        else:
            bindings = _read_account(trunks)
        entries = assign_names(bindings)
        project = render_project(
            entries,
            virtualenv=virtualenv,
            project_name=args.project_name or project_name_for(args.out),
            terraform_addresses=addresses,
            language=args.language,
        )
        write_project(args.out, project, force=args.force)
    except (DiscoveryOutputError, TerraformStateError, ConfigurationError, OSError) as exc:
        return _usage(str(exc))
    except (TwilioError, DiscoveredValueError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    trunk_count = len({e.binding.trunk_sid for e in entries})
    print(
        f"{PROG}: {len(entries)} bindings on {trunk_count} trunks written to {args.out} ({args.language})",
        file=sys.stderr,
    )
    plugin = plugin_dir(virtualenv) / PLUGIN_EXECUTABLE
    if args.language == "yaml" and not plugin.exists():
        print(
            f"{PROG}: {plugin} does not exist yet: install pulumi-twilio-trunking into {virtualenv} "
            "(or pass --virtualenv) before `pulumi up`",
            file=sys.stderr,
        )
    if addresses is not None:
        print(
            f"{PROG}: after `pulumi up`, run {args.out / HANDOVER_FILE} in the Terraform directory",
            file=sys.stderr,
        )
    return 0


def _usage(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return EXIT_USAGE


def _read_account(trunks: list[str]) -> list[DiscoveredBinding]:
    """The account's bindings; a refused login or an unreachable host names the settings involved."""
    from ..config import resolve_config
    from ..discovery import discover_account
    from ..errors import ConfigurationError
    from ..twilio.client import TwilioClient
    from ..twilio.errors import TwilioApiError, TwilioConnectionError

    config = resolve_config(None, os.environ)
    client = TwilioClient(config.client_settings())
    try:
        return discover_account(client, trunks)
    except TwilioApiError as exc:
        if exc.status in (401, 403):
            detail = f"HTTP {exc.status}, error {exc.code}: {exc.message}"
            raise ConfigurationError(config.credentials_refused(detail)) from None
        raise
    except TwilioConnectionError as exc:
        raise TwilioConnectionError(f"{exc}; base URL in use: {config.endpoint_description()}") from None
    finally:
        client.close()
