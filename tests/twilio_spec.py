"""Where the tests find Twilio's official OpenAPI specs (copied unchanged; see twilio-oai/SOURCE.md)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).parent / "twilio-oai" / "spec" / "json"


@cache
def load_spec(name: str) -> dict[str, Any]:
    """``trunking_v1`` or ``api_v2010``."""
    spec: dict[str, Any] = json.loads((SPEC_DIR / f"twilio_{name}.json").read_text())
    return spec
