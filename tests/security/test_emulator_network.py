"""The emulator on a shared network: a control-plane token, a body limit, and no connection held open.

Each case starts the ``twilio-trunking-emulator`` console script as a user would and talks to it
over HTTP (or a raw socket, for a client that sends too slowly).
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from twilio_trunking_emulator import EmulatorOptions, EmulatorProcess
from twilio_trunking_emulator.constants import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN
from twilio_trunking_emulator.control import EmulatorControl, EmulatorControlError
from twilio_trunking_emulator.process import default_command

CONTROL_TOKEN = "control-0f6b3c9e4d2a8175"  # a test value
TOKEN_ENV = "TWILIO_EMULATOR_CONTROL_TOKEN"
CONTROL_ROUTES = [
    ("GET", "health"),
    ("GET", "requests"),
    ("DELETE", "requests"),
    ("GET", "faults"),
    ("DELETE", "faults"),
    ("GET", "settings"),
    ("POST", "reset"),
    ("GET", "state"),
]


def without_token_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != TOKEN_ENV}


def start(options: EmulatorOptions, tmp_path: Path, *args: str) -> EmulatorProcess:
    log = (tmp_path / "emulator.log").open("w")
    return EmulatorProcess.start(options, *args, env=without_token_env(), stderr=log)


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[EmulatorProcess]:
    """Listening on every interface, with a control token."""
    options = EmulatorOptions(host="0.0.0.0", allow_remote=True, control_token=CONTROL_TOKEN)
    process = start(options, tmp_path)
    yield process
    process.stop()


def test_listening_beyond_loopback_without_a_control_token_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        [*default_command(), "--host", "0.0.0.0", "--allow-remote", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env=without_token_env(),
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert TOKEN_ENV in result.stderr and "--host 0.0.0.0" in result.stderr


def test_the_token_is_never_a_command_line_flag() -> None:
    result = subprocess.run(
        [*default_command(), "--control-token", CONTROL_TOKEN, "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env=without_token_env(),
    )
    assert result.returncode == 2
    assert "unrecognized arguments: --control-token" in result.stderr


@pytest.mark.parametrize(("method", "route"), CONTROL_ROUTES)
def test_every_control_route_needs_the_token(remote: EmulatorProcess, method: str, route: str) -> None:
    url = f"{remote.base_url}/_emulator/{route}"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {CONTROL_TOKEN}"}):
        response = httpx.request(method, url, headers=headers, timeout=10)
        assert response.status_code == 401, (headers, response.text)
        assert TOKEN_ENV in response.json()["error"]
    allowed = httpx.request(method, url, headers={"Authorization": f"Bearer {CONTROL_TOKEN}"}, timeout=10)
    assert allowed.status_code < 300, allowed.text


def test_the_control_client_sends_the_token_and_the_process_never_shows_it(
    remote: EmulatorProcess, tmp_path: Path
) -> None:
    remote.control.create_number("+14155550100")
    assert len(remote.control.state()["phone_numbers"]) == 1
    with EmulatorControl(remote.base_url) as anonymous, pytest.raises(EmulatorControlError, match="401"):
        anonymous.reset()
    assert len(remote.control.state()["phone_numbers"]) == 1  # the refused reset changed nothing
    command_line = Path(f"/proc/{remote.process.pid}/cmdline").read_bytes()
    assert CONTROL_TOKEN.encode() not in command_line
    remote.stop()
    assert CONTROL_TOKEN not in (tmp_path / "emulator.log").read_text()


def test_the_twilio_api_keeps_its_own_auth(remote: EmulatorProcess) -> None:
    response = httpx.get(f"{remote.base_url}/v1/Trunks", auth=remote.auth, timeout=10)
    assert response.status_code == 200
    bearer = httpx.get(
        f"{remote.base_url}/v1/Trunks", headers={"Authorization": f"Bearer {CONTROL_TOKEN}"}, timeout=10
    )
    assert bearer.status_code == 401


@pytest.fixture
def local(tmp_path: Path) -> Iterator[EmulatorProcess]:
    process = start(EmulatorOptions(request_timeout=1.0), tmp_path)
    yield process
    process.stop()


@pytest.mark.parametrize(
    ("path", "limit"),
    [("/v1/Trunks", 64 * 1024), ("/_emulator/seed", 16 * 1024 * 1024)],
)
def test_a_body_over_the_limit_is_refused_before_it_is_read(
    local: EmulatorProcess, path: str, limit: int
) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", int(local.base_url.rsplit(":", 1)[1])), timeout=10) as conn:
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {limit + 1}\r\n\r\n".encode()
        )
        received = b""
        while chunk := conn.recv(4096):  # answered, and closed, without waiting for the body
            received += chunk
        answer = received.decode("latin-1")
    assert answer.startswith("HTTP/1.1 413 "), answer
    assert str(limit) in answer
    assert time.monotonic() - started < 5


def test_a_chunked_body_over_the_limit_is_cut_off(local: EmulatorProcess) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 65536

    response = httpx.post(
        f"{local.base_url}/_emulator/seed",
        content=chunks(),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 400  # under the limit: read whole, then refused as not JSON
    big = (b"x" * (1024 * 1024) for _ in range(20))
    response = httpx.post(f"{local.base_url}/_emulator/seed", content=big, timeout=30)
    assert response.status_code == 413


def test_a_body_within_the_limits_still_works(local: EmulatorProcess) -> None:
    numbers = [{"phone_number": f"+1415555{i:04d}"} for i in range(2000)]
    assert len(local.control.seed({"phone_numbers": numbers})["phone_numbers"]) == 2000


BASIC = base64.b64encode(f"{DEFAULT_ACCOUNT_SID}:{DEFAULT_AUTH_TOKEN}".encode()).decode()


@pytest.mark.parametrize(
    "sent",
    [
        b"",  # connects and sends nothing
        b"GET /v1/Trunks HTTP/1.1\r\nHost: x\r\n",  # headers never finished
        f"POST /v1/Trunks HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {BASIC}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nFriendlyName".encode(),
    ],
    ids=["idle", "slow-headers", "slow-body"],
)
def test_an_idle_or_slow_connection_is_closed(local: EmulatorProcess, sent: bytes) -> None:
    port = int(local.base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(sent)
        started = time.monotonic()
        data = b""
        while chunk := conn.recv(4096):  # until the server closes
            data += chunk
        assert time.monotonic() - started < 5  # request_timeout is 1 s here
    assert data == b""  # closed without an answer: no request was made
