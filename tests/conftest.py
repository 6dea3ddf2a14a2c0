"""Fixtures shared by the test folders that run against an emulated Twilio.

The emulator comes from the package's own testing kit: the ``twilio_emulator`` fixture of the
``pytest11`` plugin (a ``TwilioEmulator``); a folder chooses what it serves by overriding
``twilio_emulator_options``. Folders that test the emulator itself, or that need it as a
separate process, have their own: ``emulator_server`` (an in-thread ``EmulatorServer``,
tests/emulator) and ``emulator_process`` (an ``EmulatorProcess``, tests/e2e).
"""

from __future__ import annotations

import pytest

from pulumi_twilio_trunking.testing import TwilioEmulator
from twilio_trunking_emulator import EmulatorControl


@pytest.fixture
def control(twilio_emulator: TwilioEmulator) -> EmulatorControl:
    return twilio_emulator.control
