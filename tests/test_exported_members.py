"""The public API, pinned: a name added to or dropped from an ``__all__`` must be a decision.

Also checks that every lazily exported name resolves, so an ``__all__`` and its lazy-import map
cannot drift apart.
"""

from __future__ import annotations

import importlib

import pytest

PUBLIC_API = {
    "pulumi_twilio_trunking": {
        "EXCLUSIVE_RESOURCE_TYPE",
        "RESOURCE_TYPE",
        "BindingError",
        "ConfigurationError",
        "ExclusiveTrunk",
        "ExclusiveTrunkProvider",
        "InvalidBindingInputs",
        "ProviderError",
        "TrunkPhoneNumberAssociation",
        "TrunkPhoneNumberAssociationArgs",
        "TrunkPhoneNumberAssociationProvider",
        "__version__",
    },
    "pulumi_twilio_trunking.testing": {
        "BindingMocks",
        "DeclaredBinding",
        "TwilioEmulator",
        "set_binding_mocks",
        "start_twilio_emulator",
    },
    "pulumi_twilio_trunking.policy": {
        "POLICY_NAMES",
        "all_policies",
        "binding_protected_policy",
        "country_allowed_policy",
        "country_allowed_stack_policy",
        "single_binding_per_number_policy",
        "trunk_allowed_policy",
        "trunk_binding_well_formed_policy",
        "validate_binding_protected",
        "validate_binding_well_formed",
        "validate_country_allowed",
        "validate_country_allowed_stack",
        "validate_single_binding_per_number",
        "validate_trunk_allowed",
    },
    "twilio_trunking_emulator": {
        "DEFAULT_ACCOUNT_SID",
        "DEFAULT_AUTH_TOKEN",
        "EmulatorControl",
        "EmulatorOptions",
        "EmulatorProcess",
        "EmulatorServer",
        "run_emulator_process",
    },
}


@pytest.mark.parametrize("module_name", sorted(PUBLIC_API))
def test_all_is_exactly_the_pinned_public_api(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert set(module.__all__) == PUBLIC_API[module_name]


@pytest.mark.parametrize("module_name", sorted(PUBLIC_API))
def test_every_exported_name_resolves(module_name: str) -> None:
    module = importlib.import_module(module_name)
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{module_name}.{name}"


@pytest.mark.parametrize("module_name", sorted(PUBLIC_API))
def test_public_objects_say_where_they_live(module_name: str) -> None:
    module = importlib.import_module(module_name)
    for name in module.__all__:
        value = getattr(module, name)
        if isinstance(value, type) or callable(value):
            assert value.__module__.startswith(module_name.split(".")[0]), f"{module_name}.{name}"


def test_the_version_comes_from_the_package_metadata() -> None:
    import importlib.metadata

    import pulumi_twilio_trunking

    assert pulumi_twilio_trunking.__version__ == importlib.metadata.version("pulumi-twilio-trunking")
