"""Benchmarks against the Twilio emulator: ``python -m benchmarks`` (see docs/benchmarks.md)."""
