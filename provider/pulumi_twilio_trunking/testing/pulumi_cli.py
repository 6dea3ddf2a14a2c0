"""Drive the real ``pulumi`` CLI with a private home, a local file backend and no network."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PASSPHRASE = "pulumi-twilio-trunking-local"  # noqa: S105 - local file backend only


class PulumiNotFound(RuntimeError):
    """No usable ``pulumi`` CLI: run ``make pulumi`` (or put one on PATH)."""


class PulumiCommandFailed(RuntimeError):
    def __init__(self, args: Sequence[str], result: subprocess.CompletedProcess[str]) -> None:
        self.result = result
        tail = ((result.stdout or "")[-4000:] + "\n" + (result.stderr or "")[-4000:]).strip()
        super().__init__(f"`pulumi {' '.join(args)}` exited {result.returncode}:\n{tail}")


def find_pulumi(venv_bin: Path | None = None) -> str:
    """The CLI to use: ``PULUMI_CLI`` if set, then the project's ``.venv/bin``, then PATH."""
    explicit = os.environ.get("PULUMI_CLI")
    candidates = [explicit] if explicit else []
    if venv_bin is not None:
        candidates.append(str(venv_bin / "pulumi"))
    candidates.append(shutil.which("pulumi") or "")
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise PulumiNotFound("no pulumi CLI found: run `make pulumi`, or set PULUMI_CLI, or put pulumi on PATH")


def write_python_project(project_dir: Path, name: str, program: str, virtualenv: Path) -> None:
    """A Python Pulumi project: ``Pulumi.yaml`` (pip toolchain on ``virtualenv``) and ``__main__.py``."""
    project_dir.mkdir(parents=True, exist_ok=True)
    (project_dir / "Pulumi.yaml").write_text(
        f"name: {name}\nruntime:\n  name: python\n"
        f"  options:\n    toolchain: pip\n    virtualenv: {virtualenv}\n"
    )
    (project_dir / "__main__.py").write_text(program)


@dataclass
class LocalPulumi:
    """One Pulumi project directory with an isolated home and a ``file://`` state backend."""

    project_dir: Path
    work_dir: Path
    pulumi: str
    passphrase: str = DEFAULT_PASSPHRASE
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def backend_url(self) -> str:
        # metadata=skip: no ``<blob>.attrs`` sidecar files. gocloud's fileblob rewrites those in place
        # (not through a temp file and a rename like the blobs), so a CLI killed while saving a
        # checkpoint can leave an empty ``<stack>.json.attrs``, and every later command then fails
        # with "failed to load checkpoint: EOF". The checkpoints themselves are written atomically.
        return f"file://{self.work_dir / 'state'}?metadata=skip"

    def env(self, overrides: Mapping[str, str | None] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        # Ambient Twilio credentials must never leak into a local run by accident.
        for name in list(env):
            if name.startswith("TWILIO_") or name.startswith("PULUMI_"):
                del env[name]
        bin_dir = str(Path(self.pulumi).parent)
        env.update(
            {
                "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
                "PULUMI_HOME": str(self.work_dir / "home"),
                "PULUMI_BACKEND_URL": self.backend_url,
                "PULUMI_CONFIG_PASSPHRASE": self.passphrase,
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "true",
                "PULUMI_SKIP_CONFIRMATIONS": "true",
                "PULUMI_ENABLE_LEGACY_DIFF": "false",
                "NO_COLOR": "1",
            }
        )
        env.update(self.extra_env)
        for key, value in (overrides or {}).items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def run(
        self,
        *args: str,
        check: bool = True,
        env: Mapping[str, str | None] | None = None,
        timeout: float = 900,
        capture: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi ARGS --non-interactive``; with ``capture=False`` the output goes to the terminal."""
        (self.work_dir / "state").mkdir(parents=True, exist_ok=True)
        result = subprocess.run(  # noqa: S603 - the CLI path is ours
            [self.pulumi, "--non-interactive", *args],
            cwd=self.project_dir,
            env=self.env(env),
            capture_output=capture,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise PulumiCommandFailed(args, result)
        return result

    def start(self, *args: str, env: Mapping[str, str | None] | None = None) -> subprocess.Popen[str]:
        """Start ``pulumi ARGS --non-interactive`` in the background, in a new session (for signal tests).

        stdout and stderr are merged into ``stdout``; the caller must ``communicate()`` or kill it.
        """
        (self.work_dir / "state").mkdir(parents=True, exist_ok=True)
        return subprocess.Popen(  # noqa: S603 - the CLI path is ours
            [self.pulumi, "--non-interactive", *args],
            cwd=self.project_dir,
            env=self.env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def select_stack(self, stack: str) -> None:
        self.run("stack", "select", "--create", stack)

    def set_config(self, key: str, value: str, *, secret: bool = False, path: bool = False) -> None:
        flags = (["--secret"] if secret else []) + (["--path", "--type", "string"] if path else [])
        self.run("config", "set", *flags, key, "--", value)

    def set_config_values(self, values: Mapping[str, str], *, secret: Collection[str] = ()) -> None:
        """Set several keys with one ``pulumi config set-all``; keys in ``secret`` are encrypted."""
        args: list[str] = []
        for key, value in values.items():
            args += ["--secret" if key in secret else "--plaintext", f"{key}={value}"]
        if args:
            self.run("config", "set-all", *args)

    def outputs(self) -> dict[str, Any]:
        result = self.run("stack", "output", "--json", "--show-secrets")
        outputs: dict[str, Any] = json.loads(result.stdout or "{}")
        return outputs

    def export_state(self, *, show_secrets: bool = False) -> dict[str, Any]:
        args = ["stack", "export"] + (["--show-secrets"] if show_secrets else [])
        state: dict[str, Any] = json.loads(self.run(*args).stdout)
        return state

    def resources(self, type_token: str) -> list[dict[str, Any]]:
        deployment = self.export_state()["deployment"]
        return [r for r in deployment.get("resources") or [] if r.get("type") == type_token]

    def pending_operations(self) -> list[dict[str, Any]]:
        """The ``pending_operations`` an interrupted update left in the state (empty when none)."""
        pending: list[dict[str, Any]] = self.export_state()["deployment"].get("pending_operations") or []
        return pending


def descendant_pids(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (Linux ``/proc``; empty elsewhere), children first.

    The engine starts its plugins (language host, dynamic provider) in process groups of their own,
    so signalling the CLI's group does not reach them: a test that SIGKILLs the CLI ends them by id.
    """
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found
