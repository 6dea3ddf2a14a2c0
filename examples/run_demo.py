"""`make demo` / `make destroy`: the example program against the embedded emulator, through the real CLI.

State lives in .demo/ (git-ignored): the emulator's SQLite database and the Pulumi file backend, so
the stack and the emulator stay consistent across runs and a second `make demo` changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pulumi_twilio_trunking.testing.pulumi_cli import LocalPulumi, find_pulumi
from pulumi_twilio_trunking.twilio.client import TwilioClient
from pulumi_twilio_trunking.twilio.secret import Secret
from pulumi_twilio_trunking.twilio.settings import ClientSettings
from twilio_trunking_emulator import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, run_emulator_process

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".demo"
SEED = ROOT / "examples" / "emulator-seed.json"
STACK = "demo"


def _configure(pulumi: LocalPulumi) -> str:
    seed = json.loads(SEED.read_text())
    trunk_sid = seed["trunks"][0]["sid"]
    pulumi.select_stack(STACK)
    pulumi.set_config("trunkSid", trunk_sid)
    for index, number in enumerate(n["phone_number"] for n in seed["phone_numbers"][:3]):
        pulumi.set_config(f"phoneNumbers[{index}]", number, path=True)
    pulumi.set_config("twilio:accountSid", DEFAULT_ACCOUNT_SID)
    pulumi.set_config("twilio:authToken", DEFAULT_AUTH_TOKEN, secret=True)
    return str(trunk_sid)


def _show_emulator(base_url: str, trunk_sid: str) -> None:
    settings = ClientSettings(
        account_sid=DEFAULT_ACCOUNT_SID,
        username=DEFAULT_ACCOUNT_SID,
        password=Secret(DEFAULT_AUTH_TOKEN),
        api_base_url=base_url,
    )
    client = TwilioClient(settings)
    try:
        bound = list(client.list_trunk_phone_numbers(trunk_sid))
    finally:
        client.close()
    print(f"\nThe emulator's trunk {trunk_sid} now holds {len(bound)} number(s):")
    for binding in bound:
        print(f"  {binding.phone_number}  {binding.sid}  {binding.friendly_name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["up", "destroy", "preview", "refresh"])
    action = parser.parse_args(argv).action
    STATE.mkdir(exist_ok=True)
    pulumi = LocalPulumi(ROOT, STATE, find_pulumi(ROOT / ".venv" / "bin"))
    with run_emulator_process(db_path=STATE / "emulator.db", seed_path=SEED, stderr=sys.stderr) as emulator:
        print(f"Twilio API emulator at {emulator.base_url} (state in {STATE.relative_to(ROOT)}/)")
        trunk_sid = _configure(pulumi)
        # The emulator's port changes per run; passing it through the environment keeps the
        # stack's config (and so the default provider's inputs) identical between runs.
        env = {"TWILIO_API_BASE_URL": emulator.base_url}
        args = {"up": ["up", "--yes"], "destroy": ["destroy", "--yes"], "preview": ["preview"]}
        result = pulumi.run(*args.get(action, ["refresh", "--yes"]), env=env, check=False, capture=False)
        if result.returncode != 0:
            return result.returncode
        if action == "up":
            print("Stack output `bindings`:")
            print(json.dumps(pulumi.outputs().get("bindings"), indent=2))
        _show_emulator(emulator.base_url, trunk_sid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
