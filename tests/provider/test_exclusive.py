"""``ExclusiveTrunkProvider`` driven directly against the in-thread emulator, as the provider host would."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown

from pulumi_twilio_trunking.errors import BindingError
from pulumi_twilio_trunking.exclusive import ExclusiveTrunkProvider, _numbers_on
from pulumi_twilio_trunking.testing import TwilioEmulator
from tests.provider.conftest import Seeded, stack_config
from twilio_trunking_emulator import EmulatorControl

ONE, TWO, THREE = "+14155550101", "+14155550102", "+14155550103"


@pytest.fixture
def exclusive(emulator: TwilioEmulator, control: EmulatorControl) -> ExclusiveTrunkProvider:
    provider = ExclusiveTrunkProvider()
    provider.configure(ConfigureRequest(Config(stack_config(emulator), "proj")))
    return provider


def _inputs(
    trunk: str, associated: list[str], keep: list[str] | None = None, protected: list[str] | None = None
) -> dict[str, Any]:
    return {
        "trunk_sid": trunk,
        "associated_phone_number_sids": associated,
        "protected_phone_number_sids": protected or [],
        "keep": keep or [],
    }


def _bind(control: EmulatorControl, seeded: Seeded, trunk: str, *numbers: str) -> None:
    control.seed({"phone_numbers": [{"phone_number": n, "trunk_sid": trunk} for n in numbers]})
    control.clear_requests()


def _bound(control: EmulatorControl) -> dict[str, str | None]:
    return {n["sid"]: n["trunk_sid"] for n in control.state()["phone_numbers"]}


def _requests(control: EmulatorControl) -> list[str]:
    return [f"{e['method']} {e['path']}" for e in control.requests()["requests"]]


class TestWithoutApi:
    def test_check_and_diff_need_no_credentials(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        provider = ExclusiveTrunkProvider()
        provider.configure(ConfigureRequest(Config({}, "proj")))
        trunk, pn = "TK" + "a" * 32, "PN" + "b" * 32
        news = {"trunk_sid": trunk, "associated_phone_number_sids": Unknown(), "keep": []}  # type: ignore[no-untyped-call]
        assert provider.check({}, news).failures == []
        olds = {**_inputs(trunk, [pn]), "stray_phone_number_sids": []}
        assert provider.diff(trunk, olds, news).changes is True  # unknown declared set
        assert provider.diff(trunk, olds, _inputs(trunk, [pn])).changes is False
        assert provider.diff(
            trunk, {**olds, "stray_phone_number_sids": ["PN" + "c" * 32]}, _inputs(trunk, [pn])
        ).changes
        assert provider.diff(trunk, olds, _inputs(trunk, [pn], ["PN" + "c" * 32])).changes is True
        other = provider.diff(trunk, olds, _inputs("TK" + "d" * 32, [pn]))
        assert other.changes is True and other.replaces == ["trunk_sid"]

    def test_check_names_bad_inputs(self) -> None:
        failures = ExclusiveTrunkProvider().check({}, _inputs("TK1", ["PN1"], ["+1415"], ["x"])).failures
        assert {f.property for f in failures} == {
            "trunk_sid",
            "associated_phone_number_sids",
            "protected_phone_number_sids",
            "keep",
        }

    def test_pickles_as_bare_class(self, exclusive: ExclusiveTrunkProvider) -> None:
        exclusive._bindings()  # holds a configured client now
        blob = pickle.dumps(exclusive)
        assert b"authToken" not in blob and b"core-tests-token" not in blob
        assert isinstance(pickle.loads(blob), ExclusiveTrunkProvider)

    def test_numbers_on_filters_by_trunk(self) -> None:
        pairs: list[object] = [["TK1", "PN2"], ["TK2", "PN3"], ["TK1", "PN1"], ["TK1", None], ["TK1", "PN1"]]
        assert _numbers_on("TK1", pairs) == ["PN1", "PN2"]


class TestAgainstEmulator:
    def test_create_unbinds_only_strays_of_this_trunk(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        one, two, three = (seeded.numbers[n] for n in (ONE, TWO, THREE))
        _bind(control, seeded, seeded.trunk, ONE, TWO)
        _bind(control, seeded, seeded.other_trunk, THREE)
        result = exclusive.create(_inputs(seeded.trunk, [one]))
        assert result.id == seeded.trunk
        assert result.outs is not None
        assert result.outs["stray_phone_number_sids"] == []
        assert result.outs["declared_phone_number_sids"] == [one]
        assert _bound(control)[two] is None
        assert _bound(control)[one] == seeded.trunk
        assert _bound(control)[three] == seeded.other_trunk
        assert _requests(control) == [
            f"GET /v1/Trunks/{seeded.trunk}/PhoneNumbers",
            f"DELETE /v1/Trunks/{seeded.trunk}/PhoneNumbers/{two}",
        ]

    def test_keep_counts_as_declared(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        one, two = seeded.numbers[ONE], seeded.numbers[TWO]
        _bind(control, seeded, seeded.trunk, ONE, TWO)
        outs = exclusive.create(_inputs(seeded.trunk, [one], [two])).outs
        assert outs is not None and outs["declared_phone_number_sids"] == sorted([one, two])
        assert _bound(control)[two] == seeded.trunk
        assert [r for r in _requests(control) if r.startswith("DELETE")] == []

    def test_read_reports_strays_and_declared_inputs_without_writing(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        one, two, three = (seeded.numbers[n] for n in (ONE, TWO, THREE))
        _bind(control, seeded, seeded.trunk, ONE, TWO, THREE)
        stored = {**_inputs(seeded.trunk, [one], [three]), "stray_phone_number_sids": []}
        result = exclusive.read(seeded.trunk, stored)
        assert result.outs is not None
        assert result.outs["stray_phone_number_sids"] == [two]
        # The declared inputs, plus the strays (so the next preview's diff shows them going).
        assert result.inputs == {**_inputs(seeded.trunk, [one], [three]), "stray_phone_number_sids": [two]}
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

    def test_update_unbinds_strays_but_not_numbers_whose_association_is_leaving(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        one, two, three = (seeded.numbers[n] for n in (ONE, TWO, THREE))
        _bind(control, seeded, seeded.trunk, ONE, TWO, THREE)
        olds = {**_inputs(seeded.trunk, [one, two]), "stray_phone_number_sids": [three]}
        # ``two``'s association leaves the program in this update: its own delete unbinds it (or, if it
        # is protected, the engine refuses to); this resource leaves it alone.
        outs = exclusive.update(seeded.trunk, olds, _inputs(seeded.trunk, [one])).outs
        assert outs is not None and outs["stray_phone_number_sids"] == []
        assert _bound(control) == {**_bound(control), one: seeded.trunk, two: seeded.trunk, three: None}
        assert [r for r in _requests(control) if r.startswith("DELETE")] == [
            f"DELETE /v1/Trunks/{seeded.trunk}/PhoneNumbers/{three}"
        ]

    def test_protected_association_leaving_the_program_keeps_its_number_while_bound(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        one, two, three = (seeded.numbers[n] for n in (ONE, TWO, THREE))
        _bind(control, seeded, seeded.trunk, ONE, TWO)
        olds = exclusive.create(_inputs(seeded.trunk, [one, two], protected=[two])).outs
        assert olds is not None
        # ``two``'s protected association is dropped from the program; the engine refuses to delete it.
        outs = exclusive.update(seeded.trunk, olds, _inputs(seeded.trunk, [one])).outs
        assert outs is not None and outs["retained_phone_number_sids"] == [two]
        assert outs["declared_phone_number_sids"] == sorted([one, two])
        # Later refreshes and updates still leave it alone while it stays bound...
        _bind(control, seeded, seeded.trunk, THREE)
        read = exclusive.read(seeded.trunk, outs)
        assert read.outs is not None and read.outs["stray_phone_number_sids"] == [three]
        outs = exclusive.update(seeded.trunk, read.outs, _inputs(seeded.trunk, [one])).outs
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

    def test_delete_touches_nothing(
        self, exclusive: ExclusiveTrunkProvider, control: EmulatorControl, seeded: Seeded
    ) -> None:
        _bind(control, seeded, seeded.trunk, ONE)
        exclusive.delete(seeded.trunk, {**_inputs(seeded.trunk, []), "stray_phone_number_sids": []})
        assert _requests(control) == []
