"""A directory only this user can write, under a cache root: created 0700, checked before each use.

Each level under the root is opened without following a symbolic link, must belong to this user and
must not be writable by anyone else (a level with only read or search bits open, as older versions
created it, is narrowed to 0700). Anything in it was then put there by this user.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from .generated_files import GeneratedFilesError

PRIVATE_MODE = 0o700


@contextlib.contextmanager
def private_directory(root: Path, levels: Sequence[str]) -> Iterator[int]:
    """A file descriptor of ``root/levels…``, each level private to this user (created as needed)."""
    root.mkdir(parents=True, exist_ok=True, mode=PRIVATE_MODE)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    where = root
    try:
        for level in levels:
            where = where / level
            with contextlib.suppress(FileExistsError):
                os.mkdir(level, PRIVATE_MODE, dir_fd=fd)
            try:
                child = os.open(level, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError:
                kind = "a symbolic link" if _is_link(fd, level) else "not a directory"
                raise GeneratedFilesError(f"{where} is {kind}; remove it and rerun") from None
            os.close(fd)
            fd = child
            _check_private(fd, where)
        yield fd
    finally:
        os.close(fd)


def _is_link(dir_fd: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _check_private(fd: int, where: Path) -> None:
    info = os.fstat(fd)
    if info.st_uid != os.geteuid():
        raise GeneratedFilesError(
            f"{where} is owned by uid {info.st_uid}, not by this user (uid {os.geteuid()}); remove it or "
            "set XDG_CACHE_HOME to a folder of your own"
        )
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o022:
        raise GeneratedFilesError(
            f"{where} is writable by others (mode {mode:04o}), so its contents cannot be trusted; "
            "remove it and rerun"
        )
    if mode != PRIVATE_MODE:
        os.fchmod(fd, PRIVATE_MODE)
