"""Running the emulator: in a background thread, or as a ``twilio-trunking-emulator`` process.

In-process (tests)::

    with EmulatorServer() as server:
        server.control.create_number("+14155550100")
        httpx.get(f"{server.base_url}/v1/Trunks", auth=server.auth)

Subprocess (end-to-end tests, demos)::

    with run_emulator_process("--seed", "seed.json") as proc:
        print(proc.base_url)
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import IO, Any, Self

import uvicorn

from .app import create_app
from .auth import Credentials
from .constants import (
    API_SECRET_ENV,
    AUTH_TOKEN_ENV,
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    DEFAULT_BOUND_NUMBER_POLICY,
    DEFAULT_HOST,
    BoundNumberPolicy,
)
from .context import EmulatorContext, Settings
from .control import EmulatorControl
from .seed import load_seed_file, parse_seed
from .store import Store


@dataclass(frozen=True)
class EmulatorOptions:
    """What an emulator serves: its account, credentials, data and behaviour settings."""

    account_sid: str = DEFAULT_ACCOUNT_SID
    auth_token: str = field(default=DEFAULT_AUTH_TOKEN, repr=False)
    api_key: str | None = None
    api_secret: str | None = field(default=None, repr=False)
    db_path: str | os.PathLike[str] = ":memory:"
    seed: Mapping[str, Any] | str | os.PathLike[str] | None = None
    bound_number_policy: BoundNumberPolicy = DEFAULT_BOUND_NUMBER_POLICY
    max_concurrency: int = 0
    latency_ms: float = 0.0


def build_context(options: EmulatorOptions) -> EmulatorContext:
    """Open the store, apply the seed and gather the emulator's shared state."""
    document = None
    seed = options.seed
    if seed is not None:
        document = parse_seed(dict(seed)) if isinstance(seed, Mapping) else load_seed_file(seed)
    store = Store(os.fspath(options.db_path))
    try:
        if document is not None:
            store.apply_seed(document)
    except BaseException:
        store.close()
        raise
    settings = Settings(
        bound_number_policy=options.bound_number_policy,
        max_concurrency=options.max_concurrency,
        latency_ms=options.latency_ms,
    )
    credentials = Credentials(options.account_sid, options.auth_token, options.api_key, options.api_secret)
    return EmulatorContext(store, credentials, settings)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 picks a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto says TCP, and without it every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(512)
    except BaseException:
        sock.close()
        raise
    return sock


def base_url_for(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket (wildcard addresses become loopback)."""
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", ""):  # noqa: S104 - mapping the wildcard to a usable address
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def make_uvicorn_server(ctx: EmulatorContext, *, log_level: str = "warning") -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(ctx),
        log_level=log_level,
        access_log=False,
        lifespan="off",
        ws="none",
        loop="asyncio",
        http=ctx.connections.protocol_class(),
        timeout_keep_alive=5,
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(config)


class EmulatorServer:
    """The emulator on a free loopback port, served from a background thread."""

    def __init__(
        self,
        options: EmulatorOptions | None = None,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        log_level: str = "warning",
        startup_timeout: float = 10.0,
        **option_overrides: Any,
    ) -> None:
        """``options`` (or ``EmulatorOptions()``), with any field overridden by keyword."""
        self.options = replace(options or EmulatorOptions(), **option_overrides)
        self._host = host
        self._port = port
        self._log_level = log_level
        self._startup_timeout = startup_timeout
        self._context: EmulatorContext | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._control: EmulatorControl | None = None
        self._base_url: str | None = None
        self._socket: socket.socket | None = None

    # -------------------------------------------------------------- properties
    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the emulator is not running")
        return self._base_url

    @property
    def context(self) -> EmulatorContext:
        """Shared state (store, settings, faults, log) for direct inspection in tests."""
        if self._context is None:
            raise RuntimeError("the emulator is not running")
        return self._context

    @property
    def control(self) -> EmulatorControl:
        if self._control is None:
            self._control = EmulatorControl(self.base_url)
        return self._control

    @property
    def account_sid(self) -> str:
        return self.options.account_sid

    @property
    def auth(self) -> tuple[str, str]:
        """``(account_sid, auth_token)`` for HTTP Basic auth."""
        return (self.account_sid, self.options.auth_token)

    # -------------------------------------------------------------- lifecycle
    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("the emulator is already running")
        ctx = build_context(self.options)
        sock = bind_socket(self._host, self._port)
        server = make_uvicorn_server(ctx, log_level=self._log_level)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="twilio-emulator", daemon=True
        )
        self._context, self._server, self._thread = ctx, server, thread
        self._socket = sock
        self._base_url = base_url_for(sock)
        thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the emulator did not start")
            time.sleep(0.002)
        return self

    def stop(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._context is not None:
            self._context.store.close()
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self._server = self._thread = self._context = None
        self._base_url = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class EmulatorProcess:
    """A ``twilio-trunking-emulator`` child process (see :func:`run_emulator_process`)."""

    def __init__(self, process: subprocess.Popen[str], base_url: str, auth: tuple[str, str]):
        self.process = process
        self.base_url = base_url
        self.auth = auth
        self._control: EmulatorControl | None = None

    @property
    def control(self) -> EmulatorControl:
        if self._control is None:
            self._control = EmulatorControl(self.base_url)
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

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
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
    """Start the emulator CLI on a free port and wait for its base URL (first stdout line).

    Secrets go through the environment (``TWILIO_EMULATOR_AUTH_TOKEN``,
    ``TWILIO_EMULATOR_API_SECRET``), never the command line.  ``command`` replaces the
    default ``[sys.executable, "-m", "pulumi_twilio_trunking.emulator"]``, e.g. with
    ``["twilio-trunking-emulator"]``.
    """
    args = [*(command or [sys.executable, "-m", "pulumi_twilio_trunking.emulator"])]
    args += ["--port", "0", "--account-sid", account_sid]
    if api_key is not None:
        args += ["--api-key", api_key]
    if db_path is not None:
        args += ["--db", os.fspath(db_path)]
    if seed_path is not None:
        args += ["--seed", os.fspath(seed_path)]
    args += list(extra_args)
    child_env = dict(os.environ if env is None else env)
    child_env[AUTH_TOKEN_ENV] = auth_token
    if api_secret is not None:
        child_env[API_SECRET_ENV] = api_secret
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
    return EmulatorProcess(process, first, (account_sid, auth_token))
