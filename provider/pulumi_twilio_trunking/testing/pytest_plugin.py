"""pytest plugin, registered through the ``pytest11`` entry point: the ``twilio_emulator`` fixture.

Loaded in every pytest run of an environment that has this package, so it imports nothing heavy:
the emulator (and its web framework) is only imported when a test asks for the fixture.

Fixtures (see docs/testing.md):

* ``twilio_emulator``: a running emulator, empty at the start of each test. Emulators are started
  once per session for each distinct set of options, and reset between tests.
* ``twilio_emulator_options``: override it (in a conftest.py or a test module) to change the
  account, credentials, latency, bound-number policy…
* ``twilio_emulator_in_process``: override it to return ``False`` to run the emulator as a child
  process (the ``twilio-trunking-emulator`` script) instead of in a thread.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from twilio_trunking_emulator import EmulatorOptions

    from .emulator import TwilioEmulator

_INSTALL_HINT = 'the twilio_emulator fixture needs: pip install "pulumi-twilio-trunking[emulator]"'


@pytest.fixture
def twilio_emulator_options() -> EmulatorOptions:
    """What the emulator serves; override this fixture to change it."""
    try:
        from twilio_trunking_emulator import EmulatorOptions
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        pytest.fail(f"{_INSTALL_HINT} ({exc})")
    return EmulatorOptions()


@pytest.fixture
def twilio_emulator_in_process() -> bool:
    """``True``: the emulator runs in a thread of the test process; override to ``False`` for a process."""
    return True


class _Emulators:
    """The session's running emulators, one per distinct (options, in_process)."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self._stack = stack
        self._running: dict[str, TwilioEmulator] = {}

    def get(self, options: EmulatorOptions, in_process: bool) -> TwilioEmulator:
        from .emulator import start_twilio_emulator

        # Secrets are part of the key (two tokens are two emulators); the key is never shown.
        key = repr((dataclasses.astuple(options), in_process))
        if key not in self._running:
            self._running[key] = self._stack.enter_context(
                start_twilio_emulator(options, in_process=in_process)
            )
        return self._running[key]


@pytest.fixture(scope="session")
def _twilio_emulators() -> Iterator[_Emulators]:
    with contextlib.ExitStack() as stack:
        yield _Emulators(stack)


@pytest.fixture
def twilio_emulator(
    _twilio_emulators: _Emulators, twilio_emulator_options: EmulatorOptions, twilio_emulator_in_process: bool
) -> Iterator[TwilioEmulator]:
    """A Twilio API emulator, reset before the test (no data, no faults, empty request log)."""
    emulator = _twilio_emulators.get(twilio_emulator_options, twilio_emulator_in_process)
    emulator.reset()
    yield emulator
    emulator.control.clear_faults()
