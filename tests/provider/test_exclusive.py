"""``ExclusiveTrunkProvider`` driven directly against the in-thread emulator, as the provider host would.

One provider session is one CLI command: ``next_command`` gives the provider of the next one.
"""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown

from pulumi_twilio_trunking.errors import BindingError, ConfigurationError
from pulumi_twilio_trunking.exclusive import ExclusiveTrunkProvider
from pulumi_twilio_trunking.session import ProviderSession
from pulumi_twilio_trunking.testing import TwilioEmulator
from tests.provider.conftest import Seeded, stack_config
from twilio_trunking_emulator import EmulatorControl

ONE, TWO, THREE = "+14155550101", "+14155550102", "+14155550103"


@pytest.fixture
def exclusive(twilio_emulator: TwilioEmulator, control: EmulatorControl) -> ExclusiveTrunkProvider:
    provider = ExclusiveTrunkProvider(ProviderSession())
    provider.configure(ConfigureRequest(Config(stack_config(twilio_emulator), "proj")))
    return provider


def next_command(provider: ExclusiveTrunkProvider) -> ExclusiveTrunkProvider:
    return ExclusiveTrunkProvider(ProviderSession(service=provider.session.service))


def _inputs(
    trunk: str, associated: list[str], keep: list[str] | None = None, protected: list[str] | None = None
) -> dict[str, Any]:
    return {
        "trunk_sid": trunk,
        "associated_phone_number_sids": associated,
        "protected_phone_number_sids": protected or [],
        "keep": keep or [],
        "__name": "exact",
    }


def _bind(control: EmulatorControl, trunk: str, *numbers: str) -> None:
    control.seed({"phone_numbers": [{"phone_number": n, "trunk_sid": trunk} for n in numbers]})
    control.clear_requests()


def _bound(control: EmulatorControl) -> dict[str, str | None]:
    return {n["sid"]: n["trunk_sid"] for n in control.state()["phone_numbers"]}


def _requests(control: EmulatorControl) -> list[str]:
    return [f"{e['method']} {e['path']}" for e in control.requests()["requests"]]


def _deletes(control: EmulatorControl) -> list[str]:
    return [r for r in _requests(control) if r.startswith("DELETE")]


class TestWithoutApi:
    def test_check_and_diff_need_no_credentials(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        provider = ExclusiveTrunkProvider(ProviderSession())
        provider.configure(ConfigureRequest(Config({}, "proj")))
        trunk, pn = "TK" + "a" * 32, "PN" + "b" * 32
        news = {"trunk_sid": trunk, "associated_phone_number_sids": Unknown(), "keep": []}
        assert provider.check({}, news).failures == []
        olds = {**_inputs(trunk, [pn]), "stray_phone_number_sids": []}
        assert provider.diff(trunk, olds, news).changes is True  # unknown declared set
        assert provider.diff(trunk, olds, _inputs(trunk, [pn])).changes is False
        recorded = {**olds, "stray_phone_number_sids": ["PN" + "c" * 32]}
        assert provider.diff(trunk, recorded, _inputs(trunk, [pn])).changes is True
        assert provider.diff(trunk, olds, _inputs(trunk, [pn], ["PN" + "c" * 32])).changes is True
        other = provider.diff(trunk, olds, _inputs("TK" + "d" * 32, [pn]))
        assert other.changes is True and other.replaces == ["trunk_sid"]

    def test_a_preview_shows_the_strays_the_update_will_unbind(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        trunk, pn, stray = "TK" + "a" * 32, "PN" + "b" * 32, "PN" + "c" * 32
        olds = {**_inputs(trunk, [pn]), "stray_phone_number_sids": [stray]}
        ExclusiveTrunkProvider(ProviderSession()).diff(trunk, olds, _inputs(trunk, [pn]))
        err = capsys.readouterr().err
        assert f'ExclusiveTrunk "exact": this update unbinds the strays recorded on trunk {trunk}' in err
        assert stray in err

    def test_check_names_bad_inputs(self) -> None:
        provider = ExclusiveTrunkProvider(ProviderSession())
        failures = provider.check({}, _inputs("TK1", ["PN1"], ["+1415"], ["x"])).failures
        assert {f.property for f in failures} == {
            "trunk_sid",
            "associated_phone_number_sids",
            "protected_phone_number_sids",
            "keep",
        }

    def test_pickles_as_bare_class(self, exclusive: ExclusiveTrunkProvider) -> None:
        assert exclusive.session.service is not None  # holds a configured client now
        blob = pickle.dumps(exclusive)
        assert b"authToken" not in blob and b"core-tests-token" not in blob
        assert isinstance(pickle.loads(blob), ExclusiveTrunkProvider)


class TestStraysAreShownBeforeTheyAreUnbound:
    def test_create_records_and_prints_strays_and_unbinds_nothing(
        self,
        exclusive: ExclusiveTrunkProvider,
        control: EmulatorControl,
        seeded: Seeded,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        one, two, three = (seeded.numbers[n] for n in (ONE, TWO, THREE))
        _bind(control, seeded.trunk, ONE, TWO)
        _bind(control, seeded.other_trunk, THREE)
        result = exclusive.create(_inputs(seeded.trunk, [one]))
        assert result.id == seeded.trunk and result.outs is not None
        assert result.outs["stray_phone_number_sids"] == [two]
        assert result.outs["unbound_phone_number_sids"] == []
        assert result.outs["declared_phone_number_sids"] == [one]
        assert _bound(control)[two] == seeded.trunk and _bound(control)[three] == seeded.other_trunk
        assert _requests(control) == [f"GET /v1/Trunks/{seeded.trunk}/PhoneNumbers"]
        err = capsys.readouterr().err
        assert f'twilio-trunking: ExclusiveTrunk "exact": trunk {seeded.trunk} holds 1 number(s)' in err
        assert f"{TWO} ({two}); recorded as strays and left bound" in err

    def test_the_next_update_unbinds_exactly_the_recorded_strays(
        self,
        exclusive: ExclusiveTrunkProvider,
        control: EmulatorControl,
        seeded: Seeded,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        one, two, three = (seeded.numbers[n] for n in (ONE, TWO, THREE))
        _bind(control, seeded.trunk, ONE, TWO)
        created = exclusive.create(_inputs(seeded.trunk, [one])).outs
        assert created is not None
        _bind(control, seeded.trunk, THREE)  # a new stray, not shown yet
        capsys.readouterr()
        outs = next_command(exclusive).update(seeded.trunk, created, _inputs(seeded.trunk, [one])).outs
        assert outs is not None
        assert outs["unbound_phone_number_sids"] == [two]
        assert outs["stray_phone_number_sids"] == [three]  # recorded for the next update
        assert _bound(control)[two] is None and _bound(control)[three] == seeded.trunk
        assert _deletes(control) == [f"DELETE /v1/Trunks/{seeded.trunk}/PhoneNumbers/{two}"]
        err = capsys.readouterr().err
        assert f'unbound {TWO} ({two}) from trunk {seeded.trunk}: a stray on ExclusiveTrunk "exact"' in err
        assert f"{THREE} ({three}); recorded as strays and left bound" in err

    def test_a_recorded_stray_that_is_declared_or_kept_by_now_stays_bound(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        one, two, three = (seeded.numbers[n] for n in (ONE, TWO, THREE))
        _bind(control, seeded.trunk, ONE, TWO, THREE)
        created = exclusive.create(_inputs(seeded.trunk, [])).outs
        assert created is not None and created["stray_phone_number_sids"] == sorted([one, two, three])
        outs = (
            next_command(exclusive)
            .update(seeded.trunk, created, _inputs(seeded.trunk, [one], keep=[two]))
            .outs
        )
        assert outs is not None and outs["unbound_phone_number_sids"] == [three]
        assert _deletes(control) == [f"DELETE /v1/Trunks/{seeded.trunk}/PhoneNumbers/{three}"]

    def test_strays_found_by_this_commands_refresh_are_only_recorded(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        # `pulumi up --refresh`: the refresh and the update run in one provider process.
        one, two = seeded.numbers[ONE], seeded.numbers[TWO]
        _bind(control, seeded.trunk, ONE)
        created = exclusive.create(_inputs(seeded.trunk, [one])).outs
        assert created is not None
        later = next_command(exclusive)
        _bind(control, seeded.trunk, TWO)
        read = later.read(seeded.trunk, created)
        assert read.outs is not None and read.outs["stray_phone_number_sids"] == [two]
        outs = later.update(seeded.trunk, read.outs, _inputs(seeded.trunk, [one])).outs
        assert outs is not None and outs["unbound_phone_number_sids"] == []
        assert outs["stray_phone_number_sids"] == [two] and _deletes(control) == []
        # The command after that acts on what was recorded and shown.
        outs = next_command(later).update(seeded.trunk, outs, _inputs(seeded.trunk, [one])).outs
        assert outs is not None and outs["unbound_phone_number_sids"] == [two]

    def test_bindings_held_by_this_update_are_never_strays(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        # e.g. a binding created inside an apply, which the program's declared set cannot see
        one, two = seeded.numbers[ONE], seeded.numbers[TWO]
        _bind(control, seeded.trunk, ONE, TWO)
        created = exclusive.create(_inputs(seeded.trunk, [one])).outs
        assert created is not None and created["stray_phone_number_sids"] == [two]
        later = next_command(exclusive)
        later.session.memory.hold(seeded.trunk, two, "made-in-apply")
        outs = later.update(seeded.trunk, created, _inputs(seeded.trunk, [one])).outs
        assert (
            outs is not None
            and outs["unbound_phone_number_sids"] == []
            and outs["stray_phone_number_sids"] == []
        )
        assert _bound(control)[two] == seeded.trunk


class TestAgainstEmulator:
    def test_keep_counts_as_declared(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        one, two = seeded.numbers[ONE], seeded.numbers[TWO]
        _bind(control, seeded.trunk, ONE, TWO)
        outs = exclusive.create(_inputs(seeded.trunk, [one], [two])).outs
        assert outs is not None and outs["declared_phone_number_sids"] == sorted([one, two])
        assert outs["stray_phone_number_sids"] == []

    def test_read_reports_strays_and_declared_inputs_without_writing(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        one, two, three = (seeded.numbers[n] for n in (ONE, TWO, THREE))
        _bind(control, seeded.trunk, ONE, TWO, THREE)
        stored = {**_inputs(seeded.trunk, [one], [three]), "stray_phone_number_sids": []}
        result = exclusive.read(seeded.trunk, stored)
        assert result.outs is not None
        assert result.outs["stray_phone_number_sids"] == [two]
        # The declared inputs, plus the strays (so the next preview's diff shows them going).
        declared = {k: v for k, v in _inputs(seeded.trunk, [one], [three]).items() if k != "__name"}
        assert result.inputs == {**declared, "stray_phone_number_sids": [two]}
        assert _requests(control) == [f"GET /v1/Trunks/{seeded.trunk}/PhoneNumbers"]
        # A declared number that is not bound is not a stray, and not this resource's job.
        control.seed({"phone_numbers": [{"phone_number": ONE, "trunk_sid": None}]})
        result = exclusive.read(seeded.trunk, stored)
        assert result.outs is not None and result.outs["stray_phone_number_sids"] == [two]

    def test_read_pages_through_a_large_trunk(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        many = [f"+1415556{i:04d}" for i in range(1205)]
        control.seed({"phone_numbers": [{"phone_number": n, "trunk_sid": seeded.trunk} for n in many]})
        control.clear_requests()
        result = exclusive.read(seeded.trunk, _inputs(seeded.trunk, []))
        assert result.outs is not None and len(result.outs["stray_phone_number_sids"]) == 1205
        assert len(_requests(control)) == 2  # 1,000 a page

    def test_update_leaves_numbers_whose_association_is_leaving_to_it(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        one, two, three = (seeded.numbers[n] for n in (ONE, TWO, THREE))
        _bind(control, seeded.trunk, ONE, TWO, THREE)
        olds = {**_inputs(seeded.trunk, [one, two]), "stray_phone_number_sids": [three]}
        # ``two``'s association leaves the program in this update: its own delete unbinds it (or, if it
        # is protected, the engine refuses to); this resource leaves it alone.
        outs = exclusive.update(seeded.trunk, olds, _inputs(seeded.trunk, [one])).outs
        assert outs is not None and outs["stray_phone_number_sids"] == []
        assert outs["unbound_phone_number_sids"] == [three]
        bound = _bound(control)
        assert (bound[one], bound[two], bound[three]) == (seeded.trunk, seeded.trunk, None)
        assert _deletes(control) == [f"DELETE /v1/Trunks/{seeded.trunk}/PhoneNumbers/{three}"]

    def test_protected_association_leaving_the_program_keeps_its_number_while_bound(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        one, two, three = (seeded.numbers[n] for n in (ONE, TWO, THREE))
        _bind(control, seeded.trunk, ONE, TWO)
        olds = exclusive.create(_inputs(seeded.trunk, [one, two], protected=[two])).outs
        assert olds is not None
        # ``two``'s protected association is dropped from the program; the engine refuses to delete it.
        outs = next_command(exclusive).update(seeded.trunk, olds, _inputs(seeded.trunk, [one])).outs
        assert outs is not None and outs["retained_phone_number_sids"] == [two]
        assert outs["declared_phone_number_sids"] == sorted([one, two])
        # Later refreshes and updates still leave it alone while it stays bound...
        _bind(control, seeded.trunk, THREE)
        read = next_command(exclusive).read(seeded.trunk, outs)
        assert read.outs is not None and read.outs["stray_phone_number_sids"] == [three]
        outs = next_command(exclusive).update(seeded.trunk, read.outs, _inputs(seeded.trunk, [one])).outs
        assert outs is not None and outs["retained_phone_number_sids"] == [two]
        assert _bound(control)[two] == seeded.trunk and _bound(control)[three] is None
        # ...and forget it once it is gone (unprotected and deleted, or unbound by hand).
        control.seed({"phone_numbers": [{"phone_number": TWO, "trunk_sid": None}]})
        read = exclusive.read(seeded.trunk, outs)
        assert read.outs is not None and read.outs["retained_phone_number_sids"] == []
        assert read.outs["declared_phone_number_sids"] == [one]

    def test_missing_trunk(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        gone = "TK" + "0" * 32
        with pytest.raises(BindingError, match=f"trunk {gone} does not exist"):
            exclusive.create(_inputs(gone, []))
        result = exclusive.read(gone, _inputs(gone, []))
        assert result.outs is not None and result.outs["stray_phone_number_sids"] == []

    def test_delete_unbinds_nothing_not_even_recorded_strays(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        one, two = seeded.numbers[ONE], seeded.numbers[TWO]
        _bind(control, seeded.trunk, ONE, TWO)
        exclusive.delete(seeded.trunk, {**_inputs(seeded.trunk, [one]), "stray_phone_number_sids": [two]})
        assert _requests(control) == []
        assert _bound(control)[two] == seeded.trunk

    def test_a_wrong_token_is_one_line_naming_where_it_came_from(
        self, twilio_emulator: TwilioEmulator, control: EmulatorControl, seeded: Seeded
    ) -> None:
        provider = ExclusiveTrunkProvider(ProviderSession())
        config = stack_config(twilio_emulator, **{"twilio:authToken": "wrong-token"})
        provider.configure(ConfigureRequest(Config(config, "proj")))
        with pytest.raises(ConfigurationError) as caught:
            provider.read(seeded.trunk, _inputs(seeded.trunk, []))
        message = str(caught.value)
        assert "\n" not in message and "wrong-token" not in message
        assert "Twilio refused the credentials (HTTP 401" in message
        assert "stack config twilio:authToken" in message
        assert caught.value.__traceback__ is not None and caught.value.__suppress_context__
