"""The gRPC side of the plugin: the SDK's servicer, with the provider's errors sent as one line.

The SDK's servicer turns any exception into "Unexpected <class 'Exception'>: message:" followed by a
stack listing. A provider error (``ProviderError``: a setting to fix, a binding refused) is instead
ended with ``context.abort``, so the engine shows exactly its message; the request's context reaches
the provider through a context variable set per call.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from contextvars import ContextVar
from typing import Any

import grpc
import grpc.aio
from pulumi.provider.experimental.provider import Provider
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2_grpc

REQUEST_CONTEXT: ContextVar[grpc.aio.ServicerContext[Any, Any] | None] = ContextVar("request", default=None)

_GUARDED = ("Configure", "CheckConfig", "Check", "Diff", "Create", "Read", "Update", "Delete")


async def abort_with(message: str) -> None:
    """End the current call with ``message`` as its error, if there is a call (tests call directly)."""
    context = REQUEST_CONTEXT.get()
    if context is not None:
        await context.abort(grpc.StatusCode.UNKNOWN, message)


def _guarded(name: str) -> Any:
    served = getattr(ProviderServicer, name)

    async def serve(self: ProviderServicer, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        REQUEST_CONTEXT.set(context)
        return await served(self, request, context)

    serve.__name__ = name
    return serve


TrunkingServicer = type("TrunkingServicer", (ProviderServicer,), {name: _guarded(name) for name in _GUARDED})


def serve(engine_address: str, version: str, provider: Provider) -> None:
    """Serve ``provider`` until the engine goes away; the first line on stdout is the port."""

    async def run() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        servicer = TrunkingServicer(sys.argv[1:], version, provider, engine_address=engine_address)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        sys.stdout.buffer.write(f"{port}\n".encode())
        sys.stdout.buffer.flush()
        await server.wait_for_termination()

    with contextlib.suppress(KeyboardInterrupt):  # the engine ends the plugin with SIGINT
        asyncio.run(run())
