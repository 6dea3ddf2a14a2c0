"""Messages the provider shows in ``pulumi up`` while it works (an adoption, a move, a long back-off).

A dynamic provider has no channel to the engine's structured log (the SDK's host gives it no engine
client). Since Pulumi v3.146 (pulumi/pulumi#18253) the engine passes the provider process's stdout and
stderr through: each line appears under the stack resource, live and in the "Diagnostics" summary.
So a report is one line on stderr, prefixed so it is clear where it came from, and flushed at once.
"""

from __future__ import annotations

import contextlib
import sys
import threading

PREFIX = "twilio-trunking: "
_lock = threading.Lock()


def report(message: str) -> None:
    """Show ``message`` (one line, never a credential) in the output of the running Pulumi command."""
    line = PREFIX + " ".join(message.split())
    with _lock, contextlib.suppress(OSError, ValueError):  # a closed stream must never fail an operation
        print(line, file=sys.stderr, flush=True)


def warn(message: str) -> None:
    report(f"warning: {message}")
