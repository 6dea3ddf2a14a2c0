"""The one runner: the emulator served by uvicorn from a background thread.

::

    with EmulatorServer(EmulatorOptions(latency_ms=5)) as server:
        server.control.create_number("+14155550100")
        httpx.get(f"{server.base_url}/v1/Trunks", auth=server.auth)

The CLI (:mod:`.cli`) serves the same app in the foreground; :mod:`.process` starts the CLI.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Mapping
from typing import Self

import uvicorn
from starlette.types import ASGIApp

from .app import create_app
from .backend.seed import load_seed_file, parse_seed
from .backend.store import Store
from .control import EmulatorControl
from .core.auth import Credentials
from .core.context import EmulatorContext, Settings
from .core.guards import BodyLimit, ControlPlaneGuard
from .lifecycle import ContextManaged
from .options import EmulatorOptions


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


def guarded_app(ctx: EmulatorContext, options: EmulatorOptions) -> ASGIApp:
    """The emulator app behind the body limit and, when a control token is set, the token check."""
    app = create_app(ctx)
    if options.control_token:
        app = ControlPlaneGuard(app, options.control_token)
    return BodyLimit(app)


def make_uvicorn_server(ctx: EmulatorContext, options: EmulatorOptions) -> uvicorn.Server:
    problem = options.network_problem()
    if problem:
        raise ValueError(problem)
    config = uvicorn.Config(
        guarded_app(ctx, options),
        log_level=options.log_level,
        access_log=False,
        lifespan="off",
        ws="none",
        loop="asyncio",
        http=ctx.connections.protocol_class(options.request_timeout),
        # An idle keep-alive connection is closed 5 s after its last response; one that is slow to
        # send a request, after request_timeout (see ConnectionRegistry.protocol_class).
        timeout_keep_alive=5,
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(config)


class EmulatorServer(ContextManaged):
    """The emulator on ``options.host:options.port`` (a free loopback port by default), served
    from a background thread."""

    def __init__(self, options: EmulatorOptions | None = None, *, startup_timeout: float = 10.0) -> None:
        self.options = options or EmulatorOptions()
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
            self._control = EmulatorControl(self.base_url, token=self.options.control_token)
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
        problem = self.options.network_problem()
        if problem:
            raise ValueError(problem)
        ctx = build_context(self.options)
        sock = bind_socket(self.options.host, self.options.port)
        server = make_uvicorn_server(ctx, self.options)
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

    def _enter(self) -> None:
        self.start()

    def _exit(self) -> None:
        self.stop()
