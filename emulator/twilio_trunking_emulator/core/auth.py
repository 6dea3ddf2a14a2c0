"""HTTP Basic authentication as Twilio does it: ``AC…:auth_token`` or ``SK…:api_secret``."""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Credentials:
    """The emulated account's credentials.  Secrets are kept out of ``repr()``."""

    account_sid: str
    auth_token: str = field(repr=False)
    api_key: str | None = None
    api_secret: str | None = field(default=None, repr=False)

    def pairs(self) -> list[tuple[str, str]]:
        pairs = [(self.account_sid, self.auth_token)]
        if self.api_key and self.api_secret:
            pairs.append((self.api_key, self.api_secret))
        return pairs


def parse_basic_authorization(header: str | None) -> tuple[str, str] | None:
    """Decode ``Authorization: Basic …`` into ``(username, password)``, or ``None``."""
    if not header:
        return None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    if not sep:
        return None
    return username, password


def authenticate(header: str | None, credentials: Credentials) -> bool:
    """True when the header carries one of the account's credential pairs."""
    given = parse_basic_authorization(header)
    if given is None:
        return False
    ok = False
    for username, password in credentials.pairs():
        # Compare every pair in full so timing does not reveal which part matched.
        user_ok = hmac.compare_digest(given[0].encode(), username.encode())
        pass_ok = hmac.compare_digest(given[1].encode(), password.encode())
        ok = ok or (user_ok and pass_ok)
    return ok
