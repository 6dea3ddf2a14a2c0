"""Testing support: an emulated Twilio for integration tests, mocks for unit tests of programs.

* ``twilio_emulator`` pytest fixture (registered automatically through the ``pytest11`` entry point)
  and :func:`start_twilio_emulator` for other test runners — needs the ``[emulator]`` extra;
* :func:`set_binding_mocks` / :class:`BindingMocks` for ``pulumi.runtime.set_mocks`` unit tests;
* :mod:`.pulumi_cli` to drive the real ``pulumi`` CLI offline (local backend, private home).

See docs/testing.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .emulator import TwilioEmulator, start_twilio_emulator
    from .mocks import BindingMocks, DeclaredBinding, set_binding_mocks

_EXPORTS = {
    "BindingMocks": ".mocks",
    "DeclaredBinding": ".mocks",
    "TwilioEmulator": ".emulator",
    "set_binding_mocks": ".mocks",
    "start_twilio_emulator": ".emulator",
}

__all__ = ["BindingMocks", "DeclaredBinding", "TwilioEmulator", "set_binding_mocks", "start_twilio_emulator"]


__getattr__ = lazy_exports(__name__, _EXPORTS)
