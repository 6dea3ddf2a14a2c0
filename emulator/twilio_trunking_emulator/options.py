"""What an emulator serves, listed once: the in-thread server, the CLI and the process runner
all derive their parameters from :class:`EmulatorOptions` (no heavy imports here)."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .constants import (
    API_SECRET_ENV,
    AUTH_TOKEN_ENV,
    BOUND_NUMBER_POLICIES,
    CONTROL_TOKEN_ENV,
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    DEFAULT_BOUND_NUMBER_POLICY,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_REQUEST_TIMEOUT,
    BoundNumberPolicy,
)

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def _cli(flag: str | None, help: str, *, env: str | None = None, **extra: Any) -> dict[str, Any]:
    """Field metadata: the CLI flag (None: environment only), its help and, for secrets, the
    environment variable."""
    return {"flag": flag, "help": help, "env": env, **extra}


def is_loopback_host(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1: an address only this machine can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class EmulatorOptions:
    """Where the emulator listens, its account, credentials, data and behaviour settings."""

    host: str = field(default=DEFAULT_HOST, metadata=_cli("--host", "address to bind (default %(default)s)"))
    port: int = field(
        default=DEFAULT_PORT, metadata=_cli("--port", "port to bind; 0 picks a free one (default)")
    )
    allow_remote: bool = field(
        default=False,
        metadata=_cli(
            "--allow-remote",
            f"allow a non-loopback --host; needs ${CONTROL_TOKEN_ENV} (the control plane's token)",
        ),
    )
    account_sid: str = field(
        default=DEFAULT_ACCOUNT_SID, metadata=_cli("--account-sid", "account SID (default %(default)s)")
    )
    auth_token: str = field(
        default=DEFAULT_AUTH_TOKEN,
        repr=False,
        metadata=_cli(
            "--auth-token",
            f"auth token (default ${AUTH_TOKEN_ENV}, else {DEFAULT_AUTH_TOKEN!r})",
            env=AUTH_TOKEN_ENV,
        ),
    )
    api_key: str | None = field(default=None, metadata=_cli("--api-key", "optional API key SID (SK...)"))
    api_secret: str | None = field(
        default=None,
        repr=False,
        metadata=_cli("--api-secret", f"secret of --api-key (default ${API_SECRET_ENV})", env=API_SECRET_ENV),
    )
    db_path: str | os.PathLike[str] = field(
        default=":memory:", metadata=_cli("--db", "SQLite file (default: in memory)")
    )
    seed: Mapping[str, Any] | str | os.PathLike[str] | None = field(
        default=None, metadata=_cli("--seed", "JSON seed file, applied idempotently")
    )
    bound_number_policy: BoundNumberPolicy = field(
        default=DEFAULT_BOUND_NUMBER_POLICY,
        metadata=_cli(
            "--bound-number-policy",
            "binding a number that is already on a trunk: reject (default) or move it",
            choices=BOUND_NUMBER_POLICIES,
        ),
    )
    max_concurrency: int = field(
        default=0,
        metadata=_cli(
            "--max-concurrency", "in-flight requests above this answer 429/20429 (default 0: unlimited)"
        ),
    )
    latency_ms: float = field(
        default=0.0, metadata=_cli("--latency-ms", "delay added to every Twilio request")
    )
    control_token: str | None = field(
        default=None,
        repr=False,
        # No flag: a command line is visible to every user of the machine.
        metadata=_cli(None, "the token every /_emulator/ request must carry (Bearer)", env=CONTROL_TOKEN_ENV),
    )
    request_timeout: float = field(
        default=DEFAULT_REQUEST_TIMEOUT,
        metadata=_cli(
            "--request-timeout",
            "seconds a connection may take to send a whole request, idle or slow (default %(default)s)",
        ),
    )
    log_level: str = field(
        default="warning", metadata=_cli("--log-level", "server log level", choices=LOG_LEVELS)
    )

    def network_problem(self) -> str | None:
        """Why these options must not serve (listening beyond loopback unguarded), or None."""
        if is_loopback_host(self.host):
            return None
        if not self.allow_remote:
            return f"--host {self.host} is not a loopback address; add --allow-remote"
        if not self.control_token:
            return (
                f"--host {self.host} is reachable from the network: set {CONTROL_TOKEN_ENV} to a random "
                "token, which every /_emulator/ request must then carry (Authorization: Bearer TOKEN)"
            )
        return None

    def to_args(self) -> list[str]:
        """CLI arguments for every non-default, non-secret field (secrets go in :meth:`to_env`)."""
        args: list[str] = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.metadata["env"] is not None or value == f.default or value is None:
                continue
            if isinstance(value, Mapping):
                raise ValueError("a seed mapping cannot be passed to a process; write it to a file")
            if isinstance(value, bool):
                args.append(f.metadata["flag"])
            else:
                args += [
                    f.metadata["flag"],
                    os.fspath(value) if isinstance(value, os.PathLike) else str(value),
                ]
        return args

    def to_env(self) -> dict[str, str]:
        """The secret fields as the environment variables the CLI reads them from."""
        return {
            f.metadata["env"]: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.metadata["env"] is not None and getattr(self, f.name) is not None
        }


def option_fields() -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(EmulatorOptions)
