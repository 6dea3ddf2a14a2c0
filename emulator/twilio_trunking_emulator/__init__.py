"""Local emulator of the Twilio APIs that bind phone numbers to SIP trunks.

It serves, over real HTTP (Starlette + uvicorn):

* Trunking v1: ``/v1/Trunks`` and ``/v1/Trunks/{TrunkSid}/PhoneNumbers[/{Sid}]``;
* API 2010: ``/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers[/{Sid}].json``;
* its control plane under ``/_emulator/`` (seed, reset, faults, latency, request log).

Entry points: :class:`EmulatorServer` (in a background thread), :class:`EmulatorProcess`
(the ``twilio-trunking-emulator`` console script as a child process), both configured by one
:class:`EmulatorOptions`, and :class:`EmulatorControl` (client of the control plane).
Attributes are imported lazily: ``import twilio_trunking_emulator`` loads no web framework.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .constants import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN

if TYPE_CHECKING:
    from .control import EmulatorControl
    from .options import EmulatorOptions
    from .process import EmulatorProcess, run_emulator_process
    from .server import EmulatorServer

__all__ = [
    "DEFAULT_ACCOUNT_SID",
    "DEFAULT_AUTH_TOKEN",
    "EmulatorControl",
    "EmulatorOptions",
    "EmulatorProcess",
    "EmulatorServer",
    "run_emulator_process",
]

_LAZY = {
    "EmulatorControl": ".control",
    "EmulatorOptions": ".options",
    "EmulatorProcess": ".process",
    "EmulatorServer": ".server",
    "run_emulator_process": ".process",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)
