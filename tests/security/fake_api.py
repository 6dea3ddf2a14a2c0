"""A stand-in HTTP server for what a hostile or broken API could answer, with a log of what it got.

``FakeApi(answer)`` serves ``answer(path_and_query) -> (status, JSON body)`` on a free loopback port
from a background thread and records every request (method, path, whether it carried credentials),
so a test can prove a server was never contacted.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

Answer = Callable[[str], tuple[int, dict[str, Any]]]


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    authorization: str | None


def not_found(_path: str) -> tuple[int, dict[str, Any]]:
    return 404, {"code": 20404, "message": "not found", "status": 404}


class FakeApi:
    """An HTTP server on 127.0.0.1 answering JSON; ``received`` lists what reached it (any method)."""

    def __init__(self, answer: Answer = not_found) -> None:
        self.answer = answer
        self.received: list[Received] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with fake._lock:
                    fake.received.append(Received(self.command, self.path, self.headers.get("Authorization")))
                status, body = fake.answer(self.path)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_DELETE = do_CONNECT = do_GET  # a proxy sees CONNECT for an https:// URL

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class ConnectionCounter:
    """A TCP listener on 127.0.0.1 that accepts and closes connections, counting them (TLS or not)."""

    def __init__(self) -> None:
        self.connections = 0
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()
