"""The binding operations behind the provider: resolve, bind (or adopt, or move), read, unbind.

Written so the outcome does not depend on what Twilio answers for a number that is already bound
(undocumented): the number's ``trunk_sid`` is checked before binding, and an ambiguous POST
failure is settled by reading the binding back.

Freshness: within a wave of creates, that check reads the account's numbers from a snapshot (see
``snapshots``) at most ``snapshotTtl`` seconds old. A number bound elsewhere, out of band, inside
that window is only caught if Twilio refuses the POST (the read-back then names the other trunk);
should Twilio instead move such a number, it would be moved. ``twilio:snapshotTtl 0`` removes the
window at the cost of one extra request per create.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import BindingError
from .snapshots import SnapshotCache
from .twilio.client import TwilioClient
from .twilio.errors import TwilioApiError
from .twilio.models import IncomingPhoneNumber, TrunkPhoneNumber

log = logging.getLogger("pulumi_twilio_trunking")

_ACCOUNT_SCOPE = "account"
# Statuses after which a failed POST cannot have bound the number, so no read-back is needed.
_DEFINITE_FAILURES = frozenset({401, 403, 404, 429})


@dataclass(frozen=True)
class NumberRef:
    """A phone number as the user declared it: by PN SID or by E.164 number."""

    sid: str | None = None
    e164: str | None = None

    def __str__(self) -> str:
        return self.sid or self.e164 or "<no number>"


def _e164_key(e164: str) -> str:
    return f"e164:{e164}"


class TrunkBindings:
    """Binding operations for one Twilio account, shared by every provider call in the process."""

    def __init__(self, client: TwilioClient, snapshot_ttl: float) -> None:
        self.client = client
        self._numbers: SnapshotCache[IncomingPhoneNumber] = SnapshotCache(snapshot_ttl)
        self._bindings: SnapshotCache[TrunkPhoneNumber] = SnapshotCache(snapshot_ttl)

    # numbers

    def _load_numbers(self) -> Mapping[str, IncomingPhoneNumber]:
        items: dict[str, IncomingPhoneNumber] = {}
        for number in self.client.list_incoming_phone_numbers():
            items[number.sid] = number
            if number.phone_number:
                items[_e164_key(number.phone_number)] = number
        return items

    def _fetch_number(self, ref: NumberRef) -> IncomingPhoneNumber | None:
        if ref.sid:
            return self.client.fetch_incoming_phone_number(ref.sid)
        assert ref.e164
        return self.client.find_incoming_phone_number(ref.e164)

    def resolve(self, ref: NumberRef, *, fresh: bool = False) -> IncomingPhoneNumber:
        """The account's number for ``ref``; ``fresh`` skips snapshots (for decisions that change state)."""
        number: IncomingPhoneNumber | None = None
        if not fresh:
            snapshot = self._numbers.lookup(_ACCOUNT_SCOPE, self._load_numbers)
            if snapshot is not None:
                number = snapshot.get(ref.sid) if ref.sid else snapshot.get(_e164_key(ref.e164 or ""))
        if number is None:
            # A snapshot miss may be a number bought after the snapshot was taken: ask Twilio.
            number = self._fetch_number(ref)
        if number is None:
            what = "phone number SID" if ref.sid else "phone number"
            raise BindingError(
                f"{what} {ref} is not an incoming phone number of account {self.client.account_sid}: "
                "buy or port it first, or fix the value"
            )
        return number

    def _remember_number(self, number: IncomingPhoneNumber, trunk_sid: str | None) -> None:
        updated = number.model_copy(update={"trunk_sid": trunk_sid})
        self._numbers.apply(_ACCOUNT_SCOPE, updated.sid, updated)
        if updated.phone_number:
            self._numbers.apply(_ACCOUNT_SCOPE, _e164_key(updated.phone_number), updated)

    # bindings

    def _load_bindings(self, trunk_sid: str) -> Mapping[str, TrunkPhoneNumber]:
        try:
            return {b.sid: b for b in self.client.list_trunk_phone_numbers(trunk_sid) if b.sid}
        except TwilioApiError as exc:
            if exc.is_not_found:  # the trunk itself is gone, and with it every binding
                return {}
            raise

    def read(self, trunk_sid: str, phone_number_sid: str) -> TrunkPhoneNumber | None:
        """The binding as Twilio holds it, or None when the number is not on that trunk."""
        snapshot = self._bindings.lookup(trunk_sid, lambda: self._load_bindings(trunk_sid))
        if snapshot is not None:
            return snapshot.get(phone_number_sid)
        return self.client.fetch_trunk_phone_number(trunk_sid, phone_number_sid)

    def bind(
        self, trunk_sid: str, ref: NumberRef, *, move_from_trunk_sid: str | None = None
    ) -> TrunkPhoneNumber:
        """Bind the number to the trunk, adopt a binding, or move it from ``move_from_trunk_sid``."""
        number = self.resolve(ref)
        if number.trunk_sid and number.trunk_sid != trunk_sid:
            # Decisions that change state are never made on a snapshot.
            number = self.resolve(ref, fresh=True)
        if number.trunk_sid == trunk_sid:
            # When snapshots disagree, the POST below settles it (binding, or reading the binding back).
            existing = self.read(trunk_sid, number.sid)
            if existing is not None:
                log.info("adopting existing binding of %s to %s", number.sid, trunk_sid)
                return existing
        elif number.trunk_sid and number.trunk_sid == move_from_trunk_sid:
            return self._move(number, number.trunk_sid, trunk_sid)
        elif number.trunk_sid:
            raise BindingError(
                f"phone number {number.phone_number or number.sid} ({number.sid}) is bound to another trunk, "
                f"{number.trunk_sid}; a number can be on one trunk only. Remove that binding first "
                f"(or change this resource's trunk_sid in place so the provider moves it)"
            )
        return self._post(trunk_sid, number)

    def _post(self, trunk_sid: str, number: IncomingPhoneNumber) -> TrunkPhoneNumber:
        try:
            binding = self.client.create_trunk_phone_number(trunk_sid, number.sid)
        except TwilioApiError as exc:
            if exc.status in _DEFINITE_FAILURES:
                if exc.is_not_found:
                    raise BindingError(
                        f"trunk {trunk_sid} or phone number {number.sid} does not exist in account "
                        f"{self.client.account_sid} (Twilio error {exc.code}: {exc.message})"
                    ) from None
                raise
            # The POST may have been a retry of one that succeeded, or the number was bound meanwhile.
            binding = self._settle_failed_post(trunk_sid, number, exc)
        self._remember_binding(trunk_sid, number, binding)
        return binding

    def _settle_failed_post(
        self, trunk_sid: str, number: IncomingPhoneNumber, error: TwilioApiError
    ) -> TrunkPhoneNumber:
        existing = self.client.fetch_trunk_phone_number(trunk_sid, number.sid)
        if existing is not None:
            return existing
        current = self.client.fetch_incoming_phone_number(number.sid)
        if current is not None and current.trunk_sid and current.trunk_sid != trunk_sid:
            raise BindingError(
                f"phone number {number.phone_number or number.sid} ({number.sid}) was bound to trunk "
                f"{current.trunk_sid} by someone else; a number can be on one trunk only"
            ) from None
        raise error

    def _remember_binding(
        self, trunk_sid: str, number: IncomingPhoneNumber, binding: TrunkPhoneNumber
    ) -> None:
        self._remember_number(number, trunk_sid)
        self._bindings.apply(trunk_sid, number.sid, binding)

    def _move(self, number: IncomingPhoneNumber, from_trunk: str, to_trunk: str) -> TrunkPhoneNumber:
        # Twilio has no atomic move: check the target first, unbind, bind, and restore on failure,
        # so the number never ends up unbound or on two trunks.
        try:
            self.client.fetch_trunk(to_trunk)
        except TwilioApiError as exc:
            if exc.is_not_found:
                raise BindingError(
                    f"cannot move {number.sid} to trunk {to_trunk}: that trunk does not exist; "
                    f"the number stays on {from_trunk}"
                ) from None
            raise
        self.unbind(from_trunk, number.sid)
        try:
            return self._post(to_trunk, number)
        except Exception as exc:
            try:
                self._post(from_trunk, number)
            except Exception:
                raise BindingError(
                    f"moving {number.sid} from {from_trunk} to {to_trunk} failed ({exc}) and restoring "
                    f"it to {from_trunk} failed too: the number is unbound; run `pulumi up` again"
                ) from exc
            raise BindingError(
                f"moving {number.sid} to trunk {to_trunk} failed ({exc}); it was restored to {from_trunk}"
            ) from exc

    def unbind(self, trunk_sid: str, phone_number_sid: str) -> bool:
        """Unbind the number from this trunk only; False when it was not there (already done)."""
        removed = self.client.delete_trunk_phone_number(trunk_sid, phone_number_sid)
        self._bindings.apply(trunk_sid, phone_number_sid, None)
        snapshot = self._numbers.peek(_ACCOUNT_SCOPE)
        number = snapshot.get(phone_number_sid) if snapshot is not None else None
        if number is not None and number.trunk_sid == trunk_sid:
            self._remember_number(number, None)
        return removed
