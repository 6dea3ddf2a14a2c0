"""Each program run of a user's unit tests is its own: an ``ExclusiveTrunk`` never sees bindings that
an earlier test declared (the declarations belong to one run of ``set_binding_mocks``)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_two_tests_with_the_testing_kit_do_not_share_declarations(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pulumi
        from pulumi_twilio_trunking import ExclusiveTrunk, TrunkPhoneNumberAssociation
        from pulumi_twilio_trunking.testing import set_binding_mocks

        TRUNK = "TK" + "a" * 32
        FIRST, SECOND = "PN" + "1" * 32, "PN" + "2" * 32

        @pulumi.runtime.test
        def test_first_run_declares_one_binding():
            set_binding_mocks()
            TrunkPhoneNumberAssociation("one", trunk_sid=TRUNK, phone_number_sid=FIRST)
            exact = ExclusiveTrunk("exact", trunk_sid=TRUNK)
            return exact.declared_phone_number_sids.apply(lambda sids: assert_equal(sids, [FIRST]))

        @pulumi.runtime.test
        def test_second_run_sees_only_its_own():
            set_binding_mocks()
            TrunkPhoneNumberAssociation("two", trunk_sid=TRUNK, phone_number_sid=SECOND)
            exact = ExclusiveTrunk("exact", trunk_sid=TRUNK, keep=["PN" + "3" * 32])
            expected = sorted([SECOND, "PN" + "3" * 32])
            outputs = [exact.associated_phone_number_sids, exact.declared_phone_number_sids]
            return pulumi.Output.all(*outputs, exact.stray_phone_number_sids).apply(
                lambda v: assert_equal(v, [[SECOND], expected, []])
            )

        def assert_equal(actual, expected):
            assert actual == expected, actual
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
