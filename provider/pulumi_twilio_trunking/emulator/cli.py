"""``twilio-trunking-emulator``: a local Twilio API emulator for SIP-trunk number bindings.

The first line on stdout is the base URL (``http://127.0.0.1:PORT``, the real bound port),
flushed as soon as the port is listening; everything else goes to stderr.  SIGTERM and
SIGINT stop it cleanly (exit code 0).

Secrets may come from the environment instead of the command line:
``TWILIO_EMULATOR_AUTH_TOKEN`` and ``TWILIO_EMULATOR_API_SECRET``.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import signal
import sys
from collections.abc import Sequence

from .constants import (
    ACCOUNT_SID_RE,
    API_KEY_SID_RE,
    API_SECRET_ENV,
    AUTH_TOKEN_ENV,
    BOUND_NUMBER_POLICIES,
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    DEFAULT_BOUND_NUMBER_POLICY,
    DEFAULT_HOST,
    DEFAULT_PORT,
)

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")

logger = logging.getLogger("pulumi_twilio_trunking.emulator")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="twilio-trunking-emulator",
        description=(
            "Local emulator of the Twilio Trunking v1 and API 2010 IncomingPhoneNumbers "
            "endpoints.  Prints its base URL as the first line of stdout."
        ),
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default %(default)s)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port to bind; 0 picks a free one (default)"
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (the emulator has no real security)",
    )
    parser.add_argument(
        "--account-sid", default=DEFAULT_ACCOUNT_SID, help="account SID (default %(default)s)"
    )
    parser.add_argument(
        "--auth-token",
        default=None,
        help=f"auth token (default ${AUTH_TOKEN_ENV}, else {DEFAULT_AUTH_TOKEN!r})",
    )
    parser.add_argument("--api-key", default=None, help="optional API key SID (SK...)")
    parser.add_argument("--api-secret", default=None, help=f"secret of --api-key (default ${API_SECRET_ENV})")
    parser.add_argument("--db", default=":memory:", help="SQLite file (default: in memory)")
    parser.add_argument("--seed", default=None, help="JSON seed file, applied idempotently")
    parser.add_argument(
        "--bound-number-policy",
        choices=BOUND_NUMBER_POLICIES,
        default=DEFAULT_BOUND_NUMBER_POLICY,
        help="binding a number that is already on a trunk: reject (default) or move it",
    )
    parser.add_argument(
        "--max-concurrency",
        type=int,
        default=0,
        help="in-flight requests above this answer 429/20429 (default 0: unlimited)",
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every Twilio request")
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="warning")
    return parser


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _validate(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not _is_loopback(args.host) and not args.allow_remote:
        parser.error(f"--host {args.host} is not a loopback address; add --allow-remote")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if not ACCOUNT_SID_RE.match(args.account_sid):
        parser.error("--account-sid must match ^AC[0-9a-fA-F]{32}$")
    if args.api_key is not None and not API_KEY_SID_RE.match(args.api_key):
        parser.error("--api-key must match ^SK[0-9a-fA-F]{32}$")
    if args.api_key is not None and not args.api_secret:
        parser.error(f"--api-key needs --api-secret (or ${API_SECRET_ENV})")
    if args.max_concurrency < 0:
        parser.error("--max-concurrency must be >= 0")
    if args.latency_ms < 0:
        parser.error("--latency-ms must be >= 0")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.auth_token = args.auth_token or os.environ.get(AUTH_TOKEN_ENV) or DEFAULT_AUTH_TOKEN
    args.api_secret = args.api_secret or os.environ.get(API_SECRET_ENV)
    _validate(parser, args)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )

    # Heavy imports only once the arguments are known to be good.
    import sqlite3

    from .records import StoreError
    from .seed import SeedError
    from .server import EmulatorOptions, base_url_for, bind_socket, build_context, make_uvicorn_server

    try:
        ctx = build_context(
            EmulatorOptions(
                account_sid=args.account_sid,
                auth_token=args.auth_token,
                api_key=args.api_key,
                api_secret=args.api_secret,
                db_path=args.db,
                seed=args.seed,
                bound_number_policy=args.bound_number_policy,
                max_concurrency=args.max_concurrency,
                latency_ms=args.latency_ms,
            )
        )
    except (SeedError, StoreError, sqlite3.Error, ValueError) as exc:
        print(f"twilio-trunking-emulator: {exc}", file=sys.stderr)
        return 2
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        print(
            f"twilio-trunking-emulator: cannot bind {args.host}:{args.port}: {exc.strerror}", file=sys.stderr
        )
        ctx.store.close()
        return 1

    server = make_uvicorn_server(ctx, log_level=args.log_level)

    # Handlers go in before the URL is printed, so a caller that signals as soon as it has
    # read the URL still gets a clean shutdown.  uvicorn installs its own handlers while
    # serving and re-raises the signal afterwards; ours then only sets the exit flag again.
    def request_exit(signum: int, frame: object) -> None:
        server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, request_exit)

    base_url = base_url_for(sock)
    print(base_url, flush=True)
    logger.info("serving account %s at %s", args.account_sid, base_url)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        ctx.store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
