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

import h11
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

    def protocol_class(self, request_timeout: float) -> type[asyncio.Protocol]:
        """An uvicorn HTTP protocol class (pass as ``uvicorn.Config(http=...)``).

        It also closes a connection that has not sent a whole request ``request_timeout`` seconds
        after connecting or after its request's first byte: uvicorn's own keep-alive timeout only
        starts once a response is sent, so an idle or slow client would hold the connection for ever.
        """
        registry = self

        class TrackingH11Protocol(H11Protocol):
            _deadline: asyncio.TimerHandle | None = None

            def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
                super().connection_made(transport)
                if self.client:
                    registry.register(_address(self.client), transport)
                self._arm()

            def data_received(self, data: bytes) -> None:
                super().data_received(data)
                if self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
                    if self._deadline is None:  # the first bytes of a request
                        self._arm()
                else:  # the whole request is in (or the connection is done)
                    self._disarm()

            def connection_lost(self, exc: Exception | None) -> None:
                self._disarm()
                if self.client:
                    registry.unregister(_address(self.client), self.transport)
                super().connection_lost(exc)

            def _arm(self) -> None:
                self._disarm()
                self._deadline = self.loop.call_later(request_timeout, self._too_slow)

            def _disarm(self) -> None:
                if self._deadline is not None:
                    self._deadline.cancel()
                    self._deadline = None

            def _too_slow(self) -> None:
                self._deadline = None
                if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
                    self.transport.close()

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
