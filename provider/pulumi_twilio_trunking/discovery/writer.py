"""Render and write the discovered project, in the program language asked for.

Python (:mod:`.python_program`): ``Pulumi.yaml``, ``__main__.py`` and ``bindings.json`` over the
dynamic resource. YAML (:mod:`.yaml_program`): one ``Pulumi.yaml`` over the provider plugin. Either
way, from Terraform state, also the handover script.

The output depends only on the bindings and the options (no timestamps, sorted entries, fixed
formatting), so a re-run over an unchanged account rewrites nothing and a changed one gives a
clean diff. The files are written by :mod:`..generated_files`: only files this command wrote (its
manifest says which) are ever rewritten or removed, so a re-run in the other language removes the
first one's files that it no longer writes.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from ..generated_files import GeneratedFiles, GeneratedFilesError, open_directory, write_generated
from .model import ProjectEntry
from .output import COMMAND, DEFAULT_SNAPSHOT_TTL, MARK, Language
from .python_program import python_project
from .yaml_program import yaml_project

HANDOVER_FILE: Final = "terraform-handover.sh"
# The project name when the --out folder's name has no character a project name may hold.
DEFAULT_PROJECT_NAME: Final = "twilio-bindings"
# Pulumi's rule for a project name: alphanumerics, '-', '_' and '.', at most 100 characters.
_PROJECT_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_NOT_PROJECT_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")


class DiscoveryOutputError(GeneratedFilesError):
    """The project cannot be written where asked."""


def is_project_name(name: str) -> bool:
    return bool(_PROJECT_NAME.fullmatch(name))


def project_name_for(out: Path) -> str:
    """A valid Pulumi project name from the folder's name, so two discovered projects differ."""
    name = _NOT_PROJECT_NAME_CHARS.sub("-", out.resolve().name).strip("-.")[:100].strip("-.")
    return name or DEFAULT_PROJECT_NAME


def handover_script(addresses: Sequence[str]) -> str:
    """``terraform state rm`` of each address: Terraform forgets the bindings; Twilio is not called."""
    lines = [
        "#!/bin/sh",
        f"{MARK} --from-terraform; rerun it rather than editing.",
        "# Hands the bindings over from Terraform to the Pulumi stack of this directory. Run it in the",
        "# Terraform working directory, after `pulumi up` of this project has adopted every binding.",
        "# `terraform state rm` only makes Terraform forget a resource: nothing is unbound in Twilio.",
        "# Then delete the matching resource blocks from the Terraform configuration.",
        "set -eu",
    ]
    lines += [f"terraform state rm {shlex.quote(address)}" for address in sorted(set(addresses))]
    return "\n".join(lines) + "\n"


def plugin_dir(virtualenv: Path) -> Path:
    """The folder of a virtualenv that holds its console scripts, the plugin's among them."""
    return virtualenv / ("Scripts" if os.name == "nt" else "bin")


def render_project(
    entries: Sequence[ProjectEntry],
    *,
    virtualenv: Path,
    project_name: str = DEFAULT_PROJECT_NAME,
    terraform_addresses: Sequence[str] | None = None,
    snapshot_ttl: int = DEFAULT_SNAPSHOT_TTL,
    language: Language = "python",
) -> GeneratedFiles:
    """The project's files; with ``terraform_addresses``, also the Terraform handover script.

    Raises :class:`.model.DiscoveredValueError` when the bindings cannot be declared in ``language``
    (the YAML program's plugin takes one trunk per number), and :class:`DiscoveryOutputError` when
    the virtualenv's path cannot be written into ``Pulumi.yaml``.
    """
    ordered = sorted(entries, key=lambda e: e.name)
    source = "account" if terraform_addresses is None else "terraform"
    if any(0xD800 <= ord(char) <= 0xDFFF for char in str(virtualenv)):
        raise DiscoveryOutputError(
            f"the virtualenv path {str(virtualenv)!r} is not valid UTF-8, so Pulumi.yaml cannot name it; "
            "pass --virtualenv with a path that is"
        )
    if language == "yaml":
        files = yaml_project(
            ordered,
            project_name=project_name,
            plugin_dir=plugin_dir(virtualenv),
            snapshot_ttl=snapshot_ttl,
            source=source,
        )
    else:
        files = python_project(
            ordered,
            project_name=project_name,
            virtualenv=virtualenv,
            snapshot_ttl=snapshot_ttl,
            source=source,
        )
    executable: frozenset[str] = frozenset()
    if terraform_addresses is not None:
        files[HANDOVER_FILE] = handover_script(terraform_addresses)
        executable = frozenset({HANDOVER_FILE})
    return GeneratedFiles(files, executable)


def write_project(out: Path, project: GeneratedFiles, *, force: bool = False) -> list[Path]:
    """Write the files into ``out``; returns the ones written or removed.

    ``out`` must be empty or missing unless ``force``; even then, only files this command wrote
    there are rewritten (or removed, when the new project no longer has them, such as the handover
    script of a project once written from Terraform state); every other file is left alone.
    """
    if out.is_dir() and not out.is_symlink() and any(out.iterdir()) and not force:
        raise DiscoveryOutputError(
            f"{out} is not empty; use --force to rewrite the files this command wrote there "
            "(other files are never touched), or choose another --out"
        )
    try:
        with open_directory(out, create=True) as dir_fd:
            result = write_generated(dir_fd, out, project, generator=COMMAND)
    except GeneratedFilesError as exc:
        raise DiscoveryOutputError(str(exc)) from None
    return [out / name for name in result.changed]
