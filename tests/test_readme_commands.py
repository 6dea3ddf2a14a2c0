"""Every command the README shows is run by a test, by ``make demo`` or by CI, as written.

Three ways a command counts as run:

* its README section is executed block by block by a test (``EXECUTED_SECTIONS``: the test reads
  the section out of README.md, so editing the README changes what runs);
* a test runs exactly that command line: one call in tests/ whose arguments are the command's
  words, all of them and nothing else, as string literals (the words after the program's name
  when the called function is named after the program: ``project.pulumi.run("up", "--yes")``
  runs ``pulumi up --yes``), with the command's ``NAME=value`` prefixes in its ``env=``; or a
  whole line of a CI script that the tests run (``examples/ci/scripts``);
* it is one of the two set-up commands, which ``.ci/run`` runs (``make demo``, ``make test``).

The few commands that cannot run as written (placeholders for the reader's own values) are listed
in ``ILLUSTRATIVE`` with the test that runs their equivalent.
"""

from __future__ import annotations

import ast
import importlib
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Packages whose string constants a test may use in a command's env= (imported to read them).
FIRST_PARTY = ("pulumi_twilio_trunking", "twilio_trunking_emulator")

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


@dataclass(frozen=True)
class Run:
    """A command line that a test executes, as its source spells it out."""

    words: tuple[str, ...]
    env: frozenset[tuple[str, str]]
    """The ``NAME=value`` pairs it runs with, as far as the source shows them."""
    runner: str | None
    """The function called (``project.pulumi.run``), or ``None`` for a line of a script."""
    where: str


def _split_env(words: list[str]) -> tuple[frozenset[tuple[str, str]], tuple[str, ...]]:
    """The ``NAME=value`` words in front of a command line, and the command's own words."""
    env = set()
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=\S*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env.add((name, value))
    return frozenset(env), tuple(words)


def _module_strings(tree: ast.Module) -> dict[str, str]:
    """Names a test module binds to strings: its own constants and those it imports from the project."""
    strings: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            if isinstance(node.value.value, str):
                strings.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in FIRST_PARTY:
            module = importlib.import_module(node.module or "")
            for alias in node.names:
                value = getattr(module, alias.name, None)
                if isinstance(value, str):
                    strings[alias.asname or alias.name] = value
    return strings


def _string(node: ast.expr | None, strings: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return strings.get(node.id)
    return None


def _call_run(node: ast.Call, strings: dict[str, str], where: str) -> Run | None:
    """The command line a call runs, when all of it is literal words; else ``None``.

    Either every positional argument is a string (``pulumi.run("up", "--yes")``) or the only one is
    a list of strings (``subprocess.run(["twilio-trunking", "discover"])``). ``env=`` counts when it
    is a dict display.
    """
    args: list[ast.expr] = node.args
    if len(args) == 1 and isinstance(args[0], ast.List | ast.Tuple):
        args = args[0].elts
    words = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if not words or len(words) != len(args):
        return None
    env: set[tuple[str, str]] = set()
    for keyword in node.keywords:
        if keyword.arg == "env" and isinstance(keyword.value, ast.Dict):
            for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                name, text = _string(key, strings), _string(value, strings)
                if name is not None and text is not None:
                    env.add((name, text))
    return Run(tuple(words), frozenset(env), ast.unparse(node.func), where)


def _runs() -> list[Run]:
    """Every literal command line of the tests, and every line of the CI scripts they run."""
    runs: list[Run] = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        strings = _module_strings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                run = _call_run(node, strings, f"{path.relative_to(ROOT)}:{node.lineno}")
                if run is not None:
                    runs.append(run)
    for script in sorted((ROOT / "examples" / "ci" / "scripts").glob("*.sh")):
        text = script.read_text(encoding="utf-8").replace("\\\n", " ")  # continued lines
        for number, line in enumerate(text.splitlines(), start=1):
            try:
                words = shlex.split(line, comments=True)
            except ValueError:  # not a whole command line (a quote opened on one line, closed later)
                continue
            if words:
                env, command = _split_env(words)
                runs.append(Run(command, env, None, f"{script.relative_to(ROOT)}:{number}"))
    return runs


RUNS = _runs()


def _runner_is_named_after(run: Run, program: str) -> bool:
    """``project.pulumi.run`` and ``user.pulumi`` are named after ``pulumi``; ``pulumi_bin`` is not."""
    name = re.escape(program.replace("-", "_"))
    return run.runner is not None and re.search(rf"(?<!\w){name}(?!\w)", run.runner) is not None


def _runs_of(command: str) -> list[Run]:
    """The runs of ``command`` as a whole: the same words, none missing and none added, and its env."""
    env, words = _split_env(shlex.split(command))
    return [
        run
        for run in RUNS
        if env <= run.env
        and (
            run.words == words
            or (bool(words) and _runner_is_named_after(run, words[0]) and run.words == words[1:])
        )
    ]


def _near_misses(command: str) -> list[str]:
    """Runs that hold every word of ``command`` in order among others (for the failure message)."""
    _, words = _split_env(shlex.split(command))
    near = []
    for run in RUNS:
        rest = iter(run.words)
        if all(word in rest for word in words[1:]):
            near.append(f"{run.where}: {' '.join(run.words)}")
    return near[:5]


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
    assert _runs_of(command), (
        f"README command not run as written by any test: {command!r} ({heading}); "
        f"runs of it with other words: {_near_misses(command)}"
    )


def test_illustrative_commands_are_still_in_the_readme() -> None:
    commands = {command for _, command in ALL_COMMANDS}
    assert set(ILLUSTRATIVE) <= commands


@pytest.mark.parametrize(
    ("command", "runs"),
    [
        ("pulumi up --yes", [Run(("up", "--yes"), frozenset(), "project.pulumi.run", "t")]),
        ("twilio-trunking discover", [Run(("twilio-trunking", "discover"), frozenset(), "run", "t")]),
        ("A=1 pulumi up", [Run(("up",), frozenset({("A", "1"), ("B", "2")}), "user.pulumi", "t")]),
    ],
)
def test_a_command_run_as_a_whole_counts(
    command: str, runs: list[Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(globals(), "RUNS", runs)
    assert _runs_of(command) == runs


@pytest.mark.parametrize(
    "run",
    [
        Run(("up", "--yes", "--skip-preview"), frozenset(), "project.pulumi.run", "extra word"),
        Run(("--yes",), frozenset(), "project.pulumi.run", "missing word"),
        Run(("--yes", "up"), frozenset(), "project.pulumi.run", "other order"),
        Run(("up", "--yes"), frozenset(), "helper", "function not named after the program"),
        Run(("up", "--yes"), frozenset(), "project.pulumi_bin", "pulumi only as part of a name"),
    ],
    ids=lambda run: run.where,
)
def test_a_command_with_other_words_does_not_count(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(globals(), "RUNS", [run])
    assert _runs_of("pulumi up --yes") == []


def test_the_env_of_a_command_is_part_of_it(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = Run(("up", "--yes"), frozenset(), "project.pulumi.run", "t")
    adopting = Run(("up", "--yes"), frozenset({("ADOPT", "true")}), "project.pulumi.run", "t")
    monkeypatch.setitem(globals(), "RUNS", [plain, adopting])
    assert _runs_of("ADOPT=true pulumi up --yes") == [adopting]
    assert _runs_of("ADOPT=false pulumi up --yes") == []
