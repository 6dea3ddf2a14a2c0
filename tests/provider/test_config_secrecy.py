"""The program-side warning for a Twilio credential set in stack config without ``--secret``."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pulumi
import pytest
from pulumi.runtime.config import set_all_config

from pulumi_twilio_trunking.config_secrecy import warn_if_credentials_not_secret

TOKEN = "plain-token-9a0c1e"


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, object]]:
        return args.name, dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, object], list[tuple[str, str]]]:
        return {}, []


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def warnings() -> Iterator[_Collect]:
    collect = _Collect()
    logger = logging.getLogger("test_config_secrecy")
    logger.addHandler(collect)
    logger.propagate = False
    pulumi.runtime.set_mocks(_Mocks(), logger=logger)
    yield collect
    logger.removeHandler(collect)
    set_all_config({}, [])


def new_run(warnings: _Collect) -> None:
    """Another program run: a fresh mock monitor, as a new ``pulumi up`` would have."""
    pulumi.runtime.set_mocks(_Mocks(), logger=logging.getLogger("test_config_secrecy"))


def test_a_plain_token_in_stack_config_warns_once_naming_the_key_and_the_fix(warnings: _Collect) -> None:
    set_all_config({"twilio:authToken": TOKEN, "twilio:accountSid": "AC" + "1" * 32}, [])
    warn_if_credentials_not_secret()
    warn_if_credentials_not_secret()
    (line,) = warnings.lines
    assert "twilio:authToken" in line
    assert "pulumi config set --secret twilio:authToken" in line
    assert TOKEN not in line
    assert "\n" not in line


def test_a_secret_token_or_none_at_all_is_silent(warnings: _Collect) -> None:
    set_all_config(
        {"twilio:authToken": TOKEN, "twilio:apiSecret": TOKEN}, ["twilio:authToken", "twilio:apiSecret"]
    )
    warn_if_credentials_not_secret()
    new_run(warnings)
    set_all_config({"twilio:accountSid": "AC" + "1" * 32}, [])
    warn_if_credentials_not_secret()
    assert warnings.lines == []


def test_an_api_secret_in_plain_text_warns_too_and_each_run_warns_again(warnings: _Collect) -> None:
    set_all_config({"twilio:apiKey": "SK" + "1" * 32, "twilio:apiSecret": TOKEN}, [])
    warn_if_credentials_not_secret()
    new_run(warnings)
    set_all_config({"twilio:apiKey": "SK" + "1" * 32, "twilio:apiSecret": TOKEN}, [])
    warn_if_credentials_not_secret()
    assert len(warnings.lines) == 2
    assert all("twilio:apiSecret" in line and TOKEN not in line for line in warnings.lines)


def test_secret_keys_given_only_through_the_environment_count(
    warnings: _Collect, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", '["twilio:authToken"]')
    set_all_config({"twilio:authToken": TOKEN}, [])
    warn_if_credentials_not_secret()
    assert warnings.lines == []
