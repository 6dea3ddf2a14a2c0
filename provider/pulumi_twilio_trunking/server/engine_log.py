"""The plugin's ``twilio-trunking:`` lines, sent to the engine's log so ``pulumi up`` shows them."""

from __future__ import annotations

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from ..reporting import Severity

_SEVERITY = {"info": engine_pb2.INFO, "warning": engine_pb2.WARNING}


class EngineLog:
    """A reporting sink: one ``Log`` call on the engine per line (thread-safe, like the gRPC stub)."""

    def __init__(self, engine_address: str) -> None:
        self._engine = engine_pb2_grpc.EngineStub(grpc.insecure_channel(engine_address))

    def __call__(self, line: str, severity: Severity) -> None:
        self._engine.Log(engine_pb2.LogRequest(severity=_SEVERITY[severity], message=line), timeout=10)
