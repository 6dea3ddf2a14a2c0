"""The given number's voice configuration: recorded before the suite changes anything, restored after.

Binding a number to a trunk makes Twilio route its calls to the trunk and clear its
``voice_application_sid``; the suite puts back what the number had, through the 2010 API's
IncomingPhoneNumbers update. The record is written to a file *before* the first change, so that a
run that is interrupted is restored by the next run or by ``make sweep-live``; it is removed once the
number is restored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from tests.live.twilio_api import SuiteApi

# The number's voice routing, as the 2010 resource names it -> the form parameter that sets it.
VOICE_CONFIG: Final = {
    "voice_application_sid": "VoiceApplicationSid",
    "voice_url": "VoiceUrl",
    "voice_method": "VoiceMethod",
    "voice_fallback_url": "VoiceFallbackUrl",
    "voice_fallback_method": "VoiceFallbackMethod",
    "voice_caller_id_lookup": "VoiceCallerIdLookup",
    "status_callback": "StatusCallback",
    "status_callback_method": "StatusCallbackMethod",
}


def _normal(value: Any) -> Any:
    # Live Twilio sends "" for an unset SID or URL, where the spec (and the emulator) say null.
    return None if value == "" else value


def voice_config(number: dict[str, Any]) -> dict[str, Any]:
    return {key: _normal(number.get(key)) for key in VOICE_CONFIG}


def record_path(record_dir: Path, number_sid: str) -> Path:
    return record_dir / f"{number_sid}.json"


def record(api: SuiteApi, number_sid: str, record_dir: Path) -> dict[str, Any]:
    """The configuration to restore: an earlier run's record if one was left, else the number's own now."""
    path = record_path(record_dir, number_sid)
    if path.exists():
        recorded: dict[str, Any] = json.loads(path.read_text())
        return recorded
    config = voice_config(api.number(number_sid))
    record_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    return config


def _form_value(value: Any) -> str:
    if value is None:
        return ""  # clears the field, as Twilio's API takes it
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def restore(api: SuiteApi, number_sid: str, record_dir: Path) -> list[str]:
    """Put back the recorded configuration (only the fields that differ); the names of those fields."""
    path = record_path(record_dir, number_sid)
    if not path.exists():
        return []
    recorded: dict[str, Any] = json.loads(path.read_text())
    current = voice_config(api.number(number_sid))
    changed = {key: value for key, value in recorded.items() if current.get(key) != value}
    if changed:
        after = voice_config(
            api.update_number(number_sid, {VOICE_CONFIG[k]: _form_value(v) for k, v in changed.items()})
        )
        wrong = {key: after[key] for key in changed if after[key] != recorded[key]}
        assert not wrong, (
            f"restoring {number_sid} left {wrong} instead of the recorded values (record: {path})"
        )
    path.unlink()
    return sorted(changed)
