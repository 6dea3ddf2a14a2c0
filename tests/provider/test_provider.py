"""The provider's methods, driven directly against the emulator as the provider host would."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown

from pulumi_twilio_trunking.errors import AlreadyBound, BindingError, ConfigurationError, ProviderError
from pulumi_twilio_trunking.properties import OUTPUT_PROPERTIES
from pulumi_twilio_trunking.provider import TrunkPhoneNumberAssociationProvider
from pulumi_twilio_trunking.session import ProviderSession
from pulumi_twilio_trunking.testing import TwilioEmulator
from pulumi_twilio_trunking.twilio.client import TwilioClient
from tests.provider.conftest import TOKEN, Seeded, create_binding, next_update, stack_config
from twilio_trunking_emulator import EmulatorControl

Provider = TrunkPhoneNumberAssociationProvider


def fresh() -> Provider:
    """A provider with a session of its own, as in a new provider process."""
    return Provider(ProviderSession())


def _bound_trunk(client: TwilioClient, sid: str) -> str | None:
    number = client.fetch_incoming_phone_number(sid)
    assert number is not None
    return number.trunk_sid


class TestCheckAndDiff:
    def test_check_names_property_and_rule(self) -> None:
        result = fresh().check({}, {"trunk_sid": "TK1", "phone_number": "555"})
        failures = {f.property: f.reason for f in result.failures}
        assert set(failures) == {"trunk_sid", "phone_number"}
        assert "^TK[0-9a-fA-F]{32}$" in failures["trunk_sid"]
        assert "E.164" in failures["phone_number"]

    def test_check_and_diff_accept_unknowns_without_credentials(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        provider = fresh()
        provider.configure(ConfigureRequest(Config({}, "proj")))
        news = {"trunk_sid": Unknown(), "phone_number": "+14155550101"}
        assert provider.check({}, news).failures == []
        olds = {
            "trunk_sid": "TK" + "a" * 32,
            "phone_number": "+14155550101",
            "phone_number_sid": "PN" + "b" * 32,
        }
        diff = provider.diff("TK/PN", olds, news)
        assert diff.changes is True and diff.replaces == ["trunk_sid"]

    def test_diff_ignores_the_provider_blob_and_compares_the_declared_number(self) -> None:
        olds = {
            "trunk_sid": "TK" + "a" * 32,
            "phone_number_sid": "PN" + "b" * 32,
            "phone_number": "+14155550101",
            "__number_key": "phone_number",
            "__provider": "old",
        }
        same = {"trunk_sid": "TK" + "a" * 32, "phone_number": "+14155550101", "__provider": "new"}
        assert fresh().diff("id", olds, same).changes is False
        other_number = {**same, "phone_number": "+14155550102"}
        assert fresh().diff("id", olds, other_number).replaces == ["phone_number"]
        by_sid = {"trunk_sid": "TK" + "a" * 32, "phone_number_sid": "PN" + "b" * 32}
        switched = fresh().diff("id", olds, by_sid)
        assert switched.changes is True and switched.replaces == []
        assert fresh().diff("id", olds, same).delete_before_replace is False

    def test_check_hands_back_the_declared_inputs_unchanged(self) -> None:
        olds = {"trunk_sid": "TK" + "a" * 32, "phone_number": "+14155550101"}
        news = {"trunk_sid": "TK" + "c" * 32, "phone_number": "+14155550101"}
        assert fresh().check(olds, news).inputs == news


class TestCreate:
    def test_create_by_number_returns_every_output(
        self, provider: Provider, client: TwilioClient, seeded: Seeded
    ) -> None:
        id_, outs = create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550102")
        sid = seeded.numbers["+14155550102"]
        assert id_ == f"{seeded.trunk}/{sid}"
        assert set(OUTPUT_PROPERTIES) <= set(outs)
        assert outs["phone_number_sid"] == outs["sid"] == sid
        assert outs["trunk_sid"] == seeded.trunk
        assert outs["friendly_name"] == "two"
        assert _bound_trunk(client, sid) == seeded.trunk

    def test_create_refuses_an_existing_binding_without_an_opt_in(
        self, provider: Provider, client: TwilioClient, control: EmulatorControl, seeded: Seeded
    ) -> None:
        sid = seeded.numbers["+14155550101"]
        client.create_trunk_phone_number(seeded.trunk, sid)
        control.clear_requests()
        with pytest.raises(AlreadyBound) as caught:
            create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
        message = str(caught.value)
        assert "\n" not in message and seeded.trunk in message and sid in message
        assert "adopt=True" in message and f'import_="{seeded.trunk}/{sid}"' in message
        assert "TWILIO_TRUNKING_ADOPT_EXISTING=true" in message
        # Cut at the provider method: only the frames above it (here: the test and its helper) remain.
        assert len(caught.traceback) <= 3 and caught.value.__suppress_context__
        assert not any(r["method"] == "POST" for r in control.requests()["requests"])

    @pytest.mark.parametrize("how", ["input", "env"])
    def test_create_adopts_an_existing_binding_when_asked(
        self,
        how: str,
        provider: Provider,
        client: TwilioClient,
        control: EmulatorControl,
        seeded: Seeded,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        sid = seeded.numbers["+14155550101"]
        client.create_trunk_phone_number(seeded.trunk, sid)
        control.clear_requests()
        inputs: dict[str, object] = {"trunk_sid": seeded.trunk, "phone_number_sid": sid}
        if how == "input":
            inputs["adopt"] = True
        else:
            monkeypatch.setenv("TWILIO_TRUNKING_ADOPT_EXISTING", "true")
        id_, outs = create_binding(provider, **inputs)
        assert id_ == f"{seeded.trunk}/{sid}"
        assert outs["trunk_sid"] == seeded.trunk and outs["ownership"] == "adopted"
        assert not any(r["method"] == "POST" for r in control.requests()["requests"])
        assert [b.sid for b in client.list_trunk_phone_numbers(seeded.trunk)] == [sid]
        assert f"twilio-trunking: adopted existing binding {id_}" in capsys.readouterr().err

    def test_twins_of_one_update_never_share_a_binding(
        self, provider: Provider, client: TwilioClient, seeded: Seeded
    ) -> None:
        sid = seeded.numbers["+14155550102"]
        _, outs = create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550102")
        assert outs["ownership"] == "created"
        with pytest.raises(ProviderError, match="already taken by another resource of this stack"):
            create_binding(provider, trunk_sid=seeded.trunk, phone_number_sid=sid, adopt=True)
        assert [b.sid for b in client.list_trunk_phone_numbers(seeded.trunk)] == [sid]

    def test_delete_leaves_a_binding_another_declaration_still_holds(
        self, provider: Provider, client: TwilioClient, seeded: Seeded, capsys: pytest.CaptureFixture[str]
    ) -> None:
        id_, outs = create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
        # The next update is a new provider process: the twin that stays is diffed (no
        # replacement), the removed one deleted.
        provider = next_update(provider)
        declared = {"trunk_sid": seeded.trunk, "phone_number": "+14155550101", "__name": "twin"}
        assert provider.diff(id_, outs, declared).replaces == []
        provider.delete(id_, outs)
        assert _bound_trunk(client, outs["sid"]) == seeded.trunk
        expected = f'left +14155550101 ({outs["sid"]}) bound to trunk {seeded.trunk}: resource "twin" of this'
        assert expected in capsys.readouterr().err

    def test_import_of_a_binding_that_is_gone_says_what_to_do(
        self, provider: Provider, seeded: Seeded
    ) -> None:
        sid = seeded.numbers["+14155550101"]
        with pytest.raises(BindingError, match="remove the import option"):
            create_binding(
                provider,
                trunk_sid=seeded.trunk,
                phone_number_sid=sid,
                __import_id=f"{seeded.trunk}/{sid}",
            )

    def test_create_refuses_a_number_bound_elsewhere(
        self, provider: Provider, client: TwilioClient, seeded: Seeded
    ) -> None:
        sid = seeded.numbers["+14155550101"]
        client.create_trunk_phone_number(seeded.other_trunk, sid)
        with pytest.raises(BindingError) as caught:
            create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
        assert seeded.other_trunk in str(caught.value)
        assert _bound_trunk(client, sid) == seeded.other_trunk

    def test_unknown_number_and_trunk_fail_clearly(self, provider: Provider, seeded: Seeded) -> None:
        with pytest.raises(BindingError, match=r"\+14155550199 is not an incoming phone number"):
            create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550199")
        with pytest.raises(BindingError, match=r"^trunk TK9+ does not exist in account .*fix trunk_sid"):
            create_binding(provider, trunk_sid="TK" + "9" * 32, phone_number="+14155550101")

    def test_lost_post_response_ends_bound_once(
        self, provider: Provider, client: TwilioClient, control: EmulatorControl, seeded: Seeded
    ) -> None:
        control.set_faults([{"kind": "drop_after", "count": 1, "method": "POST"}])
        _, outs = create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550103")
        assert outs["trunk_sid"] == seeded.trunk
        assert [b.sid for b in client.list_trunk_phone_numbers(seeded.trunk)] == [
            seeded.numbers["+14155550103"]
        ]

    def test_missing_credentials_fail_naming_what_to_set(
        self,
        twilio_emulator: TwilioEmulator,
        control: EmulatorControl,
        seeded: Seeded,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
        provider = fresh()
        provider.configure(
            ConfigureRequest(
                Config(
                    {
                        "twilio:accountSid": twilio_emulator.account_sid,
                        "twilio:apiBaseUrl": twilio_emulator.base_url,
                    },
                    "p",
                )
            )
        )
        with pytest.raises(ConfigurationError, match=r"twilio:authToken.*TWILIO_AUTH_TOKEN"):
            create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
        assert control.requests()["total"] == 0


class TestReadAndDelete:
    def test_read_returns_outputs_and_declared_inputs(self, provider: Provider, seeded: Seeded) -> None:
        id_, outs = create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
        result = provider.read(id_, outs)
        assert result.id == id_
        assert result.inputs == {"trunk_sid": seeded.trunk, "phone_number": "+14155550101"}
        assert result.outs is not None and result.outs["sid"] == outs["sid"]

    def test_read_after_out_of_band_unbind_or_move_drops_the_resource(
        self, provider: Provider, client: TwilioClient, seeded: Seeded
    ) -> None:
        id_, outs = create_binding(
            provider, trunk_sid=seeded.trunk, phone_number_sid=seeded.numbers["+14155550101"]
        )
        client.delete_trunk_phone_number(seeded.trunk, outs["sid"])
        assert provider.read(id_, outs).id == ""
        client.create_trunk_phone_number(seeded.other_trunk, outs["sid"])
        assert provider.read(id_, outs).id == ""

    def test_delete_unbinds_and_already_gone_is_fine(
        self, provider: Provider, client: TwilioClient, seeded: Seeded
    ) -> None:
        id_, outs = create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
        provider = next_update(provider)
        provider.delete(id_, outs)
        assert _bound_trunk(client, outs["sid"]) is None
        provider.delete(id_, outs)

    def test_delete_leaves_a_number_moved_to_another_trunk_alone(
        self, provider: Provider, client: TwilioClient, seeded: Seeded
    ) -> None:
        id_, outs = create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
        client.delete_trunk_phone_number(seeded.trunk, outs["sid"])
        client.create_trunk_phone_number(seeded.other_trunk, outs["sid"])
        next_update(provider).delete(id_, outs)
        assert _bound_trunk(client, outs["sid"]) == seeded.other_trunk

    def test_import_style_read_from_inputs_only(
        self, provider: Provider, client: TwilioClient, seeded: Seeded
    ) -> None:
        sid = seeded.numbers["+14155550102"]
        client.create_trunk_phone_number(seeded.trunk, sid)
        result = provider.read(
            f"{seeded.trunk}/{sid}", {"trunk_sid": seeded.trunk, "phone_number": "+14155550102"}
        )
        assert result.id == f"{seeded.trunk}/{sid}"
        assert result.inputs == {"trunk_sid": seeded.trunk, "phone_number": "+14155550102"}


class TestTrunkChange:
    def test_replacement_moves_the_number_and_old_delete_is_harmless(
        self, provider: Provider, client: TwilioClient, seeded: Seeded
    ) -> None:
        old_id, old_outs = create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
        provider = next_update(provider)
        olds = {"trunk_sid": seeded.trunk, "phone_number": "+14155550101"}
        news = {"trunk_sid": seeded.other_trunk, "phone_number": "+14155550101"}
        assert provider.diff(old_id, old_outs, news).replaces == ["trunk_sid"]
        checked = provider.check(olds, news)
        new = provider.create(checked.inputs)
        provider.delete(old_id, old_outs)  # the engine deletes the old binding after the new one exists
        assert new.outs is not None and new.outs["trunk_sid"] == seeded.other_trunk
        assert _bound_trunk(client, old_outs["sid"]) == seeded.other_trunk
        assert list(client.list_trunk_phone_numbers(seeded.trunk)) == []

    def test_the_replacements_own_check_still_carries_the_move(
        self, provider: Provider, client: TwilioClient, seeded: Seeded
    ) -> None:
        # The engine checks a replacement twice: with the old inputs, then without them
        # (step_generator.go, "recompute the default values"); create() gets the second result.
        _, old_outs = create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550102")
        provider = next_update(provider)
        news = {"trunk_sid": seeded.other_trunk, "phone_number": "+14155550102"}
        provider.check({"trunk_sid": seeded.trunk, "phone_number": "+14155550102"}, news)
        second = provider.check({}, news)
        assert second.inputs == news
        created = provider.create(second.inputs)
        assert created.outs is not None and created.outs["trunk_sid"] == seeded.other_trunk
        assert _bound_trunk(client, old_outs["sid"]) == seeded.other_trunk

    def test_failed_move_restores_the_old_binding(
        self, provider: Provider, client: TwilioClient, control: EmulatorControl, seeded: Seeded
    ) -> None:
        _, old_outs = create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
        provider = next_update(provider)
        other_path = f"/v1/Trunks/{seeded.other_trunk}/PhoneNumbers$"
        control.set_faults(
            [{"kind": "status", "status": 400, "count": 1, "method": "POST", "path_regex": other_path}]
        )
        checked = provider.check(
            {"trunk_sid": seeded.trunk, "phone_number": "+14155550101"},
            {"trunk_sid": seeded.other_trunk, "phone_number": "+14155550101"},
        )
        with pytest.raises(BindingError, match="restored"):
            provider.create(checked.inputs)
        assert _bound_trunk(client, old_outs["sid"]) == seeded.trunk

    def test_move_to_a_missing_trunk_changes_nothing(
        self, provider: Provider, client: TwilioClient, seeded: Seeded
    ) -> None:
        _, old_outs = create_binding(provider, trunk_sid=seeded.trunk, phone_number="+14155550101")
        provider = next_update(provider)
        missing = "TK" + "9" * 32
        checked = provider.check(
            {"trunk_sid": seeded.trunk, "phone_number": "+14155550101"},
            {"trunk_sid": missing, "phone_number": "+14155550101"},
        )
        with pytest.raises(BindingError, match="does not exist"):
            provider.create(checked.inputs)
        assert _bound_trunk(client, old_outs["sid"]) == seeded.trunk


def test_parallel_creates_and_deletes_lose_and_duplicate_nothing(
    provider: Provider, client: TwilioClient, control: EmulatorControl, seeded: Seeded
) -> None:
    numbers = control.seed({"phone_numbers": [{"phone_number": f"+1628555{i:04d}"} for i in range(40)]})[
        "phone_numbers"
    ]
    control.set_faults(
        [{"kind": "status", "status": 429, "rate": 0.2}, {"kind": "drop_after", "rate": 0.05}], seed=3
    )
    with ThreadPoolExecutor(max_workers=4) as pool:
        created = list(
            pool.map(
                lambda n: create_binding(provider, trunk_sid=seeded.trunk, phone_number=n["phone_number"]),
                numbers,
            )
        )
    bound = sorted(b.sid or "" for b in client.list_trunk_phone_numbers(seeded.trunk))
    assert bound == sorted(n["sid"] for n in numbers)
    deleting = next_update(provider)
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda c: deleting.delete(c[0], c[1]), created[:20]))
    control.clear_faults()
    remaining = sorted(b.sid or "" for b in client.list_trunk_phone_numbers(seeded.trunk))
    assert remaining == sorted(n["sid"] for n in numbers[20:])


def test_errors_never_contain_the_token(
    twilio_emulator: TwilioEmulator, control: EmulatorControl, seeded: Seeded
) -> None:
    provider = fresh()
    provider.configure(
        ConfigureRequest(Config(stack_config(twilio_emulator, **{"twilio:maxAttempts": "3"}), "p"))
    )
    control.set_faults([{"kind": "status", "status": 503, "rate": 1.0}])
    with pytest.raises(ProviderError, match="HTTP 503") as caught:
        create_binding(provider, trunk_sid=seeded.trunk, phone_number_sid=seeded.numbers["+14155550101"])
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value.__dict__)
