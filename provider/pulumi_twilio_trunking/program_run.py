"""What one run of the user's program keeps (program side): the bindings it declares, warnings shown.

A run is told apart by its resource monitor, so a new run (another ``pulumi.runtime.set_mocks`` in a
unit test, say) starts afresh instead of seeing the last run's state.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pulumi
from pulumi.runtime.settings import get_monitor


@dataclass(frozen=True)
class Declaration:
    """A binding the program declares: its trunk input, its number's SID, and whether it is protected."""

    trunk_sid: pulumi.Input[str] | None
    phone_number_sid: pulumi.Output[str]
    protected: bool


@dataclass
class ProgramRun:
    monitor: object
    declarations: list[Declaration] = field(default_factory=list)
    _shown: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def first_time(self, key: str) -> bool:
        """True once per ``key`` and run: a warning is shown once per run, not once per resource."""
        with self._lock:
            if key in self._shown:
                return False
            self._shown.add(key)
            return True


_current: ProgramRun | None = None
_lock = threading.Lock()


def current_run() -> ProgramRun:
    global _current
    monitor = get_monitor()
    with _lock:
        if _current is None or _current.monitor is not monitor:
            _current = ProgramRun(monitor)
        return _current
