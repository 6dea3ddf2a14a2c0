"""``discover`` and ``policy-pack`` write only their own files, only inside their directory.

A local user who can write the parent or the output directory (a shared /tmp, a shared cache) must
not make these commands overwrite or re-mode another file through a planted symbolic link, nor have
the policy pack run code they planted. Every case goes through the command line (``cli.main``, in
process, so a temporary name built from the process id is predictable here as it is to an attacker).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from pulumi_twilio_trunking.cli import main
from tests.discovery.terraform_fixtures import PN_1, PN_2, TRUNK_A, twilio_binding

SECRET_TEXT = "do not touch\n"


def terraform_state(tmp_path: Path, *numbers: str) -> Path:
    resources = [
        twilio_binding(f"twilio_trunking_trunks_phone_numbers_v1.n{i}", f"n{i}", TRUNK_A, pn)
        for i, pn in enumerate(numbers)
    ]
    state = tmp_path / "state.json"
    document = {"format_version": "1.0", "values": {"root_module": {"resources": resources}}}
    state.write_text(json.dumps(document))
    return state


def discover(tmp_path: Path, out: Path, *numbers: str) -> int:
    state = terraform_state(tmp_path, *(numbers or (PN_1,)))
    return main(["discover", "--from-terraform", str(state), "--out", str(out), "--force"])


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside every output directory, readable only by its owner."""
    path = tmp_path / "victim.txt"
    path.write_text(SECRET_TEXT)
    path.chmod(0o600)
    return path


def assert_untouched(victim: Path) -> None:
    assert victim.read_text() == SECRET_TEXT
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600


def plant_temporaries(directory: Path, names: list[str], target: Path) -> None:
    """Symbolic links where the writers used to put their temporary files (``.NAME.PID.tmp``)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        (directory / f".{name}.{os.getpid()}.tmp").symlink_to(target)


def test_discover_never_writes_through_a_planted_temporary(tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "out"
    plant_temporaries(out, ["Pulumi.yaml", "__main__.py", "bindings.json", "terraform-handover.sh"], victim)
    assert discover(tmp_path, out) == 0
    assert_untouched(victim)
    assert "twilio-trunking discover" in (out / "Pulumi.yaml").read_text()
    assert not (out / "Pulumi.yaml").is_symlink()


def test_policy_pack_never_writes_through_a_planted_temporary(tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "pack"
    plant_temporaries(out, ["PulumiPolicy.yaml", "__main__.py"], victim)
    assert main(["policy-pack", "--out", str(out)]) == 0
    assert_untouched(victim)
    assert not (out / "__main__.py").is_symlink()


@pytest.mark.parametrize("name", ["Pulumi.yaml", "bindings.json"])
def test_discover_refuses_a_target_that_is_a_symbolic_link(
    tmp_path: Path, victim: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert discover(tmp_path, out) == 0
    (out / name).unlink()
    (out / name).symlink_to(victim)
    assert discover(tmp_path, out, PN_1, PN_2) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert_untouched(victim)


def test_policy_pack_refuses_a_target_that_is_a_symbolic_link(
    tmp_path: Path, victim: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    (out / "__main__.py").symlink_to(victim)
    assert main(["policy-pack", "--out", str(out)]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert_untouched(victim)
    assert (out / "__main__.py").is_symlink()


def test_a_rewritten_file_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert discover(tmp_path, out) == 0
    for name in ("bindings.json", "terraform-handover.sh"):
        (out / name).chmod(0o600)
    assert discover(tmp_path, out, PN_1, PN_2) == 0  # new content for both
    assert PN_2 in (out / "bindings.json").read_text()
    assert stat.S_IMODE((out / "bindings.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((out / "terraform-handover.sh").stat().st_mode) == 0o600


def test_a_new_handover_script_is_executable(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert discover(tmp_path, out) == 0
    assert stat.S_IMODE((out / "terraform-handover.sh").stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "bindings.json").stat().st_mode) == 0o644


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(root))
    return root


def policy_pack(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["policy-pack"])
    captured = capsys.readouterr()
    return code, captured.out.strip(), captured.err.strip()


def test_the_pack_cache_is_private(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, printed, _ = policy_pack(capsys)
    assert code == 0
    pack = Path(printed)
    for directory in (cache / "pulumi-twilio-trunking", pack.parent, pack):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory


def test_a_pack_cache_made_open_by_an_older_version_is_made_private(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = Path(policy_pack(capsys)[1])
    for directory in (cache / "pulumi-twilio-trunking", pack.parent, pack):
        directory.chmod(0o755)
    assert policy_pack(capsys)[0] == 0
    assert stat.S_IMODE(pack.stat().st_mode) == 0o700


def test_a_symlinked_cache_folder_is_refused(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "attacker"
    elsewhere.mkdir()
    cache.mkdir()
    (cache / "pulumi-twilio-trunking").symlink_to(elsewhere)
    code, printed, error = policy_pack(capsys)
    assert code == 2 and printed == ""
    assert "symbolic link" in error and "pulumi-twilio-trunking" in error
    assert list(elsewhere.iterdir()) == []


def test_a_cache_folder_others_can_write_is_refused(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cache / "pulumi-twilio-trunking").mkdir(parents=True)
    (cache / "pulumi-twilio-trunking").chmod(0o777)
    code, _, error = policy_pack(capsys)
    assert code == 2
    assert "writable by others" in error


def test_a_cache_folder_owned_by_someone_else_is_refused(
    cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert policy_pack(capsys)[0] == 0
    # As another user would see the folders this one made (only root could give them away for real).
    monkeypatch.setattr(os, "geteuid", lambda: os.getuid() + 1)
    code, printed, error = policy_pack(capsys)
    assert code == 2 and printed == ""
    assert "pulumi-twilio-trunking is owned by uid" in error


def test_files_planted_in_the_pack_cache_are_never_trusted(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = Path(policy_pack(capsys)[1])
    (pack / "__main__.py").write_text("import os; os.system('id')\n")  # tampered
    assert policy_pack(capsys)[0] == 0
    assert "serve()" in (pack / "__main__.py").read_text()
    # A module next to __main__.py would shadow the package when the pack runs.
    (pack / "pulumi_twilio_trunking.py").write_text("raise SystemExit('planted')\n")
    code, printed, error = policy_pack(capsys)
    assert code == 2 and printed == ""
    assert "pulumi_twilio_trunking.py" in error


@pytest.mark.parametrize("command", ["discover", "policy-pack"])
def test_an_output_folder_that_is_a_symbolic_link_is_refused(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.symlink_to(elsewhere)
    if command == "discover":
        assert discover(tmp_path, out) == 2
    else:
        assert main(["policy-pack", "--out", str(out)]) == 2
    assert f"{out} is a symbolic link" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []
