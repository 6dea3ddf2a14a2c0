"""The emulator as a child process: the ``twilio-trunking-emulator`` console script, started
with flags generated from :class:`.EmulatorOptions`; its first stdout line is the base URL.

::

    with run_emulator_process(seed_path="seed.json") as proc:
        print(proc.base_url)
"""

from __future__ import annotations

import dataclasses
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from .constants import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN
from .control import EmulatorControl
from .lifecycle import ContextManaged
from .options import EmulatorOptions

SCRIPT = "twilio-trunking-emulator"


def default_command() -> list[str]:
    """The console script next to this interpreter, else ``python -m twilio_trunking_emulator``."""
    script = Path(sys.executable).with_name(SCRIPT)
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "twilio_trunking_emulator"]


class EmulatorProcess(ContextManaged):
    """A ``twilio-trunking-emulator`` child process."""

    def __init__(
        self,
        process: subprocess.Popen[str],
        base_url: str,
        auth: tuple[str, str],
        control_token: str | None = None,
    ):
        self.process = process
        self.base_url = base_url
        self.auth = auth
        self._control_token = control_token
        self._control: EmulatorControl | None = None

    @classmethod
    def start(
        cls,
        options: EmulatorOptions,
        *extra_args: str,
        command: Sequence[str] | None = None,
        env: Mapping[str, str] | None = None,
        stderr: int | IO[Any] | None = None,
        startup_timeout: float = 10.0,
    ) -> EmulatorProcess:
        """Start the CLI for ``options`` and wait for its base URL (first stdout line).

        Secrets go through the environment (``TWILIO_EMULATOR_AUTH_TOKEN``,
        ``TWILIO_EMULATOR_API_SECRET``, ``TWILIO_EMULATOR_CONTROL_TOKEN``), never the command line.
        """
        args = [*(command or default_command()), *options.to_args(), *extra_args]
        child_env = {**(os.environ if env is None else env), **options.to_env()}
        process = subprocess.Popen(  # noqa: S603 - fixed executable and arguments
            args, stdout=subprocess.PIPE, stderr=stderr, env=child_env, text=True
        )
        lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            first = lines.get(timeout=startup_timeout).strip()
        except queue.Empty:
            first = ""
        if not first.startswith("http"):
            process.kill()
            process.wait()
            raise RuntimeError(
                f"the emulator process did not print its base URL (exit code {process.returncode})"
            )
        return cls(process, first, (options.account_sid, options.auth_token), options.control_token)

    @property
    def control(self) -> EmulatorControl:
        if self._control is None:
            self._control = EmulatorControl(self.base_url, token=self._control_token)
        return self._control

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM the process (SIGKILL after ``timeout``); returns its exit code."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    def _exit(self) -> None:
        self.stop()


def run_emulator_process(
    *extra_args: str,
    account_sid: str = DEFAULT_ACCOUNT_SID,
    auth_token: str = DEFAULT_AUTH_TOKEN,
    api_key: str | None = None,
    api_secret: str | None = None,
    db_path: str | os.PathLike[str] | None = None,
    seed_path: str | os.PathLike[str] | None = None,
    command: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    stderr: int | IO[Any] | None = None,
    startup_timeout: float = 10.0,
) -> EmulatorProcess:
    """Keyword shorthand for :meth:`EmulatorProcess.start` (extra CLI flags go in ``extra_args``)."""
    options = EmulatorOptions(
        account_sid=account_sid,
        auth_token=auth_token,
        api_key=api_key,
        api_secret=api_secret,
        seed=seed_path,
    )
    if db_path is not None:
        options = dataclasses.replace(options, db_path=db_path)
    return EmulatorProcess.start(
        options, *extra_args, command=command, env=env, stderr=stderr, startup_timeout=startup_timeout
    )
