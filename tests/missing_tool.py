"""What a test does when a tool it needs (the Pulumi CLI, Go) is missing."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing_tool(message: str) -> NoReturn:
    """Fail under CI (``CI=true``: CI must prove these paths, never skip them); skip elsewhere."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)
