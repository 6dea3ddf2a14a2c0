"""Every command the README shows is run by a test, by ``make demo`` or by CI, as written.

Three ways a command counts as run:

* its README section is executed block by block by a test (``EXECUTED_SECTIONS``: the test reads
  the section out of README.md, so editing the README changes what runs);
* a test runs it through the real CLI: its arguments appear, in order, as the string literals of
  one ``run(...)``/``subprocess`` call in tests/ (or as a line of a script the tests run);
* it is one of the two set-up commands, which ``.ci/run`` runs (``make demo``, ``make test``).

The few commands that cannot run as written (placeholders for the reader's own values) are listed
in ``ILLUSTRATIVE`` with the test that runs their equivalent.
"""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

EXECUTED_SECTIONS = {
    "## Bring an existing account under a stack": "tests/e2e/test_discover.py",
    "## Policy as code": "tests/installed/test_installed_package.py",
    "## The Twilio API emulator": "tests/emulator/test_process.py",
}
RUN_BY_CI = {"make demo", "make test"}
ILLUSTRATIVE = {
    'pip install "pulumi-twilio-trunking[emulator,policy] @ git+<this repository>"': (
        "tests/installed installs the wheel built from this checkout the same way, by direct reference"
    ),
    "pulumi config set twilio:accountSid AC…": "placeholder; tests/e2e set real values this way",
    "pulumi config set --secret twilio:authToken …": "placeholder; tests/e2e/test_secrets.py",
    "pulumi up": "the credentials example ends with a plain up; every e2e test runs one",
}


def _sections() -> dict[str, str]:
    parts = re.split(r"^(## .+)$", README, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _commands(text: str) -> list[str]:
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def _string_runs() -> list[tuple[str, ...]]:
    """The string-literal arguments of every call in the tests, and every line of the CI scripts."""
    runs: list[tuple[str, ...]] = []
    for path in (ROOT / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                literals = [
                    a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
                ]
                if literals:
                    runs.append(tuple(literals))
    for script in (ROOT / "examples" / "ci" / "scripts").glob("*.sh"):
        runs += [
            tuple(shlex.split(line, comments=True))
            for line in script.read_text().splitlines()
            if line.strip()
        ]
    return runs


STRING_RUNS = _string_runs()


def _run_by_a_test(command: str) -> bool:
    env, _, rest = command.rpartition(" pulumi ") if command.startswith("TWILIO_") else ("", "", command)
    tokens = shlex.split(rest if env else command)
    if tokens and tokens[0] == "pulumi":
        tokens = tokens[1:]
    for run in STRING_RUNS:
        position = 0
        for token in run:
            if position < len(tokens) and token == tokens[position]:
                position += 1
        if position == len(tokens) and len(run) >= len(tokens):
            return True
    return False


SECTIONS = _sections()
ALL_COMMANDS = [(heading, command) for heading, text in SECTIONS.items() for command in _commands(text)]


def test_the_readme_has_exactly_the_two_set_up_commands_in_its_quick_start() -> None:
    assert _commands(SECTIONS["## Quick start"]) == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make demo" in ci and "make test" in ci


@pytest.mark.parametrize("heading", sorted(EXECUTED_SECTIONS))
def test_executed_sections_are_read_from_the_readme_by_their_test(heading: str) -> None:
    assert _commands(SECTIONS[heading]), f"{heading} shows no command"
    assert heading in (ROOT / EXECUTED_SECTIONS[heading]).read_text(encoding="utf-8")


@pytest.mark.parametrize(("heading", "command"), ALL_COMMANDS, ids=[c for _, c in ALL_COMMANDS])
def test_every_readme_command_is_run(heading: str, command: str) -> None:
    if heading in EXECUTED_SECTIONS or command in RUN_BY_CI or command in ILLUSTRATIVE:
        return
    assert _run_by_a_test(command), f"README command not run by any test: {command!r} ({heading})"


def test_illustrative_commands_are_still_in_the_readme() -> None:
    commands = {command for _, command in ALL_COMMANDS}
    assert set(ILLUSTRATIVE) <= commands
