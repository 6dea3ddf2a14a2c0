from __future__ import annotations

import pickle

import pytest

from pulumi_twilio_trunking.config import ConfigLookup, resolve_config
from pulumi_twilio_trunking.errors import ConfigurationError
from pulumi_twilio_trunking.twilio.secret import Secret

ACCOUNT = "AC" + "1" * 32
TOKEN = "tok-3f9c2a-secret"


def _config(values: dict[str, str]) -> ConfigLookup:
    return values.get


def test_stack_config_wins_over_environment() -> None:
    config = resolve_config(
        _config({"twilio:accountSid": ACCOUNT, "twilio:authToken": TOKEN}),
        {"TWILIO_ACCOUNT_SID": "AC" + "2" * 32, "TWILIO_AUTH_TOKEN": "env-token", "TWILIO_REGION": "ie1"},
    )
    settings = config.client_settings()
    assert (settings.username, settings.password.reveal()) == (ACCOUNT, TOKEN)
    assert settings.region == "ie1"
    assert config.credential_origins() == "stack config twilio:accountSid, stack config twilio:authToken"


def test_environment_is_the_fallback_and_named_as_the_origin() -> None:
    config = resolve_config(None, {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN})
    settings = config.client_settings()
    assert (settings.username, settings.password.reveal()) == (ACCOUNT, TOKEN)
    assert "environment variable TWILIO_AUTH_TOKEN" in config.credential_origins()


def test_api_key_credentials_need_the_account_sid() -> None:
    config = resolve_config(None, {"TWILIO_API_KEY": "SK" + "3" * 32, "TWILIO_API_SECRET": "s3cr3t"})
    with pytest.raises(ConfigurationError) as caught:
        config.client_settings()
    assert "twilio:accountSid" in str(caught.value)
    assert "TWILIO_ACCOUNT_SID" in str(caught.value)
    with_account = resolve_config(
        None,
        {"TWILIO_API_KEY": "SK" + "3" * 32, "TWILIO_API_SECRET": "s3cr3t", "TWILIO_ACCOUNT_SID": ACCOUNT},
    ).client_settings()
    assert (with_account.username, with_account.password.reveal()) == ("SK" + "3" * 32, "s3cr3t")
    assert with_account.account_sid == ACCOUNT


def test_missing_credentials_name_exactly_what_to_set() -> None:
    config = resolve_config(_config({"twilio:accountSid": ACCOUNT}), {})
    with pytest.raises(ConfigurationError) as caught:
        config.client_settings()
    message = str(caught.value)
    assert "twilio:authToken" in message
    assert "TWILIO_AUTH_TOKEN" in message
    assert "twilio:accountSid" not in message


def test_config_and_settings_never_show_or_pickle_the_token() -> None:
    config = resolve_config(_config({"twilio:accountSid": ACCOUNT, "twilio:authToken": TOKEN}), {})
    settings = config.client_settings()
    for value in (config, settings):
        assert TOKEN not in repr(value)
        assert TOKEN not in str(value)
        with pytest.raises(TypeError):
            pickle.dumps(value)
    assert Secret(TOKEN) == Secret(TOKEN)


def test_tuning_values_are_numbers_and_errors_name_their_origin() -> None:
    base = {"twilio:accountSid": ACCOUNT, "twilio:authToken": TOKEN}
    settings = resolve_config(
        _config({**base, "twilio:maxAttempts": "3", "twilio:readTimeout": "2.5"}), {}
    ).client_settings()
    assert settings.retry.max_attempts == 3
    assert settings.timeouts.read == 2.5
    with pytest.raises(ConfigurationError, match="stack config twilio:readTimeout must be a number"):
        resolve_config(_config({**base, "twilio:readTimeout": "soon"}), {}).client_settings()
    with pytest.raises(ConfigurationError, match="environment variable TWILIO_TRUNKING_READ_TIMEOUT"):
        resolve_config(_config(base), {"TWILIO_TRUNKING_READ_TIMEOUT": "-1"}).client_settings()


@pytest.mark.parametrize(
    "url",
    [
        "htp://admin:s3cr3t@127.0.0.1:8765",
        "http://admin:s3cr3t@127.0.0.1:8765",
        "https://h.example/?token=s3cr3t",
    ],
)
def test_a_base_url_with_credentials_is_refused_without_echoing_them(url: str) -> None:
    config = resolve_config(
        _config({"twilio:accountSid": ACCOUNT, "twilio:authToken": TOKEN}), {"TWILIO_API_BASE_URL": url}
    )
    with pytest.raises(ConfigurationError) as caught:
        config.client_settings()
    message = str(caught.value)
    assert "s3cr3t" not in message
    assert "admin" not in message
    assert message.startswith("environment variable TWILIO_API_BASE_URL must not embed credentials")
    assert "s3cr3t" not in config.endpoint_description()
