"""The plugin's tests use the provider tests' emulator and seed (two trunks, four numbers)."""

from __future__ import annotations

from tests.provider.conftest import seeded, twilio_emulator_options

__all__ = ["seeded", "twilio_emulator_options"]
