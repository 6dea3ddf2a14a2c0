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
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .errors import AlreadyBound, BindingError, BoundElsewhere
from .ownership import Ownership
from .snapshots import Page, SnapshotCache
from .twilio.client import TwilioClient
from .twilio.errors import TwilioApiError, TwilioConnectionError
from .twilio.models import IncomingPhoneNumber, TrunkPhoneNumber

log = logging.getLogger("pulumi_twilio_trunking")

_ACCOUNT_SCOPE = "account"
# The cost rule's parameters (see ``snapshots``): calls of a wave before a list page may be read,
# then list pages per further call at most. The account's numbers are usually many pages, each
# slower to serve and parse than a direct lookup, and read while the other callers go on directly;
# a trunk's bindings are a few pages at most, read at once while its other callers wait for them.
# Head start 5: a stack of 5 bindings or fewer never reads a page of the account (2 requests a
# binding at most), and a bigger wave stops paying for direct lookups sooner.
NUMBERS_HEAD_START = 5
NUMBERS_PAGES_PER_CALL = 0.25
BINDINGS_HEAD_START = 1
BINDINGS_PAGES_PER_CALL = 4.0
# Statuses after which a failed POST cannot have bound the number, so no read-back is needed.
_DEFINITE_FAILURES = frozenset({401, 403, 404, 429})


@dataclass(frozen=True)
class NumberRef:
    """A phone number as the user declared it: by PN SID or by E.164 number."""

    sid: str | None = None
    e164: str | None = None

    def __str__(self) -> str:
        return self.sid or self.e164 or "<no number>"


@dataclass(frozen=True)
class Bound:
    """What ``bind`` did: the binding, how (created, adopted or moved), and the number as it was
    before (its voice application and voice URL, which a trunk takes over)."""

    binding: TrunkPhoneNumber
    how: Ownership
    number: IncomingPhoneNumber


def number_label(number: IncomingPhoneNumber) -> str:
    """``+14155550100 (PN…)``: how messages name a number."""
    return f"{number.phone_number} ({number.sid})" if number.phone_number else number.sid


def _already_bound(trunk_sid: str, number: IncomingPhoneNumber) -> AlreadyBound:
    label = number_label(number)
    return AlreadyBound(
        f"phone number {label} is already bound to trunk {trunk_sid}, not by this resource",
        trunk_sid=trunk_sid,
        number_sid=number.sid,
        label=label,
    )


def _e164_key(e164: str) -> str:
    return f"e164:{e164}"


class BindingService:
    """Binding operations for one Twilio account, shared by every provider call in the process."""

    def __init__(self, client: TwilioClient, snapshot_ttl: float) -> None:
        self.client = client
        # Lists or direct reads, by the cost rule of ``snapshots`` (parameters above).
        self._number_snapshots: SnapshotCache[IncomingPhoneNumber] = SnapshotCache(
            snapshot_ttl,
            head_start=NUMBERS_HEAD_START,
            pages_per_call=NUMBERS_PAGES_PER_CALL,
            wait_for_pages=False,
        )
        self._binding_snapshots: SnapshotCache[TrunkPhoneNumber] = SnapshotCache(
            snapshot_ttl, head_start=BINDINGS_HEAD_START, pages_per_call=BINDINGS_PAGES_PER_CALL
        )

    # numbers

    def _number_pages(self) -> Iterator[Page[IncomingPhoneNumber]]:
        for numbers, more in self.client.incoming_phone_number_pages():
            items: dict[str, IncomingPhoneNumber] = {}
            for full in numbers:
                # Keep only what binding decisions read: 50,000 records take ~35 MB instead of ~65 MB.
                number = IncomingPhoneNumber.model_construct(
                    sid=full.sid,
                    phone_number=full.phone_number,
                    trunk_sid=sys.intern(full.trunk_sid) if full.trunk_sid else None,
                    voice_application_sid=full.voice_application_sid,
                    voice_url=full.voice_url,
                )
                items[number.sid] = number
                if number.phone_number:
                    items[_e164_key(number.phone_number)] = number
            yield items, more

    def _fetch_number(self, ref: NumberRef) -> IncomingPhoneNumber | None:
        if ref.sid:
            return self.client.fetch_incoming_phone_number(ref.sid)
        assert ref.e164
        return self.client.find_incoming_phone_number(ref.e164)

    def resolve(self, ref: NumberRef, *, fresh: bool = False) -> IncomingPhoneNumber:
        """The account's number for ``ref``; ``fresh`` skips snapshots (for decisions that change state)."""
        number: IncomingPhoneNumber | None = None
        if not fresh:
            key = ref.sid or _e164_key(ref.e164 or "")
            number = self._number_snapshots.lookup(_ACCOUNT_SCOPE, key, self._number_pages).value
        if number is None:
            # Not in the pages read so far, or a number bought after the snapshot was taken: ask Twilio
            # (by SID, or filtered by PhoneNumber: one request either way).
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
        self._number_snapshots.apply(_ACCOUNT_SCOPE, updated.sid, updated)
        if updated.phone_number:
            self._number_snapshots.apply(_ACCOUNT_SCOPE, _e164_key(updated.phone_number), updated)

    # bindings

    def _binding_pages(self, trunk_sid: str) -> Iterator[Page[TrunkPhoneNumber]]:
        pages = self.client.trunk_phone_number_pages(trunk_sid)
        while True:
            try:
                bindings, more = next(pages)
            except StopIteration:
                return
            except TwilioApiError as exc:
                if exc.is_not_found:  # the trunk itself is gone, and with it every binding
                    yield {}, False
                    return
                raise
            yield {b.sid: b for b in bindings if b.sid}, more

    def read(self, trunk_sid: str, phone_number_sid: str) -> TrunkPhoneNumber | None:
        """The binding as Twilio holds it, or None when the number is not on that trunk."""
        found = self._binding_snapshots.lookup(
            trunk_sid, phone_number_sid, lambda: self._binding_pages(trunk_sid)
        )
        if found.answered:
            return found.value
        return self.client.fetch_trunk_phone_number(trunk_sid, phone_number_sid)

    def bind(
        self,
        trunk_sid: str,
        ref: NumberRef,
        *,
        move_from_trunk_sid: str | None = None,
        adopt: bool = False,
        claim: Callable[[str, str], None] | None = None,
    ) -> Bound:
        """Bind the number to the trunk, move it from ``move_from_trunk_sid``, or (``adopt``) take over
        a binding that already exists. Without ``adopt``, an existing binding is refused.

        ``claim(phone_number_sid, label)`` runs once the number is resolved and before anything is
        decided or sent; it raises to stop a second resource of the same update from taking the number.
        """
        number = self.resolve(ref)
        if claim is not None:
            claim(number.sid, number_label(number))
        if number.trunk_sid and self._from_snapshot(ref, number):
            # Decisions that change state (or refuse) are never made on a snapshot.
            number = self.resolve(ref, fresh=True)
        if number.trunk_sid == trunk_sid:
            # When snapshots disagree, the POST below settles it (binding, or reading the binding back).
            existing = self.read(trunk_sid, number.sid)
            if existing is not None:
                if not adopt:
                    raise _already_bound(trunk_sid, number)
                log.info("adopting existing binding of %s to %s", number.sid, trunk_sid)
                return Bound(existing, Ownership.ADOPTED, number)
        elif number.trunk_sid and number.trunk_sid == move_from_trunk_sid:
            return Bound(self._move(number, number.trunk_sid, trunk_sid), Ownership.MOVED, number)
        elif number.trunk_sid:
            raise BoundElsewhere(
                f"phone number {number_label(number)} is bound to another trunk, {number.trunk_sid}; a "
                "number can be on one trunk only. Remove that binding first (or change the trunk of the "
                "resource that holds it, in place, so the provider moves it)",
                trunk_sid=number.trunk_sid,
                number_sid=number.sid,
                label=number_label(number),
            )
        return Bound(self._post(trunk_sid, number, adopt=adopt), Ownership.CREATED, number)

    def _from_snapshot(self, ref: NumberRef, number: IncomingPhoneNumber) -> bool:
        """Whether ``resolve`` answered from a snapshot (so a decision needs a fresh read) rather than
        from Twilio just now (reading again would be an identical request right after)."""
        snapshot = self._number_snapshots.peek(_ACCOUNT_SCOPE)
        if snapshot is None:
            return False
        return snapshot.get(ref.sid or _e164_key(ref.e164 or "")) is number

    def _post(self, trunk_sid: str, number: IncomingPhoneNumber, *, adopt: bool = False) -> TrunkPhoneNumber:
        try:
            binding = self.client.create_trunk_phone_number(trunk_sid, number.sid)
        except TwilioApiError as exc:
            if exc.status in _DEFINITE_FAILURES:
                if exc.is_not_found:
                    raise BindingError(self._not_found_message(trunk_sid, number)) from None
                raise
            # The POST may have been a retry of one that succeeded, or the number was bound meanwhile.
            binding = self._settle_failed_post(trunk_sid, number, exc, adopt=adopt)
        except TwilioConnectionError as exc:
            # The answer was lost: the POST may have bound the number. Read back when Twilio answers.
            try:
                existing = self.client.fetch_trunk_phone_number(trunk_sid, number.sid)
            except (TwilioApiError, TwilioConnectionError):
                existing = None
            if existing is None:
                raise exc from None
            binding = existing
        self._remember_binding(trunk_sid, number, binding)
        return binding

    def _not_found_message(self, trunk_sid: str, number: IncomingPhoneNumber) -> str:
        """Twilio answered 404 to the POST; the number was just resolved, so say which one is missing."""
        try:
            self.client.fetch_trunk(trunk_sid)
        except TwilioApiError as exc:
            if exc.is_not_found:
                return (
                    f"trunk {trunk_sid} does not exist in account {self.client.account_sid}: fix trunk_sid "
                    f"(phone number {number_label(number)} was found and is left unbound)"
                )
        return (
            f"phone number {number_label(number)} no longer exists in account "
            f"{self.client.account_sid} (Twilio answered 404 to binding it to trunk {trunk_sid})"
        )

    def _settle_failed_post(
        self, trunk_sid: str, number: IncomingPhoneNumber, error: TwilioApiError, *, adopt: bool = False
    ) -> TrunkPhoneNumber:
        existing = self.client.fetch_trunk_phone_number(trunk_sid, number.sid)
        if existing is not None:
            # An earlier attempt of this very POST (or a 5xx answer) may have bound it: ours. A clear
            # refusal of the first and only attempt means someone else bound it in between.
            if adopt or error.attempts > 1 or error.status >= 500:
                return existing
            raise _already_bound(trunk_sid, number) from None
        current = self.client.fetch_incoming_phone_number(number.sid)
        if current is not None and current.trunk_sid and current.trunk_sid != trunk_sid:
            raise BoundElsewhere(
                f"phone number {number_label(number)} was bound to trunk {current.trunk_sid} while this "
                "create ran; a number can be on one trunk only",
                trunk_sid=current.trunk_sid,
                number_sid=number.sid,
                label=number_label(number),
            ) from None
        raise error

    def _remember_binding(
        self, trunk_sid: str, number: IncomingPhoneNumber, binding: TrunkPhoneNumber
    ) -> None:
        self._remember_number(number, trunk_sid)
        self._binding_snapshots.apply(trunk_sid, number.sid, binding)

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
            return self._post(to_trunk, number, adopt=True)  # bound there now only by this move
        except Exception as exc:
            try:
                self._post(from_trunk, number, adopt=True)
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
        self._binding_snapshots.apply(trunk_sid, phone_number_sid, None)
        snapshot = self._number_snapshots.peek(_ACCOUNT_SCOPE)
        number = snapshot.get(phone_number_sid) if snapshot is not None else None
        if number is not None and number.trunk_sid == trunk_sid:
            self._remember_number(number, None)
        return removed
