"""Fault injection, latency and the concurrency limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from twilio_trunking_emulator import EmulatorControl, EmulatorServer

ErrorCheck = Callable[[httpx.Response, int, int], dict[str, Any]]
CONNECTION_LOST = (httpx.RemoteProtocolError, httpx.ReadError)


def test_injected_429_with_retry_after(
    http: httpx.Client, control: EmulatorControl, twilio_error: ErrorCheck
) -> None:
    control.set_faults([{"kind": "status", "status": 429, "retry_after": 2, "count": 1}])
    limited = http.get("/v1/Trunks")
    body = twilio_error(limited, 429, 20429)
    assert body["message"] == "Too many requests"
    assert limited.headers["retry-after"] == "2"
    assert http.get("/v1/Trunks").status_code == 200


def test_injected_429_without_retry_after(
    http: httpx.Client, control: EmulatorControl, twilio_error: ErrorCheck
) -> None:
    control.set_faults([{"kind": "status", "status": 429}])
    response = http.get("/v1/Trunks")
    twilio_error(response, 429, 20429)
    assert "retry-after" not in response.headers


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [(500, 20500, "Internal Server Error"), (503, 20503, "Service Unavailable")],
)
def test_injected_server_errors(
    http: httpx.Client,
    control: EmulatorControl,
    twilio_error: ErrorCheck,
    status: int,
    code: int,
    message: str,
) -> None:
    control.set_faults([{"kind": "status", "status": status, "count": 1}])
    assert twilio_error(http.post("/v1/Trunks"), status, code)["message"] == message
    assert control.state()["trunks"] == []  # not processed


def test_status_fault_filters_by_method_and_path(
    http: httpx.Client, control: EmulatorControl, make_trunk: Callable[..., dict[str, Any]]
) -> None:
    tk = make_trunk()["sid"]
    control.set_faults([{"kind": "status", "status": 503, "method": "POST", "path_regex": r"/PhoneNumbers$"}])
    assert http.get(f"/v1/Trunks/{tk}/PhoneNumbers").status_code == 200
    assert http.post(f"/v1/Trunks/{tk}").status_code == 200
    assert http.post(f"/v1/Trunks/{tk}/PhoneNumbers").status_code == 503


def test_count_limited_fault(http: httpx.Client, control: EmulatorControl) -> None:
    control.set_faults([{"kind": "status", "status": 500, "count": 2}])
    statuses = [http.get("/v1/Trunks").status_code for _ in range(4)]
    assert statuses == [500, 500, 200, 200]
    assert control.faults()["rules"][0]["hits"] == 2


def test_rate_based_fault_is_reproducible_with_a_seed(http: httpx.Client, control: EmulatorControl) -> None:
    def run() -> list[int]:
        control.set_faults([{"kind": "status", "status": 503, "rate": 0.5}], seed=1234)
        return [http.get("/v1/Trunks").status_code for _ in range(30)]

    first, second = run(), run()
    assert first == second
    assert 0 < first.count(503) < 30
    assert set(first) == {200, 503}


def test_rate_zero_never_fires(http: httpx.Client, control: EmulatorControl) -> None:
    control.set_faults([{"kind": "status", "status": 500, "rate": 0}])
    assert all(http.get("/v1/Trunks").status_code == 200 for _ in range(5))


def test_drop_closes_connection_before_processing(
    emulator_server: EmulatorServer, http: httpx.Client, control: EmulatorControl
) -> None:
    control.set_faults([{"kind": "drop", "count": 1}])
    with pytest.raises(CONNECTION_LOST):
        http.post("/v1/Trunks", data={"FriendlyName": "lost"})
    assert control.state()["trunks"] == []
    assert http.get("/v1/Trunks").status_code == 200  # the client recovers
    entry = control.requests()["requests"][0]
    assert entry["fault"] == "drop"
    assert entry["status"] is None


def test_drop_after_commits_then_drops(http: httpx.Client, control: EmulatorControl) -> None:
    control.set_faults([{"kind": "drop_after", "method": "POST", "count": 1}])
    with pytest.raises(CONNECTION_LOST):
        http.post("/v1/Trunks", data={"FriendlyName": "committed"})
    trunks = http.get("/v1/Trunks").json()["trunks"]
    assert [t["friendly_name"] for t in trunks] == ["committed"]
    entry = control.requests()["requests"][0]
    assert (entry["fault"], entry["status"]) == ("drop_after", 201)


def test_drop_after_on_bind_commits_the_binding(
    http: httpx.Client,
    control: EmulatorControl,
    make_trunk: Callable[..., dict[str, Any]],
    make_number: Callable[..., dict[str, Any]],
) -> None:
    tk = make_trunk()["sid"]
    pn = make_number("+14155550100")["sid"]
    control.set_faults([{"kind": "drop_after", "path_regex": "/PhoneNumbers$", "count": 1}])
    with pytest.raises(CONNECTION_LOST):
        http.post(f"/v1/Trunks/{tk}/PhoneNumbers", data={"PhoneNumberSid": pn})
    assert http.get(f"/v1/Trunks/{tk}/PhoneNumbers/{pn}").status_code == 200


def test_latency_rule(http: httpx.Client, control: EmulatorControl) -> None:
    control.set_faults([{"kind": "latency", "latency_ms": 150, "path_regex": "^/v1/"}])
    started = time.perf_counter()
    assert http.get("/v1/Trunks").status_code == 200
    assert time.perf_counter() - started >= 0.15
    assert control.requests()["requests"][0]["fault"] == "latency"


def _concurrent_get(url: str, auth: tuple[str, str], n: int) -> list[int]:
    barrier = threading.Barrier(n)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        status = httpx.get(url, auth=auth, timeout=10).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(statuses)


def test_global_latency_overlaps_concurrent_requests(
    emulator_server: EmulatorServer, control: EmulatorControl
) -> None:
    control.set_latency(300)
    started = time.perf_counter()
    statuses = _concurrent_get(f"{emulator_server.base_url}/v1/Trunks", emulator_server.auth, 4)
    elapsed = time.perf_counter() - started
    assert statuses == [200] * 4
    assert 0.3 <= elapsed < 1.0


def test_max_concurrency_answers_429(emulator_server: EmulatorServer, control: EmulatorControl) -> None:
    control.update_settings(max_concurrency=2, latency_ms=400)
    statuses = _concurrent_get(f"{emulator_server.base_url}/v1/Trunks", emulator_server.auth, 6)
    assert statuses == [200, 200, 429, 429, 429, 429]
    log = control.requests()
    assert sum(1 for r in log["requests"] if r["fault"] == "concurrency") == 4
    control.update_settings(latency_ms=0)
    response = httpx.get(f"{emulator_server.base_url}/v1/Trunks", auth=emulator_server.auth)
    assert response.status_code == 200


def test_invalid_fault_rules_are_rejected(control: EmulatorControl) -> None:
    from twilio_trunking_emulator.control import EmulatorControlError

    bad_rules: list[Any] = [
        {"kind": "explode"},
        {"kind": "status", "status": 200},
        {"kind": "status", "rate": 2},
        {"kind": "latency"},
        {"kind": "drop", "path_regex": "("},
        {"kind": "status", "retry_after": -1},
        {"kind": "drop", "bogus": 1},
    ]
    for rule in bad_rules:
        with pytest.raises(EmulatorControlError):
            control.set_faults([rule])
    assert control.faults()["rules"] == []


def test_reset_clears_faults(http: httpx.Client, control: EmulatorControl) -> None:
    control.set_faults([{"kind": "status", "status": 500}])
    control.reset()
    assert http.get("/v1/Trunks").status_code == 200
