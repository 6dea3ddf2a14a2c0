"""The bindings one program run declares: what an ``ExclusiveTrunk`` counts as declared.

Program side. Every ``TrunkPhoneNumberAssociation`` records itself here when it is constructed; an
``ExclusiveTrunk`` reads the list once the program's body has run, so declaration order does not
matter. The list belongs to one program run (``program_run``): a unit test's run never sees another's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TypeVar

import pulumi

from .program_run import Declaration, current_run

T = TypeVar("T")


def declare(declaration: Declaration) -> None:
    """Called by ``TrunkPhoneNumberAssociation.__init__``: one more binding this program run declares."""
    current_run().declarations.append(declaration)


def declared() -> list[Declaration]:
    """The bindings this program run has declared so far."""
    return list(current_run().declarations)


def after_program_body(build: Callable[[], pulumi.Output[T]]) -> pulumi.Output[T]:
    """An Output whose value, dependencies, knownness and secretness are those of ``build()``,
    called only once the program's synchronous body has finished.

    The SDK runs the program body synchronously inside one coroutine on the event loop; a callback
    scheduled with ``call_soon`` cannot run before that coroutine yields, i.e. before every
    resource declared at the top level of the program has been constructed.
    """
    loop = asyncio.get_event_loop()
    built: asyncio.Future[pulumi.Output[T]] = loop.create_future()

    def resolve() -> None:
        try:
            built.set_result(build())
        except Exception as exc:  # surfaces as the error of the resource's registration
            built.set_exception(exc)

    loop.call_soon(resolve)

    async def resources() -> set[pulumi.Resource]:
        return await (await built).resources()

    async def value() -> T | None:
        return await (await built).future(with_unknowns=True)

    async def known() -> bool:
        return await (await built).is_known()

    async def secret() -> bool:
        return await (await built).is_secret()

    return pulumi.Output(
        asyncio.ensure_future(resources()),
        asyncio.ensure_future(value()),  # type: ignore[arg-type]
        asyncio.ensure_future(known()),
        asyncio.ensure_future(secret()),
    )


def _numbers_on(trunk_sid: object, pairs: Sequence[object]) -> list[str]:
    found = set()
    for pair in pairs:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        pair_trunk, number = pair
        if pair_trunk == trunk_sid and isinstance(number, str) and number:
            found.add(number)
    return sorted(found)


def _on_other_trunk(declared_trunk: object, trunk_sid: object) -> bool:
    return isinstance(declared_trunk, str) and isinstance(trunk_sid, str) and declared_trunk != trunk_sid


def numbers_declared_on(trunk_sid: pulumi.Input[str], *, protected_only: bool) -> pulumi.Output[list[str]]:
    """The PN SIDs of every binding the program declares on ``trunk_sid`` (it depends on all of them)."""

    def build() -> pulumi.Output[list[str]]:
        # A binding on another trunk (both trunks plain strings) is no dependency of this resource.
        pairs = [
            pulumi.Output.all(d.trunk_sid, d.phone_number_sid)
            for d in declared()
            if (d.protected or not protected_only) and not _on_other_trunk(d.trunk_sid, trunk_sid)
        ]
        return pulumi.Output.all(trunk_sid, *pairs).apply(lambda v: _numbers_on(v[0], v[1:]))

    return after_program_body(build)
