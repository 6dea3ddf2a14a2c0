"""The lifecycle of an ``ExclusiveTrunk``, whichever front door serves it.

A trunk's *declared* numbers are the bindings the program declares on it (``associated``), the
numbers the user lists in ``keep``, the protected bindings that left the program (``retained``, as
long as they stay bound), and every binding that a resource of the same update holds on it. A number
bound to the trunk but not declared is a *stray*. Nothing is unbound that the user was not shown first:

* finding a stray (``refresh``, or the ``up`` that creates the resource, or any ``up`` that meets a
  new one) records it in ``stray_phone_number_sids`` and prints it; it unbinds nothing;
* a later ``up`` unbinds exactly the recorded strays that are still bound and still undeclared (a
  preview shows them first), prints one line per number, and lists them in ``unbound_phone_number_sids``;
* strays first found by the same command (``pulumi up --refresh``) are only recorded;
* ``delete`` touches nothing: removing the declaration only stops enforcing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .association import Change, Checked, IsUnknown, Props, ReadBack
from .errors import BindingError
from .properties import (
    ASSOCIATED_SIDS,
    DECLARED_SIDS,
    KEEP,
    PROTECTED_SIDS,
    RETAINED_SIDS,
    STRAY_SIDS,
    TRUNK_SID,
    UNBOUND_SIDS,
)
from .reporting import report
from .session import ProviderSession
from .validation import validate_exclusive_inputs

DECLARATION_INPUTS = (ASSOCIATED_SIDS, PROTECTED_SIDS, KEEP)


def sids(value: Any) -> set[str]:
    return {v for v in value if isinstance(v, str)} if isinstance(value, list | tuple) else set()


class ExclusiveTrunkLifecycle:
    def __init__(self, session: ProviderSession, is_unknown: IsUnknown) -> None:
        self.session = session
        self._is_unknown = is_unknown

    def check(self, news: Props) -> Checked:
        return Checked(
            dict(news), validate_exclusive_inputs(news, self._is_unknown, sid_lists=DECLARATION_INPUTS)
        )

    def diff(self, olds: Props, news: Props, *, name: str) -> Change:
        """No API call; ``olds`` are the stored outputs, with the strays the last refresh or up recorded."""
        new_trunk = news.get(TRUNK_SID)
        replaces = [TRUNK_SID] if self._is_unknown(new_trunk) or new_trunk != olds.get(TRUNK_SID) else []
        changed = [
            key
            for key in DECLARATION_INPUTS
            if self._has_unknowns(news.get(key)) or sids(news.get(key)) != sids(olds.get(key))
        ]
        trunk_sid = str(olds.get(TRUNK_SID))
        pending = sids(olds.get(STRAY_SIDS)) - self.session.memory.strays_found_now(trunk_sid)
        if pending and not replaces:
            report(
                f'ExclusiveTrunk "{name}": this update unbinds the strays recorded on trunk {trunk_sid}: '
                f"{', '.join(sorted(pending))}, unless they are bound by a binding of the program or listed "
                "in keep by then"
            )
        strays = [STRAY_SIDS] if sids(olds.get(STRAY_SIDS)) else []
        return Change(changed=[*replaces, *changed, *strays], replaces=replaces)

    def _has_unknowns(self, value: Any) -> bool:
        return self._is_unknown(value) or (
            isinstance(value, list) and any(self._is_unknown(v) for v in value)
        )

    def create(self, inputs: Props, *, name: str) -> dict[str, Any]:
        """The first ``up``: records the strays it finds, unbinds nothing."""
        trunk_sid = str(inputs[TRUNK_SID])
        bound = self._bound(trunk_sid, missing_ok=False)
        outputs = self._outputs(inputs, retained=set())
        strays = self._strays(trunk_sid, bound, outputs, leaving=set())
        self._record(name, trunk_sid, strays, bound)
        outputs[STRAY_SIDS] = sorted(strays)
        return outputs

    def update(self, olds: Props, news: Props, *, name: str) -> dict[str, Any]:
        """Unbinds the strays recorded before this command that are still strays; records new ones.

        A number whose association leaves the program in this very update is that association's to
        unbind (its delete runs later in the same update), never this resource's. If that association is
        protected the engine refuses to delete it: its number is *retained* for as long as it stays bound.
        """
        trunk_sid = str(news[TRUNK_SID])
        old_associated = sids(olds.get(ASSOCIATED_SIDS))
        leaving = old_associated - sids(news.get(ASSOCIATED_SIDS))
        retained = (sids(olds.get(PROTECTED_SIDS)) & old_associated) | sids(olds.get(RETAINED_SIDS))
        bound = self._bound(trunk_sid, missing_ok=False)
        outputs = self._outputs(news, retained & set(bound))
        strays = self._strays(trunk_sid, bound, outputs, leaving)
        shown = sids(olds.get(STRAY_SIDS)) - self.session.memory.strays_found_now(trunk_sid)
        unbind = sorted(strays & shown)
        for number_sid in unbind:
            self.session.service.unbind(trunk_sid, number_sid)
            report(
                f"unbound {_label(number_sid, bound)} from trunk {trunk_sid}: a stray on ExclusiveTrunk "
                f'"{name}" (bound to the trunk, declared by no binding of the program nor in keep), recorded '
                "by an earlier refresh or up; the number now has no trunk"
            )
        self._record(name, trunk_sid, strays - set(unbind), bound, known=sids(olds.get(STRAY_SIDS)))
        outputs[STRAY_SIDS] = sorted(strays - set(unbind))
        outputs[UNBOUND_SIDS] = unbind
        return outputs

    def read(self, trunk_sid: str, state: Props, *, name: str) -> ReadBack:
        """Refresh: records the trunk's strays (shown by the next preview), unbinds nothing."""
        bound = self._bound(trunk_sid, missing_ok=True)
        stored = {**state, TRUNK_SID: trunk_sid}
        outputs = self._outputs(stored, sids(state.get(RETAINED_SIDS)) & set(bound))
        strays = set(bound) - sids(outputs[DECLARED_SIDS])
        self._record(name, trunk_sid, strays, bound, known=sids(state.get(STRAY_SIDS)))
        outputs[STRAY_SIDS] = sorted(strays)
        outputs[UNBOUND_SIDS] = sorted(sids(state.get(UNBOUND_SIDS)))
        inputs = {k: outputs[k] for k in (TRUNK_SID, *DECLARATION_INPUTS)}
        if strays:
            # Stored as an input too, so the next preview's diff shows the strays going
            # (``- stray_phone_number_sids``): the program never declares that input.
            inputs[STRAY_SIDS] = outputs[STRAY_SIDS]
        return ReadBack(outputs, inputs)

    # helpers

    def _bound(self, trunk_sid: str, *, missing_ok: bool) -> dict[str, str | None]:
        """PN SID -> E.164 of every number bound to the trunk now: one list (paged), never a snapshot."""
        from .twilio.errors import TwilioApiError

        client = self.session.service.client
        try:
            return {b.sid: b.phone_number for b in client.list_trunk_phone_numbers(trunk_sid) if b.sid}
        except TwilioApiError as exc:
            if not exc.is_not_found:
                raise
            if missing_ok:
                return {}  # the trunk is gone: nothing strays; the associations report their own loss
            raise BindingError(
                f"trunk {trunk_sid} does not exist (Twilio error {exc.code}: {exc.message}): fix trunk_sid"
            ) from None

    def _strays(
        self, trunk_sid: str, bound: Mapping[str, str | None], outputs: Props, leaving: set[str]
    ) -> set[str]:
        held = self.session.memory.held_on(trunk_sid)
        return set(bound) - sids(outputs[DECLARED_SIDS]) - held - leaving

    def _record(
        self,
        name: str,
        trunk_sid: str,
        strays: set[str],
        bound: Mapping[str, str | None],
        known: Iterable[str] = (),
    ) -> None:
        new = strays - set(known)
        if not new:
            return
        self.session.memory.found_strays(trunk_sid, new)
        report(
            f'ExclusiveTrunk "{name}": trunk {trunk_sid} holds {len(new)} number(s) that no binding of the '
            f"program declares: {', '.join(_label(s, bound) for s in sorted(new))}; recorded as strays and "
            "left bound. The next `pulumi up` unbinds them, unless you list them in keep (or declare them) "
            "first"
        )

    @staticmethod
    def _outputs(props: Props, retained: set[str]) -> dict[str, Any]:
        outputs: dict[str, Any] = {
            TRUNK_SID: props[TRUNK_SID],
            ASSOCIATED_SIDS: sorted(sids(props.get(ASSOCIATED_SIDS))),
            PROTECTED_SIDS: sorted(sids(props.get(PROTECTED_SIDS))),
            KEEP: sorted(sids(props.get(KEEP))),
            RETAINED_SIDS: sorted(retained - sids(props.get(ASSOCIATED_SIDS))),
            UNBOUND_SIDS: [],
        }
        outputs[DECLARED_SIDS] = sorted(
            sids(outputs[ASSOCIATED_SIDS]) | sids(outputs[KEEP]) | sids(outputs[RETAINED_SIDS])
        )
        return outputs


def _label(number_sid: str, bound: Mapping[str, str | None]) -> str:
    e164 = bound.get(number_sid)
    return f"{e164} ({number_sid})" if e164 else number_sid
