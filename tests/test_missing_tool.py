"""A missing CLI or Go fails the end-to-end tests under CI and only skips them elsewhere."""

from __future__ import annotations

import pytest

from tests.missing_tool import missing_tool


def test_under_ci_a_missing_tool_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no pulumi"):
        missing_tool("no pulumi")


def test_elsewhere_a_missing_tool_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no pulumi"):
        missing_tool("no pulumi")
