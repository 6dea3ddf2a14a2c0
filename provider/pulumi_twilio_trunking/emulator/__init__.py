"""Local emulator of the Twilio APIs the provider uses.

It serves, over real HTTP (Starlette + uvicorn):

* Trunking v1: ``/v1/Trunks`` and ``/v1/Trunks/{TrunkSid}/PhoneNumbers[/{Sid}]``;
* API 2010: ``/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers[/{Sid}].json``;
* control endpoints under ``/_emulator/`` (seed, reset, faults, latency, request log).

Entry points: the ``twilio-trunking-emulator`` CLI (:mod:`.cli`), :class:`EmulatorServer`
(in-process, background thread), :func:`run_emulator_process` (subprocess) and
:class:`EmulatorControl` (client for the control endpoints).  Attributes are imported
lazily so that ``import pulumi_twilio_trunking.emulator.control`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .constants import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN

if TYPE_CHECKING:
    from .control import EmulatorControl
    from .server import EmulatorOptions, EmulatorProcess, EmulatorServer, run_emulator_process

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
    "EmulatorOptions": ".server",
    "EmulatorProcess": ".server",
    "EmulatorServer": ".server",
    "run_emulator_process": ".server",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)
