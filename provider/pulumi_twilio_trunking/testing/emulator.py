"""A running Twilio API emulator for tests, with what a test needs to point code at it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from twilio_trunking_emulator import EmulatorControl, EmulatorOptions, EmulatorProcess, EmulatorServer
    from twilio_trunking_emulator.control import RequestLogJson, SeedResultJson


@dataclass(frozen=True)
class TwilioEmulator:
    """A running emulator: where it listens, its credentials, and its control plane."""

    base_url: str
    account_sid: str
    auth_token: str = field(repr=False)
    control: EmulatorControl = field(repr=False)

    @property
    def auth(self) -> tuple[str, str]:
        """HTTP Basic credentials (account SID, auth token)."""
        return self.account_sid, self.auth_token

    def env(self) -> dict[str, str]:
        """Environment variables that point the provider (or the Twilio SDK's settings) at this emulator."""
        return {
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_API_BASE_URL": self.base_url,
        }

    def stack_config(self, namespace: str = "twilio", **extra: str) -> dict[str, str]:
        """Stack config that points the provider at this emulator: ``twilio:*`` keys for the dynamic
        resources, or ``namespace="twilio-trunking"`` for the provider plugin's."""
        return {
            f"{namespace}:accountSid": self.account_sid,
            f"{namespace}:authToken": self.auth_token,
            f"{namespace}:apiBaseUrl": self.base_url,
            **extra,
        }

    def seed(self, data: Mapping[str, Any]) -> SeedResultJson:
        """Add trunks, numbers and bindings (see docs/testing.md for the format)."""
        return self.control.seed(data)

    def requests(self) -> RequestLogJson:
        """The Twilio API requests served since the last reset, and their counts."""
        return self.control.requests()

    def reset(self) -> None:
        """Forget all data, faults and logged requests."""
        self.control.reset()


@contextlib.contextmanager
def start_twilio_emulator(
    options: EmulatorOptions | None = None, *, in_process: bool = True
) -> Iterator[TwilioEmulator]:
    """Run an emulator for the duration of the block: in a thread (default) or as a child process.

    The child process is the installed ``twilio-trunking-emulator`` script; use it when the code
    under test runs in other processes that outlive a thread of yours, or to test the script itself.
    """
    from twilio_trunking_emulator import EmulatorOptions

    options = options or EmulatorOptions()
    runner: EmulatorServer | EmulatorProcess
    if in_process:  # imported apart: a process-mode user never loads the web server in-process
        from twilio_trunking_emulator import EmulatorServer

        runner = EmulatorServer(options).start()
    else:
        from twilio_trunking_emulator import EmulatorProcess

        runner = EmulatorProcess.start(options)
    try:
        yield TwilioEmulator(runner.base_url, options.account_sid, options.auth_token, runner.control)
    finally:
        runner.stop()
