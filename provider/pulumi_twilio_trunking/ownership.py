"""One owner per binding: what one provider process remembers of the update it serves.

The provider host runs one process per CLI command and unpickles one provider instance for all
resources, so an ``UpdateMemory`` on that instance lives exactly as long as the update:

* claims: the bindings a create of this update took, so two resources never both create or adopt
  the same (trunk, number), even with the opt-ins;
* still declared: ids of live resources whose diff found no replacement (the engine diffs every
  live resource before any delete runs), so deleting a twin never unbinds what another holds;
* moves: trunk changes check() saw with the old inputs (see ``remember_move``);
* warnings already shown.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from .errors import ProviderError
from .properties import binding_id

# The one-off recovery switch for after a hard kill: creates adopt bindings that already exist.
ADOPT_EXISTING_ENV: Final = "TWILIO_TRUNKING_ADOPT_EXISTING"
_TRUE = frozenset({"1", "true", "yes", "on"})


def adopt_existing_from_env() -> bool:
    return os.environ.get(ADOPT_EXISTING_ENV, "").strip().lower() in _TRUE


class UpdateMemory:
    """Thread-safe: the host calls the provider from up to four threads at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._claims: set[tuple[str, str]] = set()
        self._still_declared: set[str] = set()
        # (new trunk, declared number) -> old trunk. A trunk move cannot travel in the inputs: for a
        # replacement the engine calls check() a second time *without* the old inputs
        # (step_generator.go: "recompute the default values") and hands that result to create().
        self._moves: dict[tuple[str, str], str] = {}
        self._warned: set[str] = set()

    def remember_move(self, key: tuple[str, str], from_trunk: str) -> None:
        with self._lock:
            self._moves[key] = from_trunk

    def move_from(self, key: tuple[str, str] | None) -> str | None:
        with self._lock:
            return self._moves.get(key) if key is not None else None

    def still_declared(self, id_: str) -> None:
        with self._lock:
            self._still_declared.add(id_)

    def is_still_declared(self, id_: str) -> bool:
        with self._lock:
            return id_ in self._still_declared

    @contextmanager
    def claiming(self, trunk_sid: str) -> Iterator[_Claims]:
        """Claims for one create on ``trunk_sid``; released again if the create fails."""
        claims = _Claims(self, trunk_sid)
        try:
            yield claims
        except BaseException:
            with self._lock:
                self._claims.difference_update(claims.taken)
            raise

    def release(self, trunk_sid: str, number_sid: str) -> None:
        with self._lock:
            self._claims.discard((trunk_sid, number_sid))

    def first_time(self, warning: str) -> bool:
        """True once per ``warning`` key: a warning is shown once per command, not per resource."""
        with self._lock:
            if warning in self._warned:
                return False
            self._warned.add(warning)
            return True

    def _claim(self, key: tuple[str, str]) -> None:
        id_ = binding_id(*key)
        with self._lock:
            if key in self._claims:
                raise ProviderError(
                    f"binding {id_} is declared by two resources of this stack; only one may hold it: "
                    "remove one declaration (see the single-binding policy)"
                )
            if id_ in self._still_declared:
                raise ProviderError(
                    f"binding {id_} is already held by another resource of this stack; only one may hold "
                    "it: remove this declaration"
                )
            self._claims.add(key)


class _Claims:
    def __init__(self, memory: UpdateMemory, trunk_sid: str) -> None:
        self._memory = memory
        self._trunk_sid = trunk_sid
        self.taken: list[tuple[str, str]] = []

    def __call__(self, number_sid: str) -> None:
        key = (self._trunk_sid, number_sid)
        self._memory._claim(key)
        self.taken.append(key)
