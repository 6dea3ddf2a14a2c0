"""Dropping a connection without sending a response (``drop``/``drop_after`` faults).

ASGI gives an application no handle on its connection, so the emulator runs uvicorn with
a small subclass of its h11 protocol that records each connection's transport under the
client address (which ASGI exposes as ``scope["client"]``).  Dropping then aborts that
transport: the client sees the connection close with no status line at all.

Served by another server (no registered transport), the fallback starts a response it
never finishes; the server then has to close the connection mid-response.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from starlette.types import Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

ClientAddress = tuple[str, int]


class ConnectionRegistry:
    """Transports of the open connections, keyed by client address."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._transports: dict[ClientAddress, asyncio.BaseTransport] = {}

    def register(self, client: ClientAddress, transport: asyncio.BaseTransport) -> None:
        with self._lock:
            self._transports[client] = transport

    def unregister(self, client: ClientAddress, transport: asyncio.BaseTransport) -> None:
        with self._lock:
            if self._transports.get(client) is transport:
                del self._transports[client]

    def abort(self, client: ClientAddress) -> bool:
        with self._lock:
            transport = self._transports.pop(client, None)
        if transport is None:
            return False
        if isinstance(transport, asyncio.Transport):
            transport.abort()
        else:
            transport.close()
        return True

    def protocol_class(self) -> type[asyncio.Protocol]:
        """An uvicorn HTTP protocol class (pass as ``uvicorn.Config(http=...)``)."""
        registry = self

        class TrackingH11Protocol(H11Protocol):
            def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
                super().connection_made(transport)
                if self.client:
                    registry.register(_address(self.client), transport)

            def connection_lost(self, exc: Exception | None) -> None:
                if self.client:
                    registry.unregister(_address(self.client), self.transport)
                super().connection_lost(exc)

        return TrackingH11Protocol


def _address(client: Any) -> ClientAddress:
    return (str(client[0]), int(client[1]))


async def drop_connection(scope: Scope, send: Send, registry: ConnectionRegistry) -> None:
    """Close the request's connection without a (complete) response."""
    client = scope.get("client")
    if client is not None and registry.abort(_address(client)):
        # Let the protocol notice the loss before the ASGI call returns, so that the
        # server does not try to send its own "500 Internal Server Error".
        for _ in range(3):
            await asyncio.sleep(0)
        return
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [(b"content-length", b"1"), (b"connection", b"close")],
        }
    )
