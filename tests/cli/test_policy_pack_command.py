"""``twilio-trunking policy-pack`` and the pack it writes (no Pulumi CLI needed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pulumi_twilio_trunking.cli import main
from pulumi_twilio_trunking.cli import policy_pack as cli_policy_pack
from pulumi_twilio_trunking.generated_files import MANIFEST
from pulumi_twilio_trunking.policy import POLICY_NAMES

INSTALL_HINT = 'pip install "pulumi-twilio-trunking[policy]"'
# Runs before anything imports pulumi_policy, so every later import of it fails as if not installed.
WITHOUT_POLICY = "import sys; sys.modules['pulumi_policy'] = None; "


def python(code: str, *, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False, env=env
    )


def test_writes_a_pack_bound_to_this_virtualenv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pack"
    assert main(["policy-pack", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"{out}\n"
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "PulumiPolicy.yaml", "__main__.py"]
    project = yaml.safe_load((out / "PulumiPolicy.yaml").read_text())
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": str(Path(sys.prefix).absolute())},
    }
    assert project["version"] == "0.1.0"


def test_is_idempotent_and_prints_only_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert main(["policy-pack"]) == 0
    first = capsys.readouterr().out
    (line,) = first.splitlines()
    pack = Path(line)
    assert pack.is_absolute()
    assert pack.parent == tmp_path / "cache" / "pulumi-twilio-trunking" / "policy-packs"
    stamps = {p.name: p.stat().st_mtime_ns for p in pack.iterdir()}

    assert main(["policy-pack"]) == 0
    assert capsys.readouterr().out == first
    assert {p.name: p.stat().st_mtime_ns for p in pack.iterdir()} == stamps


def test_rewrites_its_own_stale_files_but_not_foreign_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack"
    current = cli_policy_pack.pack_files
    older = {name: f"{text}# from an older version\n" for name, text in current(Path(sys.prefix)).items()}
    monkeypatch.setattr(cli_policy_pack, "pack_files", lambda venv: older)
    assert main(["policy-pack", "--out", str(out)]) == 0
    monkeypatch.setattr(cli_policy_pack, "pack_files", current)
    assert main(["policy-pack", "--out", str(out)]) == 0
    assert "older version" not in (out / "__main__.py").read_text()

    (out / "PulumiPolicy.yaml").write_text("description: somebody else's pack\n")
    assert main(["policy-pack", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "was not written by `twilio-trunking policy-pack`" in captured.err
    assert (out / "PulumiPolicy.yaml").read_text() == "description: somebody else's pack\n"


def test_the_pack_serves_every_rule(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    assert main(["policy-pack", "--out", str(out)]) == 0
    code = (
        "import json, runpy, sys, pulumi_policy\n"
        "class Fake:\n"
        "    def __init__(self, name, policies, **kw):\n"
        "        print(json.dumps([name, [p.name for p in policies]]))\n"
        "pulumi_policy.PolicyPack = Fake\n"
        f"runpy.run_path({str(out)!r}, run_name='__main__')\n"
    )
    done = python(code)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["twilio-trunking", list(POLICY_NAMES)]


def assert_one_line_hint(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert INSTALL_HINT in line


def test_command_without_the_policy_extra(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    code = (
        WITHOUT_POLICY
        + "from pulumi_twilio_trunking.cli import main; "
        + f"sys.exit(main(['policy-pack', '--out', {str(out)!r}]))"
    )
    done = python(code)
    assert_one_line_hint(done)
    assert not out.exists()


def test_pack_run_without_the_policy_extra(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    assert main(["policy-pack", "--out", str(out)]) == 0
    # As the language host runs it: `python -u <pack dir> <engine address>`.
    done = python(
        WITHOUT_POLICY + f"import runpy; sys.argv = [{str(out)!r}, '127.0.0.1:1']; "
        f"runpy.run_path({str(out)!r}, run_name='__main__')"
    )
    assert_one_line_hint(done)


def test_importing_the_policy_module_without_the_extra_raises_an_import_error() -> None:
    code = (
        WITHOUT_POLICY
        + "from pulumi_twilio_trunking.extras import PolicyExtraMissing\n"
        + "try:\n"
        + "    import pulumi_twilio_trunking.policy\n"
        + "except ImportError as exc:\n"
        + "    print(type(exc) is PolicyExtraMissing, exc.name, str(exc), sep='\\n')\n"
    )
    done = python(code)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    is_policy_extra_missing, name, message = done.stdout.splitlines()
    assert (is_policy_extra_missing, name) == ("True", "pulumi_policy")
    assert message == (
        f"pulumi-policy is not installed in {sys.prefix}; install the policy extra: {INSTALL_HINT}"
    )


def test_parsing_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from pulumi_twilio_trunking.cli import build_parser\n"
        "build_parser().parse_args(['policy-pack'])\n"
        "print(sorted(m for m in ('pulumi', 'pulumi_policy', 'grpc', 'httpx') if m in sys.modules))\n"
    )
    done = python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_console_script_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_twilio_trunking.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    assert "policy-pack" in done.stdout
