"""``ExclusiveTrunk``: opt-in "this trunk holds exactly the numbers this program declares".

The declared set of a trunk is every ``TrunkPhoneNumberAssociation`` of the program on that trunk
(protected or not, declared before or after the ``ExclusiveTrunk``), plus an explicit ``keep`` list.
A number bound to the trunk but not declared is a *stray*:

* ``read`` (``pulumi refresh``, ``--refresh``) lists the trunk once (paged) and records the strays
  in the output ``stray_phone_number_sids``, so they show as drift;
* ``diff`` asks for an update when strays are recorded or the declared set changed (no API call);
* ``create`` / ``update`` list the trunk and unbind exactly the strays, from this trunk only;
* ``delete`` touches nothing: removing the declaration only stops enforcing it.

The provider is pickled into state *by reference*: keep this module path and the class name
``ExclusiveTrunkProvider`` stable. It sets up its configuration and lazily built client through an
association provider of its own (composition: the code is shared, not the instance; the host
unpickles one instance per provider class), and pickles as the bare class like that one.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

import pulumi
from pulumi import dynamic

from .properties import RESOURCE_MODULE, TRUNK_SID
from .provider import StatelessProvider, TrunkPhoneNumberAssociationProvider, is_unknown
from .validation import PHONE_NUMBER_SID_PATTERN, TRUNK_SID_PATTERN

if TYPE_CHECKING:
    from .bindings import TrunkBindings

EXCLUSIVE_RESOURCE_NAME: Final = "ExclusiveTrunk"
EXCLUSIVE_RESOURCE_TYPE: Final = f"pulumi-python:dynamic/{RESOURCE_MODULE}:{EXCLUSIVE_RESOURCE_NAME}"

# Inputs
ASSOCIATED: Final = "associated_phone_number_sids"  # gathered from the program's associations
PROTECTED: Final = "protected_phone_number_sids"  # the subset whose association is protected
KEEP: Final = "keep"  # declared explicitly
# Outputs (besides the inputs)
RETAINED: Final = "retained_phone_number_sids"  # protected associations that left the program
DECLARED: Final = "declared_phone_number_sids"
STRAYS: Final = "stray_phone_number_sids"

_TRUNK_SID = re.compile(TRUNK_SID_PATTERN)
_PN_SID = re.compile(PHONE_NUMBER_SID_PATTERN)

T = TypeVar("T")

# --- the program side: which associations the program declares -------------------------------

# (trunk_sid input, phone_number_sid output, protected) of every TrunkPhoneNumberAssociation
# constructed in this process; one program run is one process (the language host), so this is that
# program's list.
_associations: list[tuple[pulumi.Input[str] | None, pulumi.Output[str], bool]] = []


def register_association(
    trunk_sid: pulumi.Input[str] | None, phone_number_sid: pulumi.Output[str], *, protected: bool = False
) -> None:
    """Called by ``TrunkPhoneNumberAssociation.__init__``: one more binding the program declares."""
    _associations.append((trunk_sid, phone_number_sid, protected))


def _deferred(build: Callable[[], pulumi.Output[T]]) -> pulumi.Output[T]:
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


def _other_trunk(association_trunk: object, trunk_sid: object) -> bool:
    return (
        isinstance(association_trunk, str) and isinstance(trunk_sid, str) and association_trunk != trunk_sid
    )


def _associated_numbers(trunk_sid: pulumi.Input[str], *, protected_only: bool) -> pulumi.Output[list[str]]:
    """The PN SIDs of every association the program declares on ``trunk_sid`` (depends on all of them)."""

    def build() -> pulumi.Output[list[str]]:
        # A binding on another trunk (both trunks plain strings) is no dependency of this resource.
        pairs = [
            pulumi.Output.all(t, pn)
            for t, pn, protected in _associations
            if (protected or not protected_only) and not _other_trunk(t, trunk_sid)
        ]
        return pulumi.Output.all(trunk_sid, *pairs).apply(lambda v: _numbers_on(v[0], v[1:]))

    return _deferred(build)


def _invalid(resource_name: str, message: str) -> ValueError:
    return ValueError(f"ExclusiveTrunk {resource_name!r} has invalid inputs: {message}")


class ExclusiveTrunk(dynamic.Resource, module=RESOURCE_MODULE, name=EXCLUSIVE_RESOURCE_NAME):
    """Trunk ``trunk_sid`` holds exactly the numbers this program binds to it, plus ``keep``.

    Type token ``pulumi-python:dynamic/twilio:ExclusiveTrunk``; id: the trunk SID. ``pulumi refresh``
    records numbers bound out of band in ``stray_phone_number_sids``; the next ``pulumi up`` unbinds
    exactly those from this trunk. Associations created inside an ``apply`` are not seen: list
    their numbers in ``keep``.
    """

    trunk_sid: pulumi.Output[str]
    associated_phone_number_sids: pulumi.Output[list[str]]
    protected_phone_number_sids: pulumi.Output[list[str]]
    retained_phone_number_sids: pulumi.Output[list[str]]
    keep: pulumi.Output[list[str]]
    declared_phone_number_sids: pulumi.Output[list[str]]
    stray_phone_number_sids: pulumi.Output[list[str]]

    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        trunk_sid: pulumi.Input[str],
        keep: Sequence[pulumi.Input[str]] | None = None,
    ) -> None:
        if isinstance(trunk_sid, str) and not _TRUNK_SID.fullmatch(trunk_sid):
            raise _invalid(
                resource_name, f"trunk_sid: a trunk SID matching {TRUNK_SID_PATTERN}; got {trunk_sid!r}"
            )
        kept = list(keep or [])
        bad = [k for k in kept if isinstance(k, str) and not _PN_SID.fullmatch(k)]
        if bad:
            raise _invalid(
                resource_name, f"keep: phone number SIDs matching {PHONE_NUMBER_SID_PATTERN}; got {bad!r}"
            )
        props: dict[str, Any] = {
            TRUNK_SID: trunk_sid,
            ASSOCIATED: _associated_numbers(trunk_sid, protected_only=False),
            PROTECTED: _associated_numbers(trunk_sid, protected_only=True),
            KEEP: pulumi.Output.all(*kept).apply(lambda v: sorted(set(v))),
            RETAINED: None,
            DECLARED: None,
            STRAYS: None,
        }
        super().__init__(ExclusiveTrunkProvider(), resource_name, props, opts)


# --- the provider -------------------------------------------------------------------------------

_lock = threading.Lock()


def _sids(value: Any) -> set[str]:
    return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


def _declared(props: dict[str, Any]) -> set[str]:
    return _sids(props.get(ASSOCIATED)) | _sids(props.get(KEEP)) | _sids(props.get(RETAINED))


def _has_unknowns(value: Any) -> bool:
    return is_unknown(value) or (isinstance(value, list) and any(is_unknown(v) for v in value))


class ExclusiveTrunkProvider(StatelessProvider):
    """Keeps a trunk's bindings to exactly the declared numbers. ``bindings`` injects the service (tests)."""

    _setup: TrunkPhoneNumberAssociationProvider | None = None

    def _association_provider(self) -> TrunkPhoneNumberAssociationProvider:
        with _lock:
            if self._setup is None:
                self._setup = TrunkPhoneNumberAssociationProvider(self._service)
            return self._setup

    def configure(self, req: dynamic.ConfigureRequest) -> None:
        self._association_provider().configure(req)

    def _bindings(self) -> TrunkBindings:
        # Configured and built the way the association provider does it (shared code, own client).
        return self._association_provider()._bindings()

    def _bound(self, trunk_sid: str) -> set[str]:
        """The PN SIDs bound to the trunk now: one list request (paged), never a snapshot."""
        return {b.sid for b in self._bindings().client.list_trunk_phone_numbers(trunk_sid) if b.sid}

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dynamic.CheckResult:
        failures = []
        trunk_sid = news.get(TRUNK_SID)
        if not is_unknown(trunk_sid) and not (isinstance(trunk_sid, str) and _TRUNK_SID.fullmatch(trunk_sid)):
            failures.append(
                dynamic.CheckFailure(
                    TRUNK_SID, f"a trunk SID matching {TRUNK_SID_PATTERN}; got {trunk_sid!r}"
                )
            )
        for key in (ASSOCIATED, PROTECTED, KEEP):
            value = news.get(key)
            if value is None or is_unknown(value):
                continue
            items = value if isinstance(value, list) else [value]
            bad = [
                v for v in items if not is_unknown(v) and not (isinstance(v, str) and _PN_SID.fullmatch(v))
            ]
            if bad:
                failures.append(
                    dynamic.CheckFailure(
                        key, f"phone number SIDs matching {PHONE_NUMBER_SID_PATTERN}; got {bad!r}"
                    )
                )
        return dynamic.CheckResult(dict(news), failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.DiffResult:
        # ``olds`` are the stored outputs (with the strays the last refresh found). No API call.
        new_trunk = news.get(TRUNK_SID)
        replaces = [TRUNK_SID] if is_unknown(new_trunk) or new_trunk != olds.get(TRUNK_SID) else []
        declared_changed = any(
            _has_unknowns(news.get(key)) or _sids(news.get(key)) != _sids(olds.get(key))
            for key in (ASSOCIATED, PROTECTED, KEEP)
        )
        strays = bool(_sids(olds.get(STRAYS)))
        return dynamic.DiffResult(
            changes=bool(replaces) or declared_changed or strays,
            replaces=replaces,
            delete_before_replace=False,
        )

    def _list(self, trunk_sid: str, *, missing_ok: bool) -> set[str]:
        from .errors import BindingError
        from .twilio.errors import TwilioApiError

        try:
            return self._bound(trunk_sid)
        except TwilioApiError as exc:
            if not exc.is_not_found:
                raise
            if missing_ok:
                return set()  # the trunk is gone: nothing strays; the associations report their own loss
            raise BindingError(
                f"trunk {trunk_sid} does not exist (Twilio error {exc.code}: {exc.message})"
            ) from None

    def _enforce(self, props: dict[str, Any], retained: set[str], leaving: set[str]) -> dict[str, Any]:
        """Unbind every bound number that is not declared (nor ``leaving``); the outputs."""
        trunk_sid = props[TRUNK_SID]
        bound = self._list(trunk_sid, missing_ok=False)
        outs = self._outputs(props, retained & bound)
        service = self._bindings()
        for number_sid in sorted(bound - _declared(outs) - leaving):
            service.unbind(trunk_sid, number_sid)
        return outs

    @staticmethod
    def _outputs(props: dict[str, Any], retained: set[str], strays: Sequence[str] = ()) -> dict[str, Any]:
        outs: dict[str, Any] = {
            TRUNK_SID: props[TRUNK_SID],
            ASSOCIATED: sorted(_sids(props.get(ASSOCIATED))),
            PROTECTED: sorted(_sids(props.get(PROTECTED))),
            KEEP: sorted(_sids(props.get(KEEP))),
            RETAINED: sorted(retained - _sids(props.get(ASSOCIATED))),
        }
        outs[DECLARED] = sorted(_declared(outs))
        outs[STRAYS] = list(strays)
        return outs

    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        outs = self._enforce(props, retained=set(), leaving=set())
        return dynamic.CreateResult(props[TRUNK_SID], outs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        # A number whose association leaves the program in this very update is that association's
        # to unbind (its delete runs later in the same update), never this resource's. If that
        # association is protected the engine refuses to delete it: its number is *retained*
        # (never unbound) for as long as it stays bound.
        old_associated = _sids(olds.get(ASSOCIATED))
        leaving = old_associated - _sids(news.get(ASSOCIATED))
        retained = (_sids(olds.get(PROTECTED)) & old_associated) | _sids(olds.get(RETAINED))
        return dynamic.UpdateResult(self._enforce(news, retained, leaving))

    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        trunk_sid = props.get(TRUNK_SID) or id_
        bound = self._list(trunk_sid, missing_ok=True)
        stored = {**props, TRUNK_SID: trunk_sid}
        outs = self._outputs(stored, _sids(props.get(RETAINED)) & bound)
        outs[STRAYS] = sorted(bound - _declared(outs))
        inputs = {k: outs[k] for k in (TRUNK_SID, ASSOCIATED, PROTECTED, KEEP)}
        if outs[STRAYS]:
            # Stored as an input too, so the next preview's diff shows the strays going
            # (``- stray_phone_number_sids``): the program never declares that input.
            inputs[STRAYS] = outs[STRAYS]
        return dynamic.ReadResult(id_, outs, inputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # Removing the declaration stops enforcing it; nothing is unbound.
        return None
