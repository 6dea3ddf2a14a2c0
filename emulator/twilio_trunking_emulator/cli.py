"""``twilio-trunking-emulator``: a local Twilio API emulator for SIP-trunk number bindings.

The first line on stdout is the base URL (``http://127.0.0.1:PORT``, the real bound port),
flushed as soon as the port is listening; everything else goes to stderr.  SIGTERM and
SIGINT stop it cleanly (exit code 0).  The flags are generated from :class:`.EmulatorOptions`.

Secrets may come from the environment instead of the command line:
``TWILIO_EMULATOR_AUTH_TOKEN`` and ``TWILIO_EMULATOR_API_SECRET``; the control-plane token only
from there (``TWILIO_EMULATOR_CONTROL_TOKEN``, required with a non-loopback ``--host``).
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from .constants import ACCOUNT_SID_RE, API_KEY_SID_RE, API_SECRET_ENV
from .options import EmulatorOptions, option_fields

EXTRAS_HINT = 'pip install "pulumi-twilio-trunking[emulator]"'
_SERVER_MODULES = ("starlette", "uvicorn")

logger = logging.getLogger("twilio_trunking_emulator")


def missing_server_modules() -> list[str]:
    """The server dependencies (the ``emulator`` extra) that cannot be imported."""
    missing = []
    for name in _SERVER_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except ValueError:  # sys.modules[name] is None: explicitly blocked
            found = False
        if not found:
            missing.append(name)
    return missing


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="twilio-trunking-emulator",
        description=(
            "Local emulator of the Twilio Trunking v1 and API 2010 IncomingPhoneNumbers "
            "endpoints.  Prints its base URL as the first line of stdout."
        ),
    )
    for f in option_fields():
        meta = f.metadata
        if meta["flag"] is None:  # given through the environment only
            continue
        kwargs: dict[str, Any] = {"dest": f.name, "help": meta["help"]}
        if isinstance(f.default, bool):
            kwargs["action"] = "store_true"
        else:
            # Secrets default to None so that the environment can fill them in.
            kwargs["default"] = None if meta["env"] else f.default
            if isinstance(f.default, int | float) and f.default is not None:
                kwargs["type"] = type(f.default)
            if "choices" in meta:
                kwargs["choices"] = meta["choices"]
        parser.add_argument(meta["flag"], **kwargs)
    return parser


def parse_options(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> EmulatorOptions:
    values = vars(parser.parse_args(argv))
    for f in option_fields():
        if f.metadata["env"] and not values.get(f.name):
            values[f.name] = os.environ.get(f.metadata["env"]) or f.default
    options = EmulatorOptions(**values)
    problem = options.network_problem()
    if problem:
        parser.error(problem)
    if options.request_timeout <= 0:
        parser.error("--request-timeout must be > 0")
    if not 0 <= options.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if not ACCOUNT_SID_RE.match(options.account_sid):
        parser.error("--account-sid must match ^AC[0-9a-fA-F]{32}$")
    if options.api_key is not None and not API_KEY_SID_RE.match(options.api_key):
        parser.error("--api-key must match ^SK[0-9a-fA-F]{32}$")
    if options.api_key is not None and not options.api_secret:
        parser.error(f"--api-key needs --api-secret (or ${API_SECRET_ENV})")
    if options.max_concurrency < 0:
        parser.error("--max-concurrency must be >= 0")
    if options.latency_ms < 0:
        parser.error("--latency-ms must be >= 0")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    missing = missing_server_modules()
    if missing:
        print(
            f"twilio-trunking-emulator: {' and '.join(missing)} not installed; run: {EXTRAS_HINT}",
            file=sys.stderr,
        )
        return 2
    options = parse_options(build_parser(), argv)
    logging.basicConfig(
        level=options.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )

    # Heavy imports only once the arguments are known to be good.
    import sqlite3

    from .backend.exceptions import StoreError
    from .backend.seed import SeedError
    from .server import base_url_for, bind_socket, build_context, make_uvicorn_server

    try:
        ctx = build_context(options)
    except (SeedError, StoreError, sqlite3.Error, ValueError) as exc:
        print(f"twilio-trunking-emulator: {exc}", file=sys.stderr)
        return 2
    try:
        sock = bind_socket(options.host, options.port)
    except OSError as exc:
        print(
            f"twilio-trunking-emulator: cannot bind {options.host}:{options.port}: {exc.strerror}",
            file=sys.stderr,
        )
        ctx.store.close()
        return 1

    server = make_uvicorn_server(ctx, options)

    # Handlers go in before the URL is printed, so a caller that signals as soon as it has
    # read the URL still gets a clean shutdown.  uvicorn installs its own handlers while
    # serving and re-raises the signal afterwards; ours then only sets the exit flag again.
    def request_exit(signum: int, frame: object) -> None:
        server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, request_exit)

    base_url = base_url_for(sock)
    print(base_url, flush=True)
    logger.info("serving account %s at %s", options.account_sid, base_url)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        ctx.store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
