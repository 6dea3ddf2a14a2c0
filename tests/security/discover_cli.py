"""Running the installed ``twilio-trunking discover`` against a given base URL, as a user would."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "twilio-trunking"
ACCOUNT = "AC" + "1" * 32
TOKEN = "security-token-7c1f0e"


def run_discover(
    base_url: str, out: Path, *args: str, env: Mapping[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``twilio-trunking discover --out OUT ARGS`` with credentials for ``base_url`` in the environment."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
    environ.update(
        {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_API_BASE_URL": base_url}
    )
    environ["TWILIO_TRUNKING_MAX_ATTEMPTS"] = "1"
    environ.update(env or {})
    return subprocess.run(
        [str(CLI), "discover", "--out", str(out), *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
