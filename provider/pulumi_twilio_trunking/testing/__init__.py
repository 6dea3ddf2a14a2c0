"""Helpers to run Pulumi programs that use this package against the local emulator, offline.

Used by the project's own end-to-end tests, benchmarks and demo; usable in your CI as well.
"""
