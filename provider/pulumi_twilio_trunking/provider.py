"""The dynamic resource provider behind ``TrunkPhoneNumberAssociation``.

Pickled into every user's state *by reference*: keep this module path and the class name stable
(a test loads the blob 0.1.0 wrote). The provider host (``python -m pulumi.dynamic``) unpickles it
once per process and calls ``configure`` on that instance, so the instance keeps its configuration
and its lazily built Twilio client as attributes, which ``__getstate__`` keeps out of any pickle:
the stored blob is a bare class reference whatever the instance holds.
Heavy imports (httpx, pydantic, tenacity) are deferred to the first API call.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

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

from .errors import ConfigurationError, ProviderError
from .ownership import ADOPT_EXISTING_ENV, UpdateMemory, adopt_existing_from_env
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
from .validation import validate_binding_inputs

if TYPE_CHECKING:
    from .bindings import NumberRef, TrunkBindings
    from .config import ProviderConfig
    from .twilio.models import TrunkPhoneNumber

_PROVIDER_KEY = "__provider"

_REFRESH_USES_SAVED_CONFIG = (
    "note: a plain `pulumi refresh` uses the provider config saved in the stack's state by the last "
    "update; after fixing the setting run `pulumi refresh --run-program` or "
    "`pulumi up --refresh --run-program`"
)

# Guards the lazy set-up of a provider's client and its update memory.
_lock = threading.Lock()


class _ReportHandler(logging.Handler):
    """Shows the package's warnings (long back-offs, retries) in the output of the Pulumi command."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            report(record.getMessage())
        except Exception:  # reporting must never fail an operation
            self.handleError(record)


def _show_warnings_in_pulumi_output() -> None:
    logger = logging.getLogger("pulumi_twilio_trunking")
    if not any(isinstance(h, _ReportHandler) for h in logger.handlers):
        handler = _ReportHandler(logging.WARNING)
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.WARNING:
            logger.setLevel(logging.WARNING)


F = TypeVar("F", bound=Callable[..., Any])


def _one_line_errors(method: F) -> F:
    """The provider-method boundary: an error the user can act on reaches ``pulumi up`` as one line.

    The SDK's host prints ``traceback.format_exc()``: cutting the traceback here leaves only the
    frames between the host and this method, then the message.
    """

    @functools.wraps(method)
    def wrapper(self: TrunkPhoneNumberAssociationProvider, *args: Any) -> Any:
        try:
            return method(self, *args)
        except ProviderError as exc:
            error: Exception = exc
        except Exception as exc:  # only the client's own errors are translated, bugs stay as they are
            error = self._explain(exc)
        raise error.with_traceback(None) from None

    return wrapper  # type: ignore[return-value]


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


class StatelessProvider(ResourceProvider):
    """What the package's providers share: they pickle into state as the bare class.

    ``bindings`` injects the binding service (tests); the provider host leaves it unset and the
    provider builds one from its configuration on the first API call.
    """

    # The pickled instance is a bare class reference with no state, so there is nothing to hide;
    # skipping the secret wrapper saves an encryption per resource and keeps state readable.
    serialize_as_secret_always = False

    # Class-level defaults: an instance unpickled from state is made without calling __init__.
    _service: TrunkBindings | None = None

    def __init__(self, bindings: TrunkBindings | None = None) -> None:
        super().__init__()
        self._service = bindings

    def __getstate__(self) -> None:
        # Whatever the instance holds (configuration, a client), it pickles as the bare class.
        return None


class TrunkPhoneNumberAssociationProvider(StatelessProvider):
    """Binds an existing Twilio phone number to an Elastic SIP trunk."""

    _config: ProviderConfig | None = None
    _update_memory: UpdateMemory | None = None

    def configure(self, req: ConfigureRequest) -> None:
        from .config import resolve_config

        self._config = resolve_config(req.config.get)
        _show_warnings_in_pulumi_output()

    def _explain(self, exc: Exception) -> Exception:
        """A one-line ProviderError for the client's errors; anything else (a bug) is left as it is."""
        from .config import resolve_config
        from .twilio.errors import TwilioApiError, TwilioConnectionError

        config = self._config or resolve_config()
        if isinstance(exc, TwilioApiError) and exc.status in (401, 403):
            return ConfigurationError(
                f"Twilio refused the credentials (HTTP {exc.status}, error {exc.code}: {exc.message}); "
                f"they came from {config.credential_origins()}, sent to {config.endpoint_description()}: "
                "check those settings"
            )
        if isinstance(exc, TwilioConnectionError):
            return ProviderError(f"{exc}; base URL in use: {config.endpoint_description()}")
        if isinstance(exc, TwilioApiError):
            return ProviderError(str(exc))
        return exc

    def _warn_about_stored_config(self) -> None:
        """On refresh the engine configures the provider from the config saved by the last update."""
        from .config import API_BASE_URL
        from .twilio.endpoints import redact_url

        if self._config is None:
            return
        used = self._config.value(API_BASE_URL)
        current = os.environ.get(API_BASE_URL.env_var, "")
        from_state = used.origin.startswith("stack config")
        differs = from_state and current and current.rstrip("/") != used.text.rstrip("/")
        if differs and self._memory.first_time("base-url"):
            warn(
                f"this command talks to {redact_url(used.text)} from {API_BASE_URL.config_key} as saved "
                f"in the stack's state by the last update, not to {API_BASE_URL.env_var}="
                f"{redact_url(current)} (stack config wins over the environment). A plain `pulumi refresh` "
                "uses the saved provider config (so does the refresh of `pulumi up --refresh`); run "
                "`pulumi refresh --run-program` or `pulumi up --refresh --run-program` to use the current "
                "stack config"
            )

    @property
    def _memory(self) -> UpdateMemory:
        with _lock:
            if self._update_memory is None:
                self._update_memory = UpdateMemory()
            return self._update_memory

    def _bindings(self) -> TrunkBindings:
        with _lock:
            if self._service is None:
                from .bindings import TrunkBindings
                from .config import resolve_config
                from .twilio.client import TwilioClient

                config = self._config or resolve_config()
                self._service = TrunkBindings(TwilioClient(config.client_settings()), config.snapshot_ttl)
            return self._service

    @_one_line_errors
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        problems = validate_binding_inputs(news, is_unknown)
        failures = [CheckFailure(p.property, p.reason) for p in problems]
        adopt = news.get(ADOPT)
        if adopt is not None and not is_unknown(adopt) and not isinstance(adopt, bool):
            failures.append(CheckFailure(ADOPT, f"must be True or False; got {type(adopt).__name__}"))
        inputs = dict(news)
        move_key = _move_key(news)
        move_from = self._trunk_being_left(_olds, news)
        if move_from and move_key and not failures:
            self._memory.remember_move(move_key, move_from)
        if _olds or self._memory.move_from(move_key) is not None:
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

    @_one_line_errors
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
        if not replaces:
            self._memory.still_declared(_id)
        # No delete-before-replace: a new number is bound before the old one is unbound, and a
        # trunk change is carried out by create() as a guarded move (see bindings.TrunkBindings._move).
        return DiffResult(
            changes=bool(replaces) or form_changed,
            replaces=replaces,
            delete_before_replace=False,
        )

    @_one_line_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        from .bindings import NumberRef

        trunk_sid = props[TRUNK_SID]
        number_key = _declared_number_key(props)
        move_key = _move_key(props)
        move_from = self._memory.move_from(move_key)
        ref = NumberRef(sid=props.get(PHONE_NUMBER_SID), e164=props.get(PHONE_NUMBER))
        import_id = props.get(IMPORT_ID)
        with self._memory.claiming(trunk_sid) as claim:
            if isinstance(import_id, str):
                binding, ownership = self._imported(import_id, trunk_sid, ref, claim), "imported"
            else:
                opted_in = props.get(ADOPT) is True
                bound = self._bindings().bind(
                    trunk_sid,
                    ref,
                    move_from_trunk_sid=move_from,
                    adopt=opted_in or adopt_existing_from_env(),
                    claim=claim,
                )
                binding, ownership = bound.binding, "created" if bound.how != "adopted" else "adopted"
                where = binding_id(trunk_sid, binding.sid or "")
                if bound.how == "adopted":
                    why = "adopt=True" if opted_in else f"{ADOPT_EXISTING_ENV}=true"
                    report(f"adopted existing binding {where} ({binding.phone_number}) because of {why}")
                elif bound.how == "moved":
                    number = f"{binding.phone_number} ({binding.sid})"
                    report(f"moved {number} from trunk {move_from} to {trunk_sid}")
        if ownership == "imported":
            report(f"imported existing binding {import_id} ({binding.phone_number})")
        outs = _outputs(binding, number_key)
        outs[OWNERSHIP] = ownership
        return CreateResult(binding_id(trunk_sid, binding.sid or ""), outs)

    def _imported(
        self, import_id: str, trunk_sid: str, ref: NumberRef, claim: Callable[[str], None]
    ) -> TrunkPhoneNumber:
        """The existing binding an ``import_`` names; it must match the declared inputs. Never binds."""
        from .errors import BindingError

        id_trunk, id_number = parse_binding_id(import_id)
        claim(id_number)
        binding = self._bindings().read(id_trunk, id_number)
        if binding is None:
            raise BindingError(
                f"cannot import {import_id}: phone number {id_number} is not bound to trunk {id_trunk}. "
                "To bind it, remove the import_ option (create then binds it); to import something else, "
                "fix the id (TK…/PN… of an existing binding)"
            )
        if id_trunk != trunk_sid or str(ref) not in (binding.sid, binding.phone_number):
            raise BindingError(
                f"cannot import {import_id}: it does not match the declared trunk_sid {trunk_sid} "
                f"and number {ref}; make the import_ id and the inputs name the same binding"
            )
        return binding

    @_one_line_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        self._warn_about_stored_config()
        trunk_sid, number_sid = parse_binding_id(id_)
        try:
            binding = self._bindings().read(trunk_sid, number_sid)
        except ConfigurationError as exc:
            raise ConfigurationError(f"{exc} ({_REFRESH_USES_SAVED_CONFIG})") from None
        if binding is None:
            return ReadResult("", {})
        number_key = _declared_number_key(props)
        outs = _outputs(binding, number_key)
        if props.get(OWNERSHIP) is not None:
            outs[OWNERSHIP] = props[OWNERSHIP]
        inputs = _declared_inputs(outs, number_key)
        if props.get(ADOPT) is not None:
            inputs[ADOPT] = props[ADOPT]
        return ReadResult(id_, outs, inputs)

    @_one_line_errors
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # Only the declared form of the number can change in place; the binding itself is unchanged.
        number_key = PHONE_NUMBER_SID if news.get(PHONE_NUMBER_SID) is not None else PHONE_NUMBER
        outs = {k: v for k, v in olds.items() if k != _PROVIDER_KEY}
        outs[NUMBER_KEY] = number_key
        return UpdateResult(outs)

    @_one_line_errors
    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        trunk_sid, number_sid = parse_binding_id(id_)
        if self._memory.is_still_declared(id_):
            warn(
                f"left {id_} bound: another resource of this stack still declares that binding, so only "
                "this resource was removed from the stack"
            )
            return
        self._bindings().unbind(trunk_sid, number_sid)
        self._memory.release(trunk_sid, number_sid)
