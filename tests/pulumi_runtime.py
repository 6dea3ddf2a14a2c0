"""``pulumi.runtime.test`` with a type (the Pulumi SDK leaves it unannotated), for mypy-strict tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec

import pulumi

P = ParamSpec("P")


def pulumi_test(fn: Callable[P, object]) -> Callable[P, None]:
    """``pulumi.runtime.test``: runs ``fn`` as a Pulumi program (under the mocks the test set) and waits
    for the Output it returns, so that the checks in its ``apply`` run before the test ends."""
    run: Callable[P, None] = pulumi.runtime.test(fn)
    return run
