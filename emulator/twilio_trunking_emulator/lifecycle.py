"""``with`` support shared by the emulator's handles (:class:`.EmulatorControl`, :class:`.EmulatorServer`,
:class:`.EmulatorProcess`)."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class ContextManaged:
    """``with handle:`` runs :meth:`_enter` (nothing by default) and gives the handle itself;
    leaving the block, even by an exception, runs :meth:`_exit` (close or stop)."""

    def _enter(self) -> None:
        return None

    def _exit(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._enter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._exit()
