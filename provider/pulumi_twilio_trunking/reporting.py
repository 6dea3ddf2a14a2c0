"""Messages the provider shows in ``pulumi up`` while it works (an adoption, a move, an unbind, a long
back-off): one line each, prefixed ``twilio-trunking:`` so it is clear where it came from.

Where a line goes depends on the front door, chosen once per process by its entry point. A dynamic
provider has no channel to the engine's structured log (the SDK's host gives it no engine client);
since Pulumi v3.146 (pulumi/pulumi#18253) the engine passes the provider process's stderr through, so
the default sink writes the line to stderr, where it appears under the stack resource, live and in the
"Diagnostics" summary. The provider plugin has the engine's address and logs through it instead.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from typing import Literal, TypeAlias

PREFIX = "twilio-trunking: "
Severity: TypeAlias = Literal["info", "warning"]
Sink: TypeAlias = Callable[[str, Severity], None]
_lock = threading.Lock()


def _to_stderr(line: str, severity: Severity) -> None:
    with _lock, contextlib.suppress(OSError, ValueError):  # a closed stream must never fail an operation
        print(line, file=sys.stderr, flush=True)


_sink: Sink = _to_stderr


def report_to(sink: Sink) -> None:
    """Send this process's lines to ``sink`` (the provider plugin's entry point sets the engine's log)."""
    global _sink
    _sink = sink


def report(message: str, severity: Severity = "info") -> None:
    """Show ``message`` (one line, never a credential) in the output of the running Pulumi command."""
    prefix = PREFIX + ("warning: " if severity == "warning" else "")
    try:
        _sink(prefix + " ".join(message.split()), severity)
    except Exception:  # reporting must never fail an operation
        _to_stderr(prefix + " ".join(message.split()), severity)


def warn(message: str) -> None:
    report(message, "warning")
