"""The dynamic resource provider behind ``ExclusiveTrunk`` (the rules are in ``exclusive_trunk``).

Pickled into state *by reference*: keep this module path and the class name ``ExclusiveTrunkProvider``
stable. It shares the process's ``ProviderSession`` with the association provider, so it sees the
bindings that this update's associations hold, and its errors leave as the same one line.
"""

from __future__ import annotations

from typing import Any

from pulumi import dynamic

from .exclusive_trunk import ExclusiveTrunkLifecycle
from .properties import RESOURCE_NAME_INPUT, TRUNK_SID
from .provider import DynamicProvider, _session_of, is_unknown, resource_name
from .session import one_line_errors


class ExclusiveTrunkProvider(DynamicProvider):
    """Keeps a trunk's bindings to exactly the declared numbers; id: the trunk SID."""

    @property
    def _lifecycle(self) -> ExclusiveTrunkLifecycle:
        return ExclusiveTrunkLifecycle(self.session, is_unknown)

    @one_line_errors(_session_of)
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dynamic.CheckResult:
        checked = self._lifecycle.check(news)
        return dynamic.CheckResult(
            checked.inputs, [dynamic.CheckFailure(p.property, p.reason) for p in checked.problems]
        )

    @one_line_errors(_session_of)
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.DiffResult:
        change = self._lifecycle.diff(olds, news, name=resource_name(news))
        return dynamic.DiffResult(
            changes=change.changes, replaces=change.replaces, delete_before_replace=False
        )

    @one_line_errors(_session_of)
    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        name = resource_name(props)
        outputs = self._lifecycle.create(props, name=name)
        return dynamic.CreateResult(props[TRUNK_SID], {**outputs, RESOURCE_NAME_INPUT: name})

    @one_line_errors(_session_of)
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        name = resource_name(news)
        return dynamic.UpdateResult(
            {**self._lifecycle.update(olds, news, name=name), RESOURCE_NAME_INPUT: name}
        )

    @one_line_errors(_session_of)
    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        # The stored outputs carry the resource's name (the engine passes them, not the inputs).
        name = resource_name(props)
        found = self._lifecycle.read(props.get(TRUNK_SID) or id_, props, name=name)
        return dynamic.ReadResult(id_, {**found.outputs, RESOURCE_NAME_INPUT: name}, found.inputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # Removing the declaration stops enforcing it; nothing is unbound.
        return None
