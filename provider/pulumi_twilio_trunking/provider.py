"""The dynamic resource provider behind ``TrunkPhoneNumberAssociation``.

Pickled into every user's state *by reference*: keep this module path and the class name stable
(a test loads the blob 0.1.0 wrote). The provider host (``python -m pulumi.dynamic``) unpickles it
once per process and calls ``configure`` on that instance, so the instance keeps its configuration
and its lazily built Twilio client as attributes, which ``__getstate__`` keeps out of any pickle:
the stored blob is a bare class reference whatever the instance holds.
Heavy imports (httpx, pydantic, tenacity) are deferred to the first API call.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from .properties import (
    IMPORT_ID,
    NUMBER_KEY,
    OUTPUT_PROPERTIES,
    PHONE_NUMBER,
    PHONE_NUMBER_SID,
    TRUNK_SID,
    binding_id,
    parse_binding_id,
)
from .validation import validate_binding_inputs

if TYPE_CHECKING:
    from .bindings import NumberRef, TrunkBindings
    from .config import ProviderConfig
    from .twilio.models import TrunkPhoneNumber

_PROVIDER_KEY = "__provider"

# Guards the lazy set-up of a provider's client, and the moves map below.
_lock = threading.Lock()
# Trunk changes check() saw with the old inputs: (new trunk, declared number) -> old trunk; create()
# looks its binding up here to know it may move the number from that trunk. It cannot travel in the
# inputs: for a replacement the engine calls check() a second time *without* the old inputs
# (step_generator.go: "recompute the default values") and hands that result to create(). One
# provider process serves one CLI command, so the map lives exactly as long as the update.
_moves_seen: dict[tuple[str, str], str] = {}


def is_unknown(value: Any) -> bool:
    """Whether a value is a preview placeholder for something not known yet."""
    return isinstance(value, Unknown) or value == UNKNOWN


def _declared_number_key(props: dict[str, Any]) -> str:
    key = props.get(NUMBER_KEY)
    if key in (PHONE_NUMBER, PHONE_NUMBER_SID):
        return str(key)
    return (
        PHONE_NUMBER if props.get(PHONE_NUMBER_SID) is None and props.get(PHONE_NUMBER) else PHONE_NUMBER_SID
    )


def _outputs(binding: TrunkPhoneNumber, number_key: str) -> dict[str, Any]:
    outs: dict[str, Any] = binding.model_dump(mode="json")
    outs[PHONE_NUMBER_SID] = binding.sid
    outs[NUMBER_KEY] = number_key
    return {k: outs.get(k) for k in (*OUTPUT_PROPERTIES, NUMBER_KEY)}


def _declared_inputs(outs: dict[str, Any], number_key: str) -> dict[str, Any]:
    return {TRUNK_SID: outs[TRUNK_SID], number_key: outs[number_key]}


def _move_key(news: dict[str, Any]) -> tuple[str, str] | None:
    trunk_sid, number = news.get(TRUNK_SID), news.get(PHONE_NUMBER_SID) or news.get(PHONE_NUMBER)
    if isinstance(trunk_sid, str) and isinstance(number, str) and not is_unknown(number):
        return trunk_sid, number
    return None


class TrunkPhoneNumberAssociationProvider(ResourceProvider):
    """Binds an existing Twilio phone number to an Elastic SIP trunk.

    ``bindings`` injects the binding service (tests); the provider host leaves it unset and the
    provider builds one from its configuration on the first API call.
    """

    # The pickled instance is a bare class reference with no state, so there is nothing to hide;
    # skipping the secret wrapper saves an encryption per resource and keeps state readable.
    serialize_as_secret_always = False

    # Class-level defaults: an instance unpickled from state is made without calling __init__.
    _config: ProviderConfig | None = None
    _service: TrunkBindings | None = None

    def __init__(self, bindings: TrunkBindings | None = None) -> None:
        super().__init__()
        self._service = bindings

    def __getstate__(self) -> None:
        # Whatever the instance holds (configuration, a client), it pickles as the bare class.
        return None

    def configure(self, req: ConfigureRequest) -> None:
        from .config import resolve_config

        self._config = resolve_config(req.config.get)

    def _bindings(self) -> TrunkBindings:
        with _lock:
            if self._service is None:
                from .bindings import TrunkBindings
                from .config import resolve_config
                from .twilio.client import TwilioClient

                config = self._config or resolve_config()
                self._service = TrunkBindings(TwilioClient(config.client_settings()), config.snapshot_ttl)
            return self._service

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        problems = validate_binding_inputs(news, is_unknown)
        failures = [CheckFailure(p.property, p.reason) for p in problems]
        inputs = dict(news)
        move_key = _move_key(news)
        move_from = self._trunk_being_left(_olds, news)
        if move_from and move_key and not failures:
            with _lock:
                _moves_seen[move_key] = move_from
        if _olds or (move_key is not None and move_key in _moves_seen):
            inputs.pop(IMPORT_ID, None)  # an import only concerns the first create, never a replacement
        return CheckResult(inputs, failures)

    @staticmethod
    def _trunk_being_left(olds: dict[str, Any], news: dict[str, Any]) -> str | None:
        """The old trunk when only the trunk changes: the replacement may move the number from it."""
        old_trunk, new_trunk = olds.get(TRUNK_SID), news.get(TRUNK_SID)
        if not isinstance(old_trunk, str) or not isinstance(new_trunk, str) or old_trunk == new_trunk:
            return None
        for key in (PHONE_NUMBER_SID, PHONE_NUMBER):
            old, new = olds.get(key), news.get(key)
            if isinstance(new, str) and new == old:
                return old_trunk
        return None

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # ``olds`` are the stored outputs, which carry both forms of the number.
        replaces = []
        new_trunk = news.get(TRUNK_SID)
        if is_unknown(new_trunk) or new_trunk != olds.get(TRUNK_SID):
            replaces.append(TRUNK_SID)
        number_key = PHONE_NUMBER_SID if news.get(PHONE_NUMBER_SID) is not None else PHONE_NUMBER
        new_number = news.get(number_key)
        if is_unknown(new_number) or new_number != olds.get(number_key):
            replaces.append(number_key)
        form_changed = number_key != _declared_number_key(olds)
        # No delete-before-replace: a new number is bound before the old one is unbound, and a
        # trunk change is carried out by create() as a guarded move (see bindings.TrunkBindings._move).
        return DiffResult(
            changes=bool(replaces) or form_changed,
            replaces=replaces,
            delete_before_replace=False,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        from .bindings import NumberRef

        trunk_sid = props[TRUNK_SID]
        number_key = _declared_number_key(props)
        move_key = _move_key(props)
        with _lock:
            move_from = _moves_seen.get(move_key) if move_key else None
        ref = NumberRef(sid=props.get(PHONE_NUMBER_SID), e164=props.get(PHONE_NUMBER))
        import_id = props.get(IMPORT_ID)
        if isinstance(import_id, str):
            binding = self._imported(import_id, trunk_sid, ref)
        else:
            binding = self._bindings().bind(trunk_sid, ref, move_from_trunk_sid=move_from)
        outs = _outputs(binding, number_key)
        return CreateResult(binding_id(trunk_sid, binding.sid or ""), outs)

    def _imported(self, import_id: str, trunk_sid: str, ref: NumberRef) -> TrunkPhoneNumber:
        """The existing binding an ``import_`` names; it must match the declared inputs. Never binds."""
        from .errors import BindingError

        id_trunk, id_number = parse_binding_id(import_id)
        binding = self._bindings().read(id_trunk, id_number)
        if binding is None:
            raise BindingError(
                f"cannot import {import_id}: phone number {id_number} is not bound to trunk {id_trunk}"
            )
        if id_trunk != trunk_sid or str(ref) not in (binding.sid, binding.phone_number):
            raise BindingError(
                f"cannot import {import_id}: it does not match the declared trunk_sid {trunk_sid} "
                f"and number {ref}"
            )
        return binding

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        trunk_sid, number_sid = parse_binding_id(id_)
        binding = self._bindings().read(trunk_sid, number_sid)
        if binding is None:
            return ReadResult("", {})
        number_key = _declared_number_key(props)
        outs = _outputs(binding, number_key)
        return ReadResult(id_, outs, _declared_inputs(outs, number_key))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # Only the declared form of the number can change in place; the binding itself is unchanged.
        number_key = PHONE_NUMBER_SID if news.get(PHONE_NUMBER_SID) is not None else PHONE_NUMBER
        outs = {k: v for k, v in olds.items() if k != _PROVIDER_KEY}
        outs[NUMBER_KEY] = number_key
        return UpdateResult(outs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        trunk_sid, number_sid = parse_binding_id(id_)
        self._bindings().unbind(trunk_sid, number_sid)
