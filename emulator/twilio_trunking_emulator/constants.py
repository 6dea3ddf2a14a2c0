"""Defaults and fixed values of the emulator.

The default credentials are *not* secrets: they exist so that a test or a demo
can talk to a freshly started emulator without any configuration.  Never reuse
them for anything else.
"""

from __future__ import annotations

import re
from typing import Final, Literal

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 0
"""Port 0 asks the operating system for a free port."""

DEFAULT_ACCOUNT_SID: Final = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN: Final = "emulator-auth-token"  # noqa: S105 - a documented test default

AUTH_TOKEN_ENV: Final = "TWILIO_EMULATOR_AUTH_TOKEN"  # noqa: S105 - a variable name
"""Environment variable the CLI reads the auth token from (keeps it off the command line)."""
API_SECRET_ENV: Final = "TWILIO_EMULATOR_API_SECRET"  # noqa: S105 - a variable name
CONTROL_TOKEN_ENV: Final = "TWILIO_EMULATOR_CONTROL_TOKEN"  # noqa: S105 - a variable name
"""The control-plane token: read from the environment only, required when listening beyond loopback."""

# Request bodies past these sizes are refused with 413 before they are read. Twilio's routes take a
# form of a few fields; a seed document for the control plane holds thousands of numbers.
MAX_TWILIO_BODY_BYTES: Final = 64 * 1024
MAX_CONTROL_BODY_BYTES: Final = 16 * 1024 * 1024
DEFAULT_REQUEST_TIMEOUT: Final = 15.0
"""Seconds a connection may take to send a whole request (from connecting, or from its first byte)."""

API_VERSION_2010: Final = "2010-04-01"

DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 1000

BoundNumberPolicy = Literal["reject", "move"]
BOUND_NUMBER_POLICIES: Final[tuple[BoundNumberPolicy, ...]] = ("reject", "move")
DEFAULT_BOUND_NUMBER_POLICY: Final[BoundNumberPolicy] = "reject"

CONTROL_PREFIX: Final = "/_emulator"

# Anchored with \Z, not $: callers use .match, and $ also matches before a trailing newline.
ACCOUNT_SID_RE: Final = re.compile(r"^AC[0-9a-fA-F]{32}\Z")
API_KEY_SID_RE: Final = re.compile(r"^SK[0-9a-fA-F]{32}\Z")
TRUNK_SID_RE: Final = re.compile(r"^TK[0-9a-fA-F]{32}\Z")
PHONE_NUMBER_SID_RE: Final = re.compile(r"^PN[0-9a-fA-F]{32}\Z")
E164_RE: Final = re.compile(r"^\+[1-9][0-9]{1,14}\Z")


def sid_pattern(prefix: str) -> re.Pattern[str]:
    """Return the Twilio pattern ``^<prefix>[0-9a-fA-F]{32}\\Z`` for a SID prefix."""
    return re.compile(rf"^{re.escape(prefix)}[0-9a-fA-F]{{32}}\Z")
