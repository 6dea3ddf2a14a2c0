"""What a trunk move costs in GETs, and what the connection and credential errors say.

Against the ``twilio_emulator`` fixture (through ``tests/provider/conftest.py``) or a closed loopback port.
"""

from __future__ import annotations

import re
import socket

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_twilio_trunking.errors import ConfigurationError, ProviderError
from pulumi_twilio_trunking.provider import TrunkPhoneNumberAssociationProvider
from pulumi_twilio_trunking.session import ProviderSession
from pulumi_twilio_trunking.testing import TwilioEmulator
from tests.provider.conftest import TOKEN, Seeded, create_binding, next_update
from twilio_trunking_emulator import EmulatorControl

Provider = TrunkPhoneNumberAssociationProvider
WRONG_TOKEN = "wrong-token-7f3a9c"
API_KEY = "SK" + "1" * 32
API_SECRET = "wrong-api-secret-4e21"


def _configured(config: dict[str, str]) -> Provider:
    provider = Provider(ProviderSession())
    provider.configure(ConfigureRequest(Config(config, "proj")))
    return provider


@pytest.fixture(autouse=True)
def _no_ambient_twilio_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_API_KEY",
        "TWILIO_API_SECRET",
        "TWILIO_API_BASE_URL",
        "TWILIO_TRUNKING_ADOPT_EXISTING",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("declared_by", ["phone_number", "phone_number_sid"])
def test_a_trunk_move_never_gets_the_same_number_twice_in_a_row(
    declared_by: str, provider: Provider, control: EmulatorControl, seeded: Seeded
) -> None:
    e164 = "+14155550101"
    number = e164 if declared_by == "phone_number" else seeded.numbers[e164]
    old_id, old_outs = create_binding(provider, trunk_sid=seeded.trunk, **{declared_by: number})
    provider = next_update(provider)
    olds = {"trunk_sid": seeded.trunk, declared_by: number}
    news = {"trunk_sid": seeded.other_trunk, declared_by: number}
    control.clear_requests()

    assert provider.diff(old_id, old_outs, news).replaces == ["trunk_sid"]
    provider.check(olds, news)
    created = provider.create(provider.check({}, news).inputs)  # the replacement's own check, as the engine
    provider.delete(old_id, old_outs)
    assert created.outs is not None and created.outs["trunk_sid"] == seeded.other_trunk

    log = control.requests()["requests"]
    assert any(e["method"] == "POST" for e in log), log  # the move happened here
    # Between two writes, no IncomingPhoneNumber is read twice the same way: the second read could
    # only repeat the first one's answer.
    seen: set[tuple[str, str]] = set()
    for entry in log:
        if entry["method"] != "GET":
            seen.clear()
            continue
        if "/IncomingPhoneNumbers" not in entry["path"]:
            continue
        key = (entry["path"], entry["query"])
        assert key not in seen, f"identical GET {key} twice in a row: {log}"
        seen.add(key)


def _closed_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # closed: nothing listens there any more


def test_connection_error_names_the_base_url_and_the_attempts(
    seeded: Seeded, twilio_emulator: TwilioEmulator
) -> None:
    base_url = f"http://127.0.0.1:{_closed_loopback_port()}"
    provider = _configured(
        {
            "twilio:accountSid": twilio_emulator.account_sid,
            "twilio:authToken": TOKEN,
            "twilio:apiBaseUrl": base_url,
            "twilio:maxAttempts": "3",
            "twilio:maxRetrySeconds": "2",
        }
    )
    with pytest.raises(ProviderError) as caught:
        create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
    message = str(caught.value)
    assert "\n" not in message
    assert f"cannot reach Twilio at {base_url} (GET /2010-04-01/Accounts/" in message
    assert f"base URL in use: {base_url} (from stack config twilio:apiBaseUrl)" in message
    # Backoffs are at most 0.1 s then 0.2 s (full jitter), far inside the 2 s bound: always 3 attempts.
    found = re.search(r"gave up after (\d+) attempts? over (\d+\.\d) s", message)
    assert found is not None, message
    assert int(found.group(1)) == 3
    assert TOKEN not in message and "PhoneNumber=" not in message


@pytest.mark.parametrize(
    ("config", "env", "origins", "secret"),
    [
        pytest.param(
            {"twilio:accountSid": "{account}"},
            {"TWILIO_AUTH_TOKEN": WRONG_TOKEN},
            "stack config twilio:accountSid, environment variable TWILIO_AUTH_TOKEN",
            WRONG_TOKEN,
            id="token-from-env",
        ),
        pytest.param(
            {"twilio:authToken": WRONG_TOKEN},
            {"TWILIO_ACCOUNT_SID": "{account}"},
            "environment variable TWILIO_ACCOUNT_SID, stack config twilio:authToken",
            WRONG_TOKEN,
            id="token-from-config",
        ),
        pytest.param(
            {"twilio:accountSid": "{account}", "twilio:apiSecret": API_SECRET},
            {"TWILIO_API_KEY": API_KEY},
            "environment variable TWILIO_API_KEY, stack config twilio:apiSecret, "
            "stack config twilio:accountSid",
            API_SECRET,
            id="api-key",
        ),
    ],
)
def test_refused_credentials_name_their_settings_never_the_secret(
    config: dict[str, str],
    env: dict[str, str],
    origins: str,
    secret: str,
    twilio_emulator: TwilioEmulator,
    control: EmulatorControl,
    seeded: Seeded,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value.format(account=twilio_emulator.account_sid))
    stack = {key: value.format(account=twilio_emulator.account_sid) for key, value in config.items()}
    provider = _configured({**stack, "twilio:apiBaseUrl": twilio_emulator.base_url})
    with pytest.raises(ConfigurationError) as caught:
        create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
    message = str(caught.value)
    assert message.startswith("Twilio refused the credentials (HTTP 401"), message
    assert (
        f"they came from {origins}, sent to {twilio_emulator.base_url} (from stack config twilio:apiBaseUrl)"
        in message
    )
    assert secret not in message and TOKEN not in message
    assert secret not in repr(caught.value.__dict__)
    assert all(r["status"] == 401 for r in control.requests()["requests"])
