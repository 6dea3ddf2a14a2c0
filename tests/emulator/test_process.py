"""Server lifecycles: --db persistence, the CLI as a subprocess, start-up checks."""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path

import httpx
import pytest

from twilio_trunking_emulator import EmulatorOptions, EmulatorServer, run_emulator_process
from twilio_trunking_emulator.cli import main

TK = "TK" + "a" * 32
PN = "PN" + "b" * 32
SEED = {
    "trunks": [{"sid": TK, "friendly_name": "main", "domain_name": "main.pstn.twilio.com"}],
    "phone_numbers": [
        {"sid": PN, "phone_number": "+14155550100", "trunk_sid": TK},
        {"phone_number": "+14155550101"},
    ],
}


def test_db_file_persists_across_restarts(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite"
    with EmulatorServer(EmulatorOptions(db_path=db)) as first:
        auth = first.auth
        trunk = httpx.post(f"{first.base_url}/v1/Trunks", auth=auth, data={"FriendlyName": "kept"})
        sid = trunk.json()["sid"]
    with EmulatorServer(EmulatorOptions(db_path=db)) as second:
        fetched = httpx.get(f"{second.base_url}/v1/Trunks/{sid}", auth=second.auth)
        assert fetched.status_code == 200
        assert fetched.json()["friendly_name"] == "kept"
        assert fetched.json()["url"].startswith(second.base_url)


def test_same_seed_on_every_start_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite"
    states = []
    for _ in range(2):
        with EmulatorServer(EmulatorOptions(db_path=db, seed=SEED)) as server:
            states.append(server.control.state())
    assert states[0] == states[1]
    assert len(states[0]["phone_numbers"]) == 2


def test_cli_subprocess_serves_and_stops_cleanly(tmp_path: Path) -> None:
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(SEED))
    db = tmp_path / "cli.sqlite"
    log = tmp_path / "stderr.log"
    secret = "cli-secret-token"
    with log.open("w") as stderr:
        started = time.perf_counter()
        proc = run_emulator_process(
            "--log-level",
            "debug",
            auth_token=secret,
            db_path=db,
            seed_path=seed_file,
            stderr=stderr,
        )
        startup = time.perf_counter() - started
        try:
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", proc.base_url)
            assert startup < 3.0
            response = httpx.get(f"{proc.base_url}/v1/Trunks/{TK}/PhoneNumbers", auth=proc.auth)
            assert response.status_code == 200
            assert [n["sid"] for n in response.json()["phone_numbers"]] == [PN]
            assert httpx.get(f"{proc.base_url}/v1/Trunks", auth=(proc.auth[0], "x")).status_code == 401
            assert proc.control.requests()["total"] == 2
        finally:
            code = proc.stop()
    assert code == 0
    assert secret not in log.read_text()

    # The same --db and --seed again: nothing duplicated.
    with run_emulator_process(db_path=db, seed_path=seed_file) as again:
        state = again.control.state()
        assert len(state["trunks"]) == 1
        assert len(state["phone_numbers"]) == 2


def test_cli_sigint_and_api_key(tmp_path: Path) -> None:
    key = "SK" + "7" * 32
    proc = run_emulator_process(api_key=key, api_secret="key-secret")
    try:
        path = f"{proc.base_url}/2010-04-01/Accounts/{proc.auth[0]}/IncomingPhoneNumbers.json"
        assert httpx.get(path, auth=(key, "key-secret")).status_code == 200
        assert httpx.get(path, auth=(key, "wrong")).status_code == 401
    finally:
        proc.process.send_signal(signal.SIGINT)
        assert proc.process.wait(10) == 0
        proc.stop()


@pytest.mark.parametrize(
    "argv",
    [
        ["--host", "0.0.0.0"],
        ["--account-sid", "AC123"],
        ["--api-key", "SK" + "1" * 32],
        ["--api-key", "nope", "--api-secret", "x"],
        ["--max-concurrency", "-1"],
        ["--bound-number-policy", "steal"],
    ],
)
def test_cli_rejects_bad_arguments(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as excinfo:
        main(argv)
    assert excinfo.value.code == 2
    assert capsys.readouterr().out == ""


def test_cli_reports_a_bad_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_file = tmp_path / "seed.json"
    seed_file.write_text('{"trunks": [{"sid": "TK1"}]}')
    assert main(["--seed", str(seed_file)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "trunks[0].sid" in captured.err


def test_cli_reports_a_seed_that_conflicts_with_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps({"phone_numbers": [{"phone_number": "+14155550100", "trunk_sid": TK}]}))
    assert main(["--seed", str(seed_file)]) == 2
    assert f"Trunk {TK} not found" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "missing-dir" / "x.sqlite")]) == 2


def test_cli_sigterm_right_after_start_is_clean() -> None:
    proc = run_emulator_process()
    proc.process.send_signal(signal.SIGTERM)
    assert proc.process.wait(10) == 0
    proc.stop()


def test_the_readme_command_starts_a_seeded_emulator(tmp_path: Path) -> None:
    """The README's emulator command, taken from README.md and run as written (from the checkout)."""
    import os
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    section = (root / "README.md").read_text(encoding="utf-8").split("## The Twilio API emulator", 1)[1]
    command = re.findall(r"```sh\n(.*?)\n", section)[0]
    assert command.startswith("twilio-trunking-emulator ")
    db_option = re.search(r"--db (\S+)", command)
    assert db_option is not None, command
    db = Path(db_option[1])
    existed = db.exists()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    assert shutil.which("twilio-trunking-emulator", path=env["PATH"])
    process = subprocess.Popen(
        ["bash", "-c", f"exec {command}"], cwd=root, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        seed = json.loads((root / "examples" / "emulator-seed.json").read_text())
        auth = (seed.get("account_sid") or "AC" + "0" * 32, "emulator-auth-token")
        trunks = httpx.get(f"{base_url}/v1/Trunks", auth=auth, timeout=10).json()["trunks"]
        assert {t["sid"] for t in trunks} == {t["sid"] for t in seed["trunks"]}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        if not existed:
            db.unlink(missing_ok=True)
