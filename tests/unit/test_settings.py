from __future__ import annotations

import pickle

import pytest

from pulumi_twilio_trunking.settings import resolve_settings
from pulumi_twilio_trunking.twilio.errors import TwilioConfigurationError
from pulumi_twilio_trunking.twilio.secret import Secret

ACCOUNT = "AC" + "1" * 32
TOKEN = "tok-3f9c2a-secret"


def _config(values: dict[str, str]):  # type: ignore[no-untyped-def]
    return values.get


def test_stack_config_wins_over_environment() -> None:
    settings = resolve_settings(
        _config({"twilio:accountSid": ACCOUNT, "twilio:authToken": TOKEN}),
        {"TWILIO_ACCOUNT_SID": "AC" + "2" * 32, "TWILIO_AUTH_TOKEN": "env-token", "TWILIO_REGION": "ie1"},
    )
    assert settings.basic_auth() == (ACCOUNT, TOKEN)
    assert settings.region == "ie1"


def test_environment_is_the_fallback() -> None:
    settings = resolve_settings(None, {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN})
    assert settings.basic_auth() == (ACCOUNT, TOKEN)


def test_api_key_credentials_need_the_account_sid() -> None:
    settings = resolve_settings(None, {"TWILIO_API_KEY": "SK" + "3" * 32, "TWILIO_API_SECRET": "s3cr3t"})
    with pytest.raises(TwilioConfigurationError) as caught:
        settings.basic_auth()
    assert "twilio:accountSid" in str(caught.value)
    assert "TWILIO_ACCOUNT_SID" in str(caught.value)
    with_account = resolve_settings(
        None,
        {"TWILIO_API_KEY": "SK" + "3" * 32, "TWILIO_API_SECRET": "s3cr3t", "TWILIO_ACCOUNT_SID": ACCOUNT},
    )
    assert with_account.basic_auth() == ("SK" + "3" * 32, "s3cr3t")


def test_missing_credentials_name_exactly_what_to_set() -> None:
    settings = resolve_settings(_config({"twilio:accountSid": ACCOUNT}), {})
    with pytest.raises(TwilioConfigurationError) as caught:
        settings.basic_auth()
    message = str(caught.value)
    assert "twilio:authToken" in message
    assert "TWILIO_AUTH_TOKEN" in message
    assert "twilio:accountSid" not in message


def test_settings_never_show_or_pickle_the_token() -> None:
    settings = resolve_settings(_config({"twilio:accountSid": ACCOUNT, "twilio:authToken": TOKEN}), {})
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)
    with pytest.raises(TypeError):
        pickle.dumps(settings)
    assert Secret(TOKEN) == Secret(TOKEN)


def test_tuning_values_are_numbers() -> None:
    settings = resolve_settings(_config({"twilio:maxAttempts": "3", "twilio:readTimeout": "2.5"}), {})
    assert settings.retry.max_attempts == 3
    assert settings.timeouts.read == 2.5
    with pytest.raises(TwilioConfigurationError, match="twilio:readTimeout"):
        resolve_settings(_config({"twilio:readTimeout": "soon"}), {})
