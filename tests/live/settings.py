"""What the live acceptance suite needs from the environment, and the one line that says what is missing.

Shaped like the Terraform providers' acceptance tests: a gate variable (``TWILIO_TRUNKING_ACC``, as
``TF_ACC``) turns the suite towards real Twilio, and a pre-check names every missing variable before
anything runs. Standard library only: ``make test-live`` and ``make sweep-live`` run
``python3 -m tests.live.settings test|sweep`` before the virtualenv exists, and print its output
(empty when nothing is missing).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

GATE: Final = "TWILIO_TRUNKING_ACC"
NUMBER: Final = "TWILIO_TEST_PHONE_NUMBER_SID"
ACCOUNT: Final = "TWILIO_ACCOUNT_SID"
TOKEN: Final = "TWILIO_AUTH_TOKEN"
KEY: Final = "TWILIO_API_KEY"
SECRET: Final = "TWILIO_API_SECRET"
BASE_URL: Final = "TWILIO_API_BASE_URL"
_SID = {ACCOUNT: "AC", NUMBER: "PN", KEY: "SK"}


def gate_is_on(env: Mapping[str, str] = os.environ) -> bool:
    return env.get(GATE, "").lower() in ("1", "true", "yes")


def missing(env: Mapping[str, str], *, need_number: bool = True) -> list[str]:
    """Each missing or malformed variable, as a user would set it (empty when all is there)."""
    problems: list[str] = []
    for name, prefix in _SID.items():
        value = env.get(name, "")
        if value and not re.fullmatch(rf"{prefix}[0-9a-fA-F]{{32}}", value):
            problems.append(f"{name} (as {prefix} and 32 hex digits; the value set is not)")
    if not env.get(ACCOUNT):
        problems.append(ACCOUNT)
    if env.get(KEY) and not env.get(SECRET):
        problems.append(f"{SECRET} (with {KEY})")
    elif not env.get(TOKEN) and not env.get(KEY):
        problems.append(f"{TOKEN} (or {KEY} and {SECRET})")
    if need_number and not env.get(NUMBER):
        problems.append(f"{NUMBER} (a number the account already owns; the suite never buys one)")
    return problems


def missing_line(command: str, problems: Sequence[str]) -> str:
    return f"{command}: not run against Twilio; set {', '.join(problems)}"


@dataclass(frozen=True)
class LiveSettings:
    """Credentials, the number the suite may use, and where Twilio is (its hosts unless ``base_url``)."""

    account_sid: str
    username: str  # the account SID with an auth token, or the API key SID with its secret
    password: str = field(repr=False)
    number_sid: str
    base_url: str | None = None
    region: str | None = None
    edge: str | None = None

    @property
    def auth(self) -> tuple[str, str]:
        return (self.username, self.password)

    def provider_env(self, base_url: str) -> dict[str, str]:
        """The environment a Pulumi program's provider reads: these credentials, Twilio at ``base_url``."""
        env = {ACCOUNT: self.account_sid, BASE_URL: base_url}
        if self.username == self.account_sid:
            env[TOKEN] = self.password
        else:
            env.update({KEY: self.username, SECRET: self.password})
        return env


def from_environment(env: Mapping[str, str], *, need_number: bool = True) -> LiveSettings:
    problems = missing(env, need_number=need_number)
    if problems:
        raise LookupError(missing_line("the live suite", problems))
    key = env.get(KEY)
    return LiveSettings(
        account_sid=env[ACCOUNT],
        username=key or env[ACCOUNT],
        password=env[SECRET] if key else env[TOKEN],
        number_sid=env.get(NUMBER, ""),
        base_url=env.get(BASE_URL) or None,
        region=env.get("TWILIO_REGION") or None,
        edge=env.get("TWILIO_EDGE") or None,
    )


def main(argv: Sequence[str]) -> int:
    """``test``: what ``make test-live`` needs; ``sweep``: what ``make sweep-live`` needs (no number)."""
    command = argv[0] if argv else "test"
    problems = missing(os.environ, need_number=command != "sweep")
    if problems:
        print(missing_line(f"make {command}-live", problems))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
