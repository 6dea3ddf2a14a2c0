"""The provider plugin's resource provider: the second front door over the same core.

Each engine call is translated (schema names and ``PropertyValue``s to the core's plain values and
back) and run on a thread of the provider's own pool, over one ``ProviderSession`` per plugin process
(the engine starts one process per provider resource, default or explicit). Unlike the dynamic
provider's host, nothing caps the calls in flight at four: the engine's ``--parallel`` decides.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, TypeVar

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from ..advice import Advice
from ..association import AssociationLifecycle
from ..config import PLUGIN_CONFIG
from ..errors import ConfigurationError
from ..exclusive_trunk import ExclusiveTrunkLifecycle
from ..properties import NUMBER_KEY, TRUNK_SID, camel, parse_binding_id
from ..session import ProviderSession
from ..validation import InputProblem, is_phone_number_sid
from .names import to_core, to_schema
from .schema import ASSOCIATION_TYPE, EXCLUSIVE_TYPE, schema_json
from .servicer import abort_with
from .values import is_unknown, plain_map, property_map

T = TypeVar("T")

# Calls in flight: well above what the engine sends by default, below Twilio's per-account concurrency.
WORKERS: Final = 32

PLUGIN_ADVICE: Final = Advice(
    alias=lambda name: "an alias of its old name (the aliases resource option)",
    reference=lambda name, id_: (
        f'the resource\'s get with id "{id_.rsplit("/", 1)[-1]}" (YAML: options: get: id: ...)'
    ),
    adopt="adopt: true (adopt=True)",
    import_=lambda id_: (
        f"`pulumi import {ASSOCIATION_TYPE} NAME {id_.rsplit('/', 1)[-1]}` (or the import resource option)"
    ),
)


class TrunkingProvider(Provider):
    """Serves ``twilio-trunking:index:TrunkPhoneNumberAssociation`` and ``…:ExclusiveTrunk``."""

    def __init__(self, session: ProviderSession | None = None) -> None:
        self.session = session or ProviderSession()
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="twilio-trunking")
        self._associations = AssociationLifecycle(
            self.session, PLUGIN_ADVICE, is_unknown, trunk_change_replaces=False
        )
        self._exclusive = ExclusiveTrunkLifecycle(self.session, is_unknown)

    async def _run(self, call: Callable[[], T], *, sends_requests: bool = True) -> T:
        """``call`` on a worker thread, or right on the event loop when it sends no request
        (``sends_requests=False``: the checks and diffs that make up a no-op up skip the hop between
        threads), behind the session's one-line error boundary."""
        try:
            if not sends_requests:
                return call()
            return await asyncio.get_running_loop().run_in_executor(self._pool, call)
        except Exception as exc:
            error = self.session.one_line(exc)
            if error is None:
                raise
            await abort_with(str(error))
            raise error from None

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema_json())

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        return CheckResponse(inputs=request.new_inputs, failures=[])

    async def diff_config(self, request: DiffRequest) -> DiffResponse:
        # Settings change no resource: a new token or base URL applies to the next call.
        return DiffResponse(changes=False)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        args, secret = plain_map(request.args)

        def lookup(key: str) -> object:
            return args.get(key.split(":", 1)[1])

        self.session.configure(lookup, PLUGIN_CONFIG)
        for key in ("authToken", "apiSecret"):
            if args.get(key) and key not in secret:
                self.session.warn_once(
                    f"plain-{key}",
                    f"{PLUGIN_CONFIG.namespace}:{key} is not a secret, so the engine stores it in plain text "
                    f"in the stack's state: set it with `pulumi config set --secret "
                    f"{PLUGIN_CONFIG.namespace}:{key} …` (or mark the Provider's {key} secret)",
                )
        return ConfigureResponse(accept_secrets=True, supports_preview=False)

    async def check(self, request: CheckRequest) -> CheckResponse:
        (olds, _), (news, secret) = _core(request.old_inputs), _core(request.new_inputs)
        if request.type == EXCLUSIVE_TYPE:
            checked = await self._run(lambda: self._exclusive.check(news))
        else:
            checked = await self._run(
                lambda: self._associations.check(olds, news, name=request.name), sends_requests=False
            )
        return CheckResponse(inputs=_engine(checked.inputs, secret), failures=_failures(checked.problems))

    async def diff(self, request: DiffRequest) -> DiffResponse:
        (olds, _), (news, _) = _core(request.old_state), _core(request.new_inputs)
        if request.type == EXCLUSIVE_TYPE:
            change = await self._run(lambda: self._exclusive.diff(olds, news, name=request.name))
        else:
            change = await self._run(
                lambda: self._associations.diff(olds, news, name=request.name), sends_requests=False
            )
        return DiffResponse(
            changes=change.changes,
            replaces=[camel(key) for key in change.replaces],
            delete_before_replace=False,
            diffs=[camel(key) for key in change.changed],
        )

    async def create(self, request: CreateRequest) -> CreateResponse:
        inputs, secret = _core(request.properties)
        if request.type == EXCLUSIVE_TYPE:
            outputs = await self._run(lambda: self._exclusive.create(inputs, name=request.name))
            return CreateResponse(str(inputs[TRUNK_SID]), _engine(outputs, secret))
        held = await self._run(lambda: self._associations.create(inputs, name=request.name))
        return CreateResponse(held.number_sid, _engine(held.outputs, secret))

    async def read(self, request: ReadRequest) -> ReadResponse:
        state, secret = _core(request.properties)
        if request.type == EXCLUSIVE_TYPE:
            trunk_sid = str(state.get(TRUNK_SID) or request.resource_id)
            found = await self._run(lambda: self._exclusive.read(trunk_sid, state, name=request.name))
            return ReadResponse(trunk_sid, _engine(found.outputs, secret), _engine(found.inputs))
        number_sid = _number_of(request.resource_id)
        importing = (
            NUMBER_KEY not in state
        )  # no stored outputs: an import (with the program's inputs, if any)
        if importing and "/" in request.resource_id:
            # An import of TK…/PN… takes that binding or nothing: never a number that has moved since.
            trunk_sid = parse_binding_id(request.resource_id)[0]
            read_back = await self._run(lambda: self._associations.read(trunk_sid, number_sid, state))
        else:
            read_back = await self._run(lambda: self._associations.read_number(number_sid, state))
        if read_back is None:
            return ReadResponse(None, {}, {})  # gone: the engine drops it (or fails an import)
        return ReadResponse(number_sid, _engine(read_back.outputs, secret), _engine(read_back.inputs))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        (olds, _), (news, secret) = _core(request.olds), _core(request.news)
        if request.type == EXCLUSIVE_TYPE:
            outputs = await self._run(lambda: self._exclusive.update(olds, news, name=request.name))
            return UpdateResponse(_engine(outputs, secret))
        held = await self._run(lambda: self._associations.update(olds, news, name=request.name))
        return UpdateResponse(_engine(held.outputs, secret))

    async def delete(self, request: DeleteRequest) -> None:
        if request.type == EXCLUSIVE_TYPE:
            return  # removing the declaration only stops enforcing it; nothing is unbound
        state, _ = _core(request.properties)
        number_sid = _number_of(request.resource_id)
        await self._run(lambda: self._associations.delete(str(state[TRUNK_SID]), number_sid, state))


def _core(properties: Mapping[str, PropertyValue]) -> tuple[dict[str, Any], set[str]]:
    """The core's plain values of engine properties, and the (schema) names of the secret ones."""
    values, secret = plain_map(properties)
    return to_core(values), secret


def _engine(values: Mapping[str, Any], secret: Collection[str] = ()) -> dict[str, PropertyValue]:
    """The core's values as engine properties by their schema names; ``secret`` ones stay secrets."""
    return property_map(to_schema(values), secret)


def _failures(problems: list[InputProblem]) -> list[CheckFailure]:
    return [CheckFailure(camel(p.property), p.reason) for p in problems]


def _number_of(resource_id: str) -> str:
    """The PN SID a binding's id names: ``PN…`` (the plugin's ids), or ``TK…/PN…`` for an import."""
    number = parse_binding_id(resource_id)[1] if "/" in resource_id else resource_id
    if not is_phone_number_sid(number):
        raise ConfigurationError(
            f"{resource_id!r} is no TrunkPhoneNumberAssociation id: use the number's PN SID "
            "(PN + 32 hex digits), or TK…/PN…"
        )
    return number
