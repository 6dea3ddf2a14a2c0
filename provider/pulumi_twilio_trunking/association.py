"""The lifecycle of a ``TrunkPhoneNumberAssociation``, whichever front door serves it.

Works on the resource's properties by their Python names (``trunk_sid``, ``phone_number`` …) and
returns plain values; the dynamic provider and the provider plugin only translate to and from their
engine types. Every rule of the association lives here once: input checks, what a diff replaces,
create (bind, adopt, import, move), read, and delete with the update's guard.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .advice import Advice
from .errors import AlreadyBound, BindingError, BoundElsewhere, ConfigurationError
from .ownership import ADOPT_EXISTING_ENV, Ownership, adopt_existing_from_env
from .properties import (
    ADOPT,
    IMPORT_ID,
    NUMBER_KEY,
    OUTPUT_PROPERTIES,
    OWNERSHIP,
    PHONE_NUMBER,
    PHONE_NUMBER_SID,
    TRUNK_SID,
    binding_id,
    parse_binding_id,
)
from .reporting import report, warn
from .session import REFRESH_USES_SAVED_CONFIG, ProviderSession
from .validation import InputProblem, validate_binding_inputs

if TYPE_CHECKING:
    from .bindings import Bound, NumberRef
    from .ownership import Claims
    from .twilio.models import TrunkPhoneNumber

IsUnknown = Callable[[Any], bool]
Props = Mapping[str, Any]


def declared_form(props: Props) -> str:
    """Which input names the number: ``phone_number_sid`` or ``phone_number``.

    State outputs say it in ``__number_key``; inputs by which of the two is given; outputs written
    before ``__number_key`` existed carry both forms, and count as declared by SID.
    """
    key = props.get(NUMBER_KEY)
    if key in (PHONE_NUMBER, PHONE_NUMBER_SID):
        return str(key)
    return PHONE_NUMBER_SID if props.get(PHONE_NUMBER_SID) is not None else PHONE_NUMBER


def declared_number(props: Props) -> Any:
    """The number as declared (a PN SID or an E.164 number; may be unknown in a preview)."""
    return props.get(declared_form(props))


@dataclass(frozen=True)
class Checked:
    inputs: dict[str, Any]
    problems: list[InputProblem]


@dataclass(frozen=True)
class Change:
    """What a diff found: the properties that changed, and those whose change needs a new binding."""

    changed: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.changed)


@dataclass(frozen=True)
class Held:
    """The binding a create or update left the resource holding, and its outputs."""

    trunk_sid: str
    number_sid: str
    outputs: dict[str, Any]


@dataclass(frozen=True)
class ReadBack:
    outputs: dict[str, Any]
    inputs: dict[str, Any]


class AssociationLifecycle:
    """check / diff / create / read / update / delete of bindings, over one provider session.

    ``trunk_change_replaces``: the dynamic provider's id is ``TK…/PN…``, so a trunk change replaces the
    resource (the replacement's create moves the number); the plugin's id is the number, so a trunk
    change is an in-place update that moves it.
    """

    def __init__(
        self, session: ProviderSession, advice: Advice, is_unknown: IsUnknown, *, trunk_change_replaces: bool
    ) -> None:
        self.session = session
        self._advice = advice
        self._is_unknown = is_unknown
        self._trunk_change_replaces = trunk_change_replaces

    # no API call: preview runs these without credentials

    def check(self, olds: Props, news: Props, *, name: str) -> Checked:
        problems = validate_binding_inputs(news, self._is_unknown)
        adopt = news.get(ADOPT)
        if adopt is not None and not self._is_unknown(adopt) and not isinstance(adopt, bool):
            problems.append(InputProblem(ADOPT, f"must be true or false; got {type(adopt).__name__}"))
        inputs = dict(news)
        trunk_sid, number = news.get(TRUNK_SID), declared_number(news)
        key = (trunk_sid, number) if isinstance(trunk_sid, str) and isinstance(number, str) else None
        memory = self.session.memory
        if key is not None and not problems:
            memory.declare(*key, name)
            move_from = _trunk_being_left(olds, news)
            if move_from and self._trunk_change_replaces:
                memory.remember_move(key, move_from)
        if olds or memory.move_from(key) is not None:
            inputs.pop(IMPORT_ID, None)  # an import only concerns the first create, never a replacement
        return Checked(inputs, problems)

    def diff(self, olds: Props, news: Props, *, name: str) -> Change:
        """``olds`` are the stored outputs, which carry both forms of the number."""
        replaces = []
        new_trunk = news.get(TRUNK_SID)
        trunk_changed = self._is_unknown(new_trunk) or new_trunk != olds.get(TRUNK_SID)
        if trunk_changed and self._trunk_change_replaces:
            replaces.append(TRUNK_SID)
        form = declared_form(news)
        new_number = news.get(form)
        if self._is_unknown(new_number) or new_number != olds.get(form):
            replaces.append(form)
        old_trunk, number_sid = olds.get(TRUNK_SID), olds.get(PHONE_NUMBER_SID)
        if not replaces and not trunk_changed and isinstance(old_trunk, str) and isinstance(number_sid, str):
            self.session.memory.hold(old_trunk, number_sid, name)  # a move's update claims it when it runs
        # No delete-before-replace: a new number is bound before the old one is unbound, and a trunk
        # change is carried out as a guarded move (bindings.BindingService._move).
        changed = [TRUNK_SID] if trunk_changed else []
        if form in replaces or form != declared_form(olds):
            changed.append(form)
        return Change(changed=changed, replaces=replaces)

    # API calls

    def create(self, inputs: Props, *, name: str, move_from: str | None = None, own: bool = False) -> Held:
        """Bind (or adopt, import, move) the declared number; ``move_from``: the trunk it leaves.

        ``own``: the binding is this resource's already (an in-place move), so finding the number on
        the target trunk means the move is done, not a binding to refuse.
        """
        from .bindings import NumberRef

        trunk_sid = str(inputs[TRUNK_SID])
        form = declared_form(inputs)
        if move_from is None:
            move_from = self.session.memory.move_from((trunk_sid, str(inputs[form])))
        ref = NumberRef(sid=inputs.get(PHONE_NUMBER_SID), e164=inputs.get(PHONE_NUMBER))
        import_id = inputs.get(IMPORT_ID)
        memory = self.session.memory
        with memory.claiming(trunk_sid, name) as claim:
            if isinstance(import_id, str):
                binding = self._imported(import_id, trunk_sid, ref, claim)
                ownership = Ownership.IMPORTED
                report(f"imported existing binding {import_id} ({binding.phone_number})")
            else:
                adopt = own or inputs.get(ADOPT) is True
                bound = self._bind(trunk_sid, ref, name=name, move_from=move_from, adopt=adopt, claim=claim)
                binding, ownership = bound.binding, bound.how
        number_sid = binding.sid or ""
        memory.hold(trunk_sid, number_sid, name)
        outputs = _outputs(binding, form)
        outputs[OWNERSHIP] = ownership.value
        return Held(trunk_sid, number_sid, outputs)

    def _bind(
        self, trunk_sid: str, ref: NumberRef, *, name: str, move_from: str | None, adopt: bool, claim: Claims
    ) -> Bound:
        from .bindings import number_label

        opted_in = adopt or adopt_existing_from_env()
        try:
            bound = self.session.service.bind(
                trunk_sid, ref, move_from_trunk_sid=move_from, adopt=opted_in, claim=claim
            )
        except AlreadyBound as exc:
            advice = self._advice.already_bound(
                name=name,
                trunk_sid=trunk_sid,
                label=exc.label,
                binding_id=binding_id(trunk_sid, exc.number_sid),
            )
            raise AlreadyBound(
                advice, trunk_sid=trunk_sid, number_sid=exc.number_sid, label=exc.label
            ) from None
        except BoundElsewhere as exc:
            holder = self.session.memory.declared_elsewhere(trunk_sid, [exc.number_sid, ref.e164])
            if holder is None:
                raise
            raise BindingError(
                f"phone number {exc.label} is bound to trunk {exc.trunk_sid} by {holder} of this stack, so "
                f'resource "{name}" cannot bind it to trunk {trunk_sid}: a number can be on one trunk only; '
                "remove one of the two declarations (or change the trunk of one of them to move it)"
            ) from None
        binding, number = bound.binding, bound.number
        where = binding_id(trunk_sid, binding.sid or "")
        label = number_label(number)
        if bound.how is Ownership.ADOPTED and move_from is not None:
            bound = replace(bound, how=Ownership.MOVED)  # already on the target trunk: the move is done
        elif bound.how is Ownership.ADOPTED:
            why = self._advice.adopt if adopt else f"{ADOPT_EXISTING_ENV}=true"
            report(f"adopted existing binding {where} ({binding.phone_number}) because of {why}")
        elif bound.how is Ownership.MOVED:
            report(f"moved {label} from trunk {move_from} to {trunk_sid}")
        detached = [
            f"its voice application {number.voice_application_sid} was detached by Twilio"
            if number.voice_application_sid
            else "",
            f"its voice URL {number.voice_url} is ignored while it is on a trunk" if number.voice_url else "",
        ]
        if bound.how is not Ownership.ADOPTED and any(detached):
            report(
                f"bound {label} to trunk {trunk_sid}: "
                + "; ".join(d for d in detached if d)
                + "; calls to it now follow the trunk"
            )
        return bound

    def _imported(self, import_id: str, trunk_sid: str, ref: NumberRef, claim: Claims) -> TrunkPhoneNumber:
        """The existing binding an ``import_`` names; it must match the declared inputs. Never binds."""
        id_trunk, id_number = parse_binding_id(import_id)
        claim(id_number, id_number)
        binding = self.session.service.read(id_trunk, id_number)
        if binding is None:
            raise BindingError(
                f"cannot import {import_id}: phone number {id_number} is not bound to trunk {id_trunk}. "
                "To bind it, remove the import option (create then binds it); to import something else, "
                "fix the id (TK…/PN… of an existing binding)"
            )
        if id_trunk != trunk_sid or str(ref) not in (binding.sid, binding.phone_number):
            raise BindingError(
                f"cannot import {import_id}: it does not match the declared trunk_sid {trunk_sid} "
                f"and number {ref}; make the import id and the inputs name the same binding"
            )
        return binding

    def read(self, trunk_sid: str, number_sid: str, state: Props) -> ReadBack | None:
        """The binding as Twilio holds it, or None when it is gone (unbound, or moved to another trunk)."""
        self.session.warn_about_stored_config()
        try:
            binding = self.session.service.read(trunk_sid, number_sid)
        except ConfigurationError as exc:
            raise ConfigurationError(f"{exc} ({REFRESH_USES_SAVED_CONFIG})") from None
        if binding is None:
            return None
        return self._read_back(binding, state)

    def read_number(self, number_sid: str, state: Props) -> ReadBack | None:
        """The binding of a number wherever it is (the plugin's id is the number): on the trunk the state
        names, else on the trunk Twilio says it is on now; None when it is on no trunk."""
        self.session.warn_about_stored_config()
        trunk_sid = state.get(TRUNK_SID)
        service = self.session.service
        binding = service.read(trunk_sid, number_sid) if isinstance(trunk_sid, str) else None
        if binding is None:
            number = service.client.fetch_incoming_phone_number(number_sid)
            if number is None or not number.trunk_sid:
                return None
            binding = service.read(number.trunk_sid, number_sid)
        return None if binding is None else self._read_back(binding, state)

    def _read_back(self, binding: TrunkPhoneNumber, state: Props) -> ReadBack:
        form = declared_form(state)
        outputs = _outputs(binding, form)
        referenced = self._trunk_change_replaces and TRUNK_SID not in state  # a dynamic ``get``
        ownership = Ownership.REFERENCED.value if referenced else state.get(OWNERSHIP)
        if ownership is not None:
            outputs[OWNERSHIP] = ownership
        inputs = {TRUNK_SID: outputs[TRUNK_SID], form: outputs[form]}
        if state.get(ADOPT) is not None:
            inputs[ADOPT] = state[ADOPT]
        return ReadBack(outputs, inputs)

    def update(self, olds: Props, news: Props, *, name: str) -> Held:
        """An in-place change: the declared form of the number, or (plugin) the trunk, by a guarded move."""
        old_trunk, new_trunk = str(olds[TRUNK_SID]), str(news[TRUNK_SID])
        if old_trunk != new_trunk:
            return self.create({**news, IMPORT_ID: None}, name=name, move_from=old_trunk, own=True)
        number_sid = str(olds[PHONE_NUMBER_SID])
        outputs = {k: v for k, v in olds.items() if k in (*OUTPUT_PROPERTIES, OWNERSHIP)}
        outputs[NUMBER_KEY] = declared_form(news)
        self.session.memory.hold(old_trunk, number_sid, name)
        return Held(old_trunk, number_sid, outputs)

    def delete(self, trunk_sid: str, number_sid: str, state: Props) -> None:
        """Unbind from this trunk only, unless another resource of this update holds or declares it."""
        label = f"{state[PHONE_NUMBER]} ({number_sid})" if state.get(PHONE_NUMBER) else number_sid
        memory = self.session.memory
        holder = memory.holder(trunk_sid, [number_sid, state.get(PHONE_NUMBER)])
        if holder is not None:
            warn(
                f"left {label} bound to trunk {trunk_sid}: {holder} of this stack declares that binding in "
                "this update, so only the removed resource left the stack"
            )
            return
        if state.get(OWNERSHIP) == Ownership.REFERENCED.value:
            return  # a read-only reference never unbinds (the engine does not delete reads either)
        removed = self.session.service.unbind(trunk_sid, number_sid)
        memory.release(number_sid)
        if removed:
            report(
                f"unbound {label} from trunk {trunk_sid}: the resource that held it was removed from the "
                "program, replaced or destroyed; the number now has no trunk, so its calls are not routed "
                "until it is bound again or given a voice configuration"
            )


def _outputs(binding: TrunkPhoneNumber, form: str) -> dict[str, Any]:
    outs: dict[str, Any] = binding.model_dump(mode="json")
    outs[PHONE_NUMBER_SID] = binding.sid
    outs[NUMBER_KEY] = form
    return {k: outs.get(k) for k in (*OUTPUT_PROPERTIES, NUMBER_KEY)}


def _trunk_being_left(olds: Props, news: Props) -> str | None:
    """The old trunk when only the trunk changes: the replacement may move the number from it."""
    old_trunk, new_trunk = olds.get(TRUNK_SID), news.get(TRUNK_SID)
    if not isinstance(old_trunk, str) or not isinstance(new_trunk, str) or old_trunk == new_trunk:
        return None
    for key in (PHONE_NUMBER_SID, PHONE_NUMBER):
        old, new = olds.get(key), news.get(key)
        if isinstance(new, str) and new == old:
            return old_trunk
    return None
