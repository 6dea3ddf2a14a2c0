"""A throwaway Pulumi project on the repo's .venv, pointed at an emulator (as tests/e2e does)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from pulumi_twilio_trunking.properties import PLUGIN_ASSOCIATION_TYPE, RESOURCE_TYPE
from pulumi_twilio_trunking.testing.pulumi_cli import (
    LocalPulumi,
    descendant_pids,
    find_pulumi,
    write_python_project,
)
from twilio_trunking_emulator import EmulatorProcess

from ._common import TOKEN, VENV

# The two front doors: the dynamic provider (``pulumi_twilio_trunking``) and the provider plugin
# (``pulumi-resource-twilio-trunking``, from a Python program through its typed SDK).
DOORS = ("dynamic", "plugin")

# Bindings declared in numbers.json (next to the program), so the program never changes.
PROGRAM = """\
import json
from pathlib import Path

import pulumi
from pulumi_twilio_trunking import TrunkPhoneNumberAssociation

declared = json.loads((Path(__file__).parent / "numbers.json").read_text())
# Either one trunk and E.164 numbers, or bindings: {"trunk_sid", "phone_number" | "phone_number_sid"}.
bindings = declared.get("bindings") or [
    {"trunk_sid": declared["trunk"], "phone_number": number} for number in declared["numbers"]
]
for index, binding in enumerate(bindings):
    TrunkPhoneNumberAssociation(f"n{index}", **binding)
pulumi.export("count", len(bindings))
"""

# The same program through the provider plugin's typed SDK.
PLUGIN_PROGRAM = PROGRAM.replace(
    "from pulumi_twilio_trunking import TrunkPhoneNumberAssociation",
    "from pulumi_twilio_trunking.plugin import TrunkPhoneNumberAssociation",
)

_SUMMARY_LINE = re.compile(
    r"^\s+(?:[-+~]+\s+)?(\d+) (created|updated|deleted|unchanged|replaced|failed|errored)\b", re.MULTILINE
)


def _provider_hwm_kib(pid: int) -> int:
    try:
        if b"pulumi.dynamic" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return 0
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def pulumi_version() -> str:
    try:
        path = find_pulumi(VENV / "bin")
        out = subprocess.run([path, "version"], capture_output=True, text=True, timeout=60, check=True)
    except Exception as exc:
        return f"unavailable ({type(exc).__name__})"
    return out.stdout.strip()


@dataclass
class Run:
    seconds: float
    stdout: str
    returncode: int

    def summary(self) -> dict[str, int]:
        """Counts from the engine's summary ('200 created', '3 failed', …)."""
        found: dict[str, int] = {}
        _, _, tail = self.stdout.rpartition("\nResources:\n")
        for count, what in _SUMMARY_LINE.findall(tail):
            found[what] = found.get(what, 0) + int(count)
        return found


class Project:
    """One project directory and stack with its own Pulumi home and file backend.

    ``door``: ``dynamic`` (the dynamic provider, stack config ``twilio:…``) or ``plugin`` (the provider
    plugin from this checkout's ``.venv/bin``, provider config ``twilio-trunking:…``).
    """

    def __init__(self, work_dir: Path, name: str, emulator: EmulatorProcess, door: str = "dynamic") -> None:
        if door not in DOORS:
            raise ValueError(f"door must be one of {', '.join(DOORS)}; got {door!r}")
        self.door = door
        self.dir = work_dir / name
        if self.dir.exists():
            shutil.rmtree(self.dir)
        project_dir = self.dir / "project"
        write_python_project(project_dir, name, PROGRAM if door == "dynamic" else PLUGIN_PROGRAM, VENV)
        namespace = "twilio"
        if door == "plugin":
            namespace = "twilio-trunking"
            with (project_dir / "Pulumi.yaml").open("a") as yaml:
                yaml.write(
                    f"plugins:\n  providers:\n    - name: twilio-trunking\n      path: {VENV / 'bin'}\n"
                )
        self.pulumi = LocalPulumi(project_dir, self.dir / "pulumi", find_pulumi(VENV / "bin"))
        self.emulator = emulator
        self.pulumi.select_stack("bench")
        self.pulumi.set_config(f"{namespace}:accountSid", emulator.auth[0])
        self.pulumi.set_config(f"{namespace}:authToken", TOKEN, secret=True)
        # Through the environment, as in tests/e2e: the emulator's port is not part of the stack config.
        self.pulumi.extra_env["TWILIO_API_BASE_URL"] = emulator.base_url

    def declare(self, trunk: str, numbers: list[str]) -> None:
        (self.pulumi.project_dir / "numbers.json").write_text(
            json.dumps({"trunk": trunk, "numbers": numbers})
        )

    def declare_bindings(self, bindings: list[dict[str, str]]) -> None:
        (self.pulumi.project_dir / "numbers.json").write_text(json.dumps({"bindings": bindings}))

    def run_watched(self, *args: str) -> tuple[Run, int]:
        """Run a command like :meth:`run` and poll the provider process's peak RSS (VmHWM, KiB).

        The dynamic provider (``python -m pulumi.dynamic``) is a descendant of the CLI; its
        ``/proc/<pid>/status`` VmHWM is the kernel's own high-water mark of its resident set, read
        every 50 ms until it exits, so the last reading is its peak.
        """
        started = time.perf_counter()
        process = self.pulumi.start(*args, "--yes", "--skip-preview")
        peak = [0]
        done = threading.Event()

        def poll() -> None:
            while not done.wait(0.05):
                for pid in descendant_pids(process.pid):
                    peak[0] = max(peak[0], _provider_hwm_kib(pid))

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        try:
            stdout, _ = process.communicate(timeout=1800)
        finally:
            done.set()
            poller.join()
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            raise RuntimeError(f"pulumi {' '.join(args)} failed ({process.returncode}):\n{stdout[-3000:]}")
        return Run(seconds, stdout or "", process.returncode), peak[0]

    def run(self, *args: str, check: bool = True) -> Run:
        started = time.perf_counter()
        result = self.pulumi.run(*args, "--yes", "--skip-preview", check=check)
        return Run(time.perf_counter() - started, result.stdout or "", result.returncode)

    def up(self, check: bool = True) -> Run:
        return self.run("up", check=check)

    def refresh(self) -> Run:
        return self.run("refresh")

    def destroy(self) -> Run:
        return self.run("destroy")

    def resource_count(self) -> int:
        return len(
            self.pulumi.resources(RESOURCE_TYPE if self.door == "dynamic" else PLUGIN_ASSOCIATION_TYPE)
        )

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
