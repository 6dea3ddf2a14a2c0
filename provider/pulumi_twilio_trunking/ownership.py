"""One owner per binding: what one provider process remembers of the update it serves.

The engine runs one provider process per CLI command, so an ``UpdateMemory`` lives exactly as long as
the update. The engine checks every resource the program declares and diffs every live one before it
runs the deletes of removed resources; deletes come last. So by the time a delete runs, the memory
knows every binding that another resource of the same update declares, holds or took, and the
delete leaves those bound. What it keeps:

* declared: (trunk, number as declared: PN SID or E.164) of every resource ``check`` saw;
* held: bindings a live resource keeps (diff without replacement, update) or took (create: created,
  adopted, imported, moved);
* claims: the numbers creates of this update took, so two resources never both create or adopt one
  binding, even with the opt-ins, and a number is never taken on two trunks by one stack;
* moves: trunk changes ``check`` saw with the old inputs (see ``remember_move``);
* strays an ``ExclusiveTrunk`` first found in this command (they are only acted on by a later one);
* warnings already shown.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from .errors import BindingError

# The one-off recovery switch for after a hard kill: creates adopt bindings that already exist.
ADOPT_EXISTING_ENV: Final = "TWILIO_TRUNKING_ADOPT_EXISTING"
_TRUE = frozenset({"1", "true", "yes", "on"})


def adopt_existing_from_env() -> bool:
    return os.environ.get(ADOPT_EXISTING_ENV, "").strip().lower() in _TRUE


class Ownership(StrEnum):
    """How a resource holds its binding (the ``ownership`` output)."""

    CREATED = "created"  # this resource bound the number
    ADOPTED = "adopted"  # it took over a binding that existed (adopt=True, or the recovery switch)
    IMPORTED = "imported"  # it took over exactly the binding its import id names
    MOVED = "moved"  # it moved the number from the trunk it held before
    REFERENCED = "referenced"  # read-only: ``get`` of a binding owned elsewhere; never unbound by this stack


@dataclass(frozen=True)
class Holder:
    """A resource of this stack that declares or holds a binding in this update."""

    name: str  # its resource name; "" when unknown (resources registered by an older version)
    trunk_sid: str

    def __str__(self) -> str:
        return f'resource "{self.name}"' if self.name else "another resource"


class UpdateMemory:
    """Thread-safe: the host calls the provider from several threads at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._declared: dict[tuple[str, str], Holder] = {}
        self._held: dict[tuple[str, str], Holder] = {}
        self._claims: dict[str, Holder] = {}  # PN SID -> the create that took it
        # (new trunk, declared number) -> old trunk. A trunk move cannot travel in the inputs: for a
        # replacement the engine calls check() a second time *without* the old inputs
        # (step_generator.go: "recompute the default values") and hands that result to create().
        self._moves: dict[tuple[str, str], str] = {}
        self._strays_found: dict[str, set[str]] = {}
        self._warned: set[str] = set()

    # what the program declares and what live resources hold

    def declare(self, trunk_sid: str, number: str, name: str) -> None:
        """``check`` saw a resource declare ``number`` (PN SID or E.164) on ``trunk_sid``."""
        with self._lock:
            self._declared[(trunk_sid, number)] = Holder(name, trunk_sid)

    def hold(self, trunk_sid: str, number_sid: str, name: str) -> None:
        """A live resource keeps (or just took) the binding ``trunk_sid``/``number_sid``."""
        with self._lock:
            self._held[(trunk_sid, number_sid)] = Holder(name, trunk_sid)

    def holder(self, trunk_sid: str, numbers: Iterable[str | None]) -> Holder | None:
        """The resource of this update that holds or declares the binding of any of ``numbers`` (its
        PN SID and E.164 form) on ``trunk_sid``, if one does: a delete must then leave it bound."""
        with self._lock:
            for number in numbers:
                if not number:
                    continue
                found = self._held.get((trunk_sid, number)) or self._declared.get((trunk_sid, number))
                if found is not None:
                    return found
        return None

    def held_on(self, trunk_sid: str) -> set[str]:
        """The PN SIDs that resources of this update hold on ``trunk_sid``."""
        with self._lock:
            return {number for trunk, number in self._held if trunk == trunk_sid}

    def declared_elsewhere(self, trunk_sid: str, numbers: Iterable[str | None]) -> Holder | None:
        """A resource of this update that declares or holds one of ``numbers`` on a trunk other than
        ``trunk_sid`` (a number can be on one trunk only)."""
        wanted = {n for n in numbers if n}
        with self._lock:
            for (trunk, number), holder in (*self._held.items(), *self._declared.items()):
                if trunk != trunk_sid and number in wanted:
                    return holder
        return None

    # claims

    @contextmanager
    def claiming(self, trunk_sid: str, name: str) -> Iterator[Claims]:
        """Claims for one create of resource ``name`` on ``trunk_sid``; released if the create fails."""
        claims = Claims(self, trunk_sid, name)
        try:
            yield claims
        except BaseException:
            with self._lock:
                for number_sid in claims.taken:
                    self._claims.pop(number_sid, None)
            raise

    def _claim(self, number_sid: str, claimant: Holder, label: str) -> None:
        with self._lock:
            other = self._claims.get(number_sid)
            if other is None:
                held = [h for (t, n), h in self._held.items() if n == number_sid]
                other = held[0] if held else None
            if other is not None and other is not claimant:  # each create claims with a Holder of its own
                where = (
                    "the same trunk" if other.trunk_sid == claimant.trunk_sid else f"trunk {other.trunk_sid}"
                )
                taker = claimant if claimant.name else "this resource"
                raise BindingError(
                    f"phone number {label} is already taken by {other} of this stack (on {where}), so "
                    f"{taker} cannot take it: a number has one owner and is on one trunk only; remove one "
                    "of the two declarations"
                )
            self._claims[number_sid] = claimant

    def release(self, number_sid: str) -> None:
        with self._lock:
            self._claims.pop(number_sid, None)

    # trunk moves of replacements

    def remember_move(self, key: tuple[str, str], from_trunk: str) -> None:
        with self._lock:
            self._moves[key] = from_trunk

    def move_from(self, key: tuple[str, str] | None) -> str | None:
        with self._lock:
            return self._moves.get(key) if key is not None else None

    # exclusive trunks

    def found_strays(self, trunk_sid: str, number_sids: Iterable[str]) -> None:
        """Strays that this command saw for the first time: they are recorded, never acted on, now."""
        with self._lock:
            self._strays_found.setdefault(trunk_sid, set()).update(number_sids)

    def strays_found_now(self, trunk_sid: str) -> set[str]:
        with self._lock:
            return set(self._strays_found.get(trunk_sid, ()))

    # warnings

    def first_time(self, warning: str) -> bool:
        """True once per ``warning`` key: a warning is shown once per command, not per resource."""
        with self._lock:
            if warning in self._warned:
                return False
            self._warned.add(warning)
            return True


class Claims:
    """The numbers one create has claimed (``claim(pn, label)`` raises when another resource holds it)."""

    def __init__(self, memory: UpdateMemory, trunk_sid: str, name: str) -> None:
        self._memory = memory
        self._claimant = Holder(name, trunk_sid)
        self.taken: list[str] = []

    def __call__(self, number_sid: str, label: str) -> None:
        self._memory._claim(number_sid, self._claimant, label)
        self.taken.append(number_sid)
