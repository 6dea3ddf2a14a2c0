"""Bulk seeding, SQL paging at scale, and the CLI's missing-extras guard."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

from twilio_trunking_emulator import EmulatorControl, EmulatorServer


def test_generate_and_page_50k(
    emulator_server: EmulatorServer, control: EmulatorControl, http: httpx.Client
) -> None:
    bound = [5000] + [2000] * 19
    started = time.perf_counter()
    result = control.generate(numbers=50_000, trunks=20, bound=bound)
    seeded = time.perf_counter() - started
    assert (result["phone_numbers"], result["bound"], len(result["trunks"])) == (50_000, 43_000, 20)
    big = result["trunks"][0]["sid"]
    root = f"/2010-04-01/Accounts/{emulator_server.account_sid}/IncomingPhoneNumbers.json"
    timings = {}
    for name, url in {
        "api2010": f"{root}?PageSize=1000",
        "api2010_filtered": f"{root}?PageSize=1000&PhoneNumber=%2B1200000",
        "trunk": f"/v1/Trunks/{big}/PhoneNumbers?PageSize=1000",
    }.items():
        started = time.perf_counter()
        page = http.get(url)
        timings[name] = time.perf_counter() - started
        assert page.status_code == 200, page.text
    nxt = http.get(f"/v1/Trunks/{big}/PhoneNumbers?PageSize=1000").json()["meta"]["next_page_url"]
    assert len(http.get(nxt).json()["phone_numbers"]) == 1000
    exact = http.get(f"{root}?PhoneNumber=%2B12000000042").json()["incoming_phone_numbers"]
    assert [n["phone_number"] for n in exact] == ["+12000000042"]
    print(f"seed 50k: {seeded:.2f}s; pages: {timings}")


def test_cli_without_extras_fails_with_one_line() -> None:
    code = (
        "import sys; sys.modules['uvicorn'] = None; "
        "from twilio_trunking_emulator.cli import main; raise SystemExit(main([]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert 'pip install "pulumi-twilio-trunking[emulator]"' in lines[0]


def test_package_import_is_light() -> None:
    code = (
        "import sys, twilio_trunking_emulator; "
        "assert 'starlette' not in sys.modules and 'uvicorn' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
