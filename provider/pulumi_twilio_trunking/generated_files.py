"""The one writer of generated files (the discovered project, the policy pack), and its ownership rule.

A directory it writes holds a manifest, ``.twilio-trunking-manifest.json``: the generator's name and
the SHA-256 of each file it wrote. One rule decides what is ours: a file the manifest lists with the
digest it still has. Ours is rewritten when its content changes and removed when the new set no
longer has it; a file that is not ours is never touched (writing over it is refused, and a listed
file edited since is left where it is). A directory the generator owns whole (a private cache) makes
every name of the set ours.

Every file operation is relative to an open directory: a temporary file is created with
``O_EXCL | O_NOFOLLOW`` under a random name, filled, given its mode, then renamed over the target
(rename replaces a link, never follows it). A target that is a symbolic link or not a regular file
is refused. A rewritten file keeps the mode it had; a new one gets 0644 (0755 for a script).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

MANIFEST: Final = ".twilio-trunking-manifest.json"
_FILE_MODE: Final = 0o644
_SCRIPT_MODE: Final = 0o755
_MAX_READ: Final = 16 * 1024 * 1024


class GeneratedFilesError(Exception):
    """The files cannot be written where asked; nothing was written."""


@dataclass(frozen=True)
class GeneratedFiles:
    """File name -> text, and which of them are executable scripts."""

    files: Mapping[str, str]
    executable: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class WriteResult:
    """What a write changed, by file name."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # Files an earlier run wrote that the new set no longer has, but that were edited since: left alone.
    left: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[str]:
        return sorted(self.written + self.removed)


def digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@contextlib.contextmanager
def open_directory(path: Path, *, create: bool) -> Iterator[int]:
    """A file descriptor of the directory ``path`` (created with its parents when ``create``).

    ``path`` itself must not be a symbolic link (one planted where the directory is expected would
    send the files elsewhere); give the directory it points to instead.
    """
    if path.is_symlink():
        raise GeneratedFilesError(f"{path} is a symbolic link; give the directory it points to")
    if create:
        path.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except (NotADirectoryError, FileExistsError):
        raise GeneratedFilesError(f"{path} exists and is not a directory") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise GeneratedFilesError(f"{path} is a symbolic link; give the directory it points to") from None
        raise
    try:
        yield fd
    finally:
        os.close(fd)


def read_file(dir_fd: int, name: str, where: Path) -> str | None:
    """The text of ``name`` in the directory, None when absent; refuses a link or a non-regular file."""
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise GeneratedFilesError(f"{where / name} is a symbolic link; leaving it alone")
    if not stat.S_ISREG(info.st_mode):
        raise GeneratedFilesError(f"{where / name} exists and is not a regular file; leaving it alone")
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dir_fd)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(_MAX_READ + 1)
    if len(data) > _MAX_READ:
        raise GeneratedFilesError(f"{where / name} is larger than any file this command writes")
    return data.decode("utf-8", errors="replace")


def _mode_of(dir_fd: int, name: str) -> int | None:
    try:
        return stat.S_IMODE(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except FileNotFoundError:
        return None


def _replace(dir_fd: int, name: str, text: str, mode: int) -> None:
    """Write ``text`` to ``name`` through a fresh temporary file in the same directory."""
    temporary = f".{name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=dir_fd)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fchmod(handle.fileno(), mode)
        os.replace(temporary, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary, dir_fd=dir_fd)
        raise


def _read_manifest(dir_fd: int, where: Path, generator: str) -> dict[str, str]:
    text = read_file(dir_fd, MANIFEST, where)
    if text is None:
        return {}
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        document = None
    if not isinstance(document, dict) or not isinstance(document.get("files"), dict):
        raise GeneratedFilesError(f"{where / MANIFEST} is not a manifest this command can read; remove it")
    if document.get("generated_by") != generator:
        raise GeneratedFilesError(
            f"{where} holds files generated by `{document.get('generated_by')}`, not `{generator}`; "
            "choose another directory"
        )
    return {str(k): str(v) for k, v in document["files"].items()}


def _manifest_text(generator: str, files: Mapping[str, str]) -> str:
    document = {"generated_by": generator, "files": {name: digest(files[name]) for name in sorted(files)}}
    return json.dumps(document, indent=2) + "\n"


def _check_name(name: str) -> None:
    if not name or name in (".", "..", MANIFEST) or "/" in name or "\0" in name:
        raise ValueError(f"not a plain file name: {name!r}")


def _check_no_strangers(dir_fd: int, where: Path, generated: GeneratedFiles) -> None:
    # In a directory that is ours whole, only our files belong; a module planted next to a generated
    # __main__.py would shadow what it imports. Dot names (the manifest, temporaries) import nothing,
    # and Python writes __pycache__ when it runs the files.
    expected = {*generated.files, "__pycache__"}
    strangers = sorted(n for n in os.listdir(dir_fd) if n not in expected and not n.startswith("."))
    if strangers:
        raise GeneratedFilesError(
            f"{where} holds {', '.join(strangers)}, which this command did not write; "
            f"remove {where} and rerun"
        )


def write_generated(
    dir_fd: int,
    where: Path,
    generated: GeneratedFiles,
    *,
    generator: str,
    owns_directory: bool = False,
) -> WriteResult:
    """Write ``generated`` into the open directory ``dir_fd`` (``where`` names it in messages).

    Checks every file before writing any: when one is refused, nothing is written.
    """
    for name in generated.files:
        _check_name(name)
    if owns_directory:
        _check_no_strangers(dir_fd, where, generated)
    manifest = _read_manifest(dir_fd, where, generator)
    current = {name: read_file(dir_fd, name, where) for name in generated.files}
    for name, text in current.items():
        ours = text is None or owns_directory or manifest.get(name) == digest(text)
        if not ours and text != generated.files[name]:
            raise GeneratedFilesError(
                f"{where / name} exists and was not written by `{generator}` (or was edited since); "
                "leaving it alone: move it away or choose another directory"
            )
    stale = {name: read_file(dir_fd, name, where) for name in manifest if name not in generated.files}

    result = WriteResult()
    for name, text in generated.files.items():
        if current[name] == text:
            continue
        mode = _mode_of(dir_fd, name)
        if mode is None:
            mode = _SCRIPT_MODE if name in generated.executable else _FILE_MODE
        _replace(dir_fd, name, text, mode)
        result.written.append(name)
    for name, text in stale.items():
        if text is None:
            continue
        if manifest[name] == digest(text):
            os.unlink(name, dir_fd=dir_fd)
            result.removed.append(name)
        else:
            result.left.append(name)
    manifest_text = _manifest_text(generator, generated.files)
    if read_file(dir_fd, MANIFEST, where) != manifest_text:
        _replace(dir_fd, MANIFEST, manifest_text, _mode_of(dir_fd, MANIFEST) or _FILE_MODE)
    return result
