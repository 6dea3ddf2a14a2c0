"""The ``twilio_emulator`` fixture, as a user's test suite gets it from the ``pytest11`` entry point."""

from __future__ import annotations

import importlib.metadata

import pytest

pytest_plugins = ["pytester"]


def test_the_plugin_is_registered_through_the_pytest11_entry_point() -> None:
    entry_points = importlib.metadata.entry_points(group="pytest11")
    assert {ep.name: ep.value for ep in entry_points}["twilio_trunking"] == (
        "pulumi_twilio_trunking.testing.pytest_plugin"
    )


def test_a_users_suite_gets_a_fresh_emulator_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_first(twilio_emulator):
            result = twilio_emulator.seed({"trunks": [{"friendly_name": "main"}]})
            assert len(result["trunks"]) == 1
            response = httpx.get(f"{twilio_emulator.base_url}/v1/Trunks", auth=twilio_emulator.auth)
            assert response.status_code == 200
            assert [t["friendly_name"] for t in response.json()["trunks"]] == ["main"]

        def test_second_starts_empty(twilio_emulator):
            response = httpx.get(f"{twilio_emulator.base_url}/v1/Trunks", auth=twilio_emulator.auth)
            assert response.json()["trunks"] == []
            assert twilio_emulator.requests()["total"] == 1

        def test_env_and_stack_config_point_at_it(twilio_emulator):
            assert twilio_emulator.env()["TWILIO_API_BASE_URL"] == twilio_emulator.base_url
            assert twilio_emulator.stack_config()["twilio:apiBaseUrl"] == twilio_emulator.base_url
            assert twilio_emulator.auth_token not in repr(twilio_emulator)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_options_and_process_mode_are_overridable(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys
        import httpx, pytest
        from twilio_trunking_emulator import EmulatorOptions

        @pytest.fixture
        def twilio_emulator_options():
            return EmulatorOptions(auth_token="kit-token-1", api_key="SK" + "1" * 32, api_secret="kit-secret")

        @pytest.fixture
        def twilio_emulator_in_process():
            return False

        def test_process_with_api_key(twilio_emulator):
            assert twilio_emulator.auth_token == "kit-token-1"
            ok = httpx.get(f"{twilio_emulator.base_url}/v1/Trunks", auth=("SK" + "1" * 32, "kit-secret"))
            assert ok.status_code == 200
            bad = httpx.get(f"{twilio_emulator.base_url}/v1/Trunks", auth=(twilio_emulator.account_sid, "x"))
            assert bad.status_code == 401
            assert "twilio_trunking_emulator.server" not in sys.modules, "it must run in a child process"
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_faults_are_cleared_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_with_a_fault(twilio_emulator):
            twilio_emulator.control.set_faults([{"kind": "status", "status": 503, "count": 100}])
            response = httpx.get(f"{twilio_emulator.base_url}/v1/Trunks", auth=twilio_emulator.auth)
            assert response.status_code == 503

        def test_after_it(twilio_emulator):
            response = httpx.get(f"{twilio_emulator.base_url}/v1/Trunks", auth=twilio_emulator.auth)
            assert response.status_code == 200
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
