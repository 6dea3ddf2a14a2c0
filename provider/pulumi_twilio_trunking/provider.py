"""The dynamic resource provider behind ``TrunkPhoneNumberAssociation`` (one front door of two).

Pickled into every user's state *by reference*: keep this module path and the class name stable
(a test loads the blob 0.1.0 wrote). The provider host (``python -m pulumi.dynamic``) unpickles it
once per process and calls ``configure``; the work is done by ``association.AssociationLifecycle``
over the process's ``ProviderSession``, which ``__getstate__`` keeps out of any pickle: the stored
blob is a bare class reference whatever the instance holds. Heavy imports (httpx, pydantic, tenacity)
are deferred to the first API call.
"""

from __future__ import annotations

from typing import Any

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

from .advice import PYTHON_DYNAMIC
from .association import AssociationLifecycle
from .properties import RESOURCE_NAME_INPUT, binding_id, parse_binding_id
from .session import ProviderSession, one_line_errors, process_session


def is_unknown(value: Any) -> bool:
    """Whether a value is a preview placeholder for something not known yet."""
    return isinstance(value, Unknown) or value == UNKNOWN


def resource_name(props: dict[str, Any]) -> str:
    """The resource's name as the program passed it (empty for resources registered before 0.2)."""
    name = props.get(RESOURCE_NAME_INPUT)
    return name if isinstance(name, str) else ""


class DynamicProvider(ResourceProvider):
    """What the package's dynamic providers share: the process's session, and a pickle that is the
    bare class. ``session`` injects one (tests); the provider host leaves it unset."""

    # The pickled instance is a bare class reference with no state, so there is nothing to hide;
    # skipping the secret wrapper saves an encryption per resource and keeps state readable.
    serialize_as_secret_always = False

    # Class-level default: an instance unpickled from state is made without calling __init__.
    _session: ProviderSession | None = None

    def __init__(self, session: ProviderSession | None = None) -> None:
        super().__init__()
        self._session = session

    def __getstate__(self) -> None:
        # Whatever the instance holds, it pickles as the bare class.
        return None

    @property
    def session(self) -> ProviderSession:
        return self._session or process_session()

    def configure(self, req: ConfigureRequest) -> None:
        self.session.configure(req.config.get)


def _session_of(provider: DynamicProvider) -> ProviderSession:
    return provider.session


class TrunkPhoneNumberAssociationProvider(DynamicProvider):
    """Binds an existing Twilio phone number to an Elastic SIP trunk; id ``TK…/PN…``."""

    @property
    def _lifecycle(self) -> AssociationLifecycle:
        return AssociationLifecycle(self.session, PYTHON_DYNAMIC, is_unknown, trunk_change_replaces=True)

    @one_line_errors(_session_of)
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        checked = self._lifecycle.check(_olds, news, name=resource_name(news))
        return CheckResult(checked.inputs, [CheckFailure(p.property, p.reason) for p in checked.problems])

    @one_line_errors(_session_of)
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        change = self._lifecycle.diff(olds, news, name=resource_name(news))
        return DiffResult(changes=change.changes, replaces=change.replaces, delete_before_replace=False)

    @one_line_errors(_session_of)
    def create(self, props: dict[str, Any]) -> CreateResult:
        held = self._lifecycle.create(props, name=resource_name(props))
        return CreateResult(binding_id(held.trunk_sid, held.number_sid), held.outputs)

    @one_line_errors(_session_of)
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = self._lifecycle.read(*parse_binding_id(id_), props)
        if found is None:
            return ReadResult("", {})
        return ReadResult(id_, found.outputs, found.inputs)

    @one_line_errors(_session_of)
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._lifecycle.update(olds, news, name=resource_name(news)).outputs)

    @one_line_errors(_session_of)
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._lifecycle.delete(*parse_binding_id(id_), props)
